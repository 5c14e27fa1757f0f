import * as tf from '@tensorflow/tfjs-core';
import { resizeBilinear } from '../math/resizeBilinear';
import { spreadScores, type PatchGridGeometry } from '../math/spreadScores';
import type { Encoder } from '../models/types';
import { fitDensity, scoreDensity, type DetectorDensity } from './densityStage';
import { locationsOf, type Featurizer } from './featurizer';
import type { Companion } from './companion';
import { alignImages, mapsToImages, shownMasks, type PoseStage } from './poseStage';
import { gradCamMaps } from './gradCam';
import type { ScoreMap } from './types';

/** The density and map settings of a detector's scoring stage (its resolved options carry them). */
export interface ScoringSettings {
  readonly shrinkage: 'ledoit-wolf' | number;
  /** `'auto'`: chosen with the density at fit (patch mode), else `true`; the fitted density carries the result. */
  readonly l2Normalize: boolean | 'auto';
  /** Shared density: at most this many rows are fitted (a seeded subsample). */
  readonly densityMaxRows: number;
  readonly seed: number | string;
  /** Gaussian σ (px) spreading grid scores over pixels. */
  readonly scoreSigma: number;
}

/** Everything a fitted detector scores with. */
export interface ScoringState {
  featurizer: Featurizer;
  density: DetectorDensity;
  settings: ScoringSettings;
  /** Image-level features: the encoder whose GradCAM maps localise (CutPaste image mode). */
  encoder?: Encoder;
  /** Grid features: a second scorer whose standardised map is added to this one's (`fusion`). */
  companion?: Companion;
  /** Grid features: images are aligned to their objects' poses first, and maps brought back (`alignObjects`). */
  pose?: PoseStage;
}

/** The options `fitDensity` takes, from a detector's settings; `seed` names the draw, `l2Normalize` the rows' normalisation. */
export function densityFitOptions(settings: ScoringSettings, seed: string, l2Normalize: boolean): Parameters<typeof fitDensity>[5] {
  return { shrinkage: settings.shrinkage, l2Normalize, maxRows: settings.densityMaxRows, seed };
}

/** Patch mode: the model-resolution score maps (`imageSize`) of `count` images from their grid scores. */
export function mapsFromGrid(grid: Float32Array, count: number, layout: PatchGridGeometry, sigma: number): Float32Array[] {
  const locations = layout.rows * layout.cols;
  const maps: Float32Array[] = [];
  for (let i = 0; i < count; i++) maps.push(spreadScores(grid.subarray(i * locations, (i + 1) * locations), layout, sigma));
  return maps;
}

/**
 * What each image of a batch shows, for images aligned to their objects' poses (`shownMasks`, at model
 * resolution): its maps are judged on shown pixels only (`maskUnshown`). `undefined`: every pixel.
 */
export type ShownMasks = readonly Uint8Array[] | undefined;

/** Image scores from features: the GDE score (image mode) or the maximum of the spread map over shown pixels (patch mode). */
export function scoresFromFeatures(
  state: ScoringState,
  features: Float32Array,
  count: number,
  density = state.density,
  shown?: ShownMasks,
): Float32Array {
  return scoresFromGrid(state, scoreDensity(density, features, count, locationsOf(state.featurizer)), count, shown);
}

/** Image scores from grid scores `[count, locations]`: the scores themselves (image mode) or each spread map's maximum over shown pixels. */
export function scoresFromGrid(state: ScoringState, grid: Float32Array, count: number, shown?: ShownMasks): Float32Array {
  const layout = state.featurizer.grid;
  if (!layout) return grid;
  return Float32Array.from(mapsFromGrid(grid, count, layout, state.settings.scoreSigma), (map, i) => maxOf(maskUnshown(map, shown?.[i])));
}

/**
 * The map with every pixel that `shown` marks 0 lowered to the least shown value (in place; the same
 * array): nothing is seen there, so it neither raises the image's score (the map's maximum) nor stands
 * out in the map. Unchanged without a mask or when nothing is shown.
 */
export function maskUnshown(map: Float32Array, shown: Uint8Array | undefined): Float32Array {
  if (!shown) return map;
  let low = Infinity;
  for (let i = 0; i < map.length; i++) if (shown[i] && map[i]! < low) low = map[i]!;
  if (low === Infinity) return map;
  for (let i = 0; i < map.length; i++) if (!shown[i]) map[i] = low;
  return map;
}

/**
 * Scores, and when `maps` is asked the maps, of one chunk of images at model resolution: patch mode
 * gives spread patch maps (`imageSize`), image mode GradCAM maps (feature-map resolution).
 */
export async function scoreChunk(
  state: ScoringState,
  images: tf.Tensor4D,
  maps: boolean,
): Promise<{ scores: Float32Array; maps?: ScoreMap[] }> {
  const count = images.shape[0];
  const { featurizer, density, encoder } = state;
  const layout = featurizer.grid;
  if (layout) {
    const aligned = state.pose && (await alignImages(images, state.pose));
    try {
      const x = aligned?.images ?? images;
      const grid = scoreDensity(density, await featurizer.embed(x), count, layout.rows * layout.cols);
      let m = mapsFromGrid(grid, count, layout, state.settings.scoreSigma);
      if (state.companion) m = await state.companion.fuse(x, m, [layout.height, layout.width]);
      // The score is the aligned map's maximum over what the image shows; the map the caller sees lies on the image as given.
      if (aligned) {
        const shown = shownMasks(aligned.poses, state.pose!, layout);
        m.forEach((map, i) => maskUnshown(map, shown[i]));
      }
      const scores = Float32Array.from(m, maxOf);
      if (!maps) return { scores };
      if (aligned) m = mapsToImages(m, layout.height, layout.width, aligned.poses, state.pose!);
      return { scores, maps: m.map((data) => ({ data, height: layout.height, width: layout.width })) };
    } finally {
      aligned?.images.dispose();
    }
  }
  const features = await featurizer.embed(images);
  const scores = scoreDensity(density, features, count, 1);
  if (!maps) return { scores };
  if (!density.gaussian || !encoder) throw new Error('unreachable: image-level maps need one Gaussian density and the encoder');
  const cam = await gradCamMaps(encoder, density.gaussian, images);
  return { scores, maps: cam.maps.map((data) => ({ data, height: cam.height, width: cam.width })) };
}

/** A map resized (bilinear, half-pixel centres) to `height × width`; the same object when already that size. */
export function resizeMap(map: ScoreMap, height: number, width: number): ScoreMap {
  if (map.height === height && map.width === width) return map;
  return { data: resizeBilinear(map.data, map.height, map.width, height, width), height, width };
}

/**
 * Out-of-fold grid scores of the training images `[count, locations]` (k folds, k = min(10, count)):
 * each image is scored by a density fitted without it (on 90% of the images: the fewer left out, the
 * closer the fold densities are to the final one, whose held-out scores these estimate). They
 * estimate how normal images the detector has not seen will score; `fit` sets its provisional
 * threshold from their image scores (`scoresFromGrid`). Needs at least 4 images (else `undefined`).
 *
 * @param l2Normalize whether the fold densities normalise their rows (as the fitted density does).
 */
export function outOfFoldGrid(
  state: ScoringState,
  features: Float32Array,
  count: number,
  dimension: number,
  l2Normalize: boolean,
): Float32Array | undefined {
  if (count < 4) return undefined;
  const locations = locationsOf(state.featurizer);
  const stride = locations * dimension;
  const folds = Math.min(10, count);
  const out = new Float32Array(count * locations);
  for (let f = 0; f < folds; f++) {
    const held: number[] = [];
    const kept: number[] = [];
    for (let i = 0; i < count; i++) (i % folds === f ? held : kept).push(i);
    const pick = (indices: number[]) => pickRows(features, indices, stride);
    const density = fitDensity(
      state.density.kind,
      pick(kept),
      kept.length,
      locations,
      dimension,
      densityFitOptions(state.settings, `${state.settings.seed}/fold${f}`, l2Normalize),
    );
    const grid = scoreDensity(density, pick(held), held.length, locations);
    held.forEach((i, j) => out.set(grid.subarray(j * locations, (j + 1) * locations), i * locations));
  }
  return out;
}

/** Out-of-fold image scores of the training images: `outOfFoldGrid`'s, one per image. */
export function outOfFoldScores(
  state: ScoringState,
  features: Float32Array,
  count: number,
  dimension: number,
  l2Normalize: boolean,
): Float32Array | undefined {
  const grid = outOfFoldGrid(state, features, count, dimension, l2Normalize);
  return grid && scoresFromGrid(state, grid, count);
}

/** The rows `indices` (each `stride` values long) of `features`, in that order, as a new array. */
export function pickRows(features: Float32Array, indices: readonly number[], stride: number): Float32Array {
  const rows = new Float32Array(indices.length * stride);
  indices.forEach((i, j) => rows.set(features.subarray(i * stride, (i + 1) * stride), j * stride));
  return rows;
}

function maxOf(map: Float32Array): number {
  let m = -Infinity;
  for (let i = 0; i < map.length; i++) if (map[i]! > m) m = map[i]!;
  return m;
}
