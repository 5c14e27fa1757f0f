import * as tf from '@tensorflow/tfjs-core';
import { rocAuc } from '../math/rocAuc';
import { createRng, shuffleInPlace } from '../math/random';
import { tensorFromPixels } from '../ops/pixelTensors';
import type { PixelBatch } from '../ops/pixels/pixelBatch';
import { cutPastePixels } from '../ops/pixels/cutPastePixels';
import { cutPasteScarPixels } from '../ops/pixels/cutPasteScarPixels';
import { gatherImages } from '../ops/pixels/gatherImages';
import { locationAlignment } from '../density/locationAlignment';
import { fitDensity, type DetectorDensity } from './densityStage';
import { locationsOf, type Featurizer } from './featurizer';
import { ALIGNMENT_THRESHOLD } from './options';
import { densityFitOptions, pickRows, scoresFromFeatures, type ScoringSettings, type ScoringState } from './scoring';
import { yieldToEventLoop } from '../train/trainer';

/** How `perLocation: 'auto'` chose the patch density (see `chooseDensityKind`). */
export interface DensityChoice {
  /** The density kept. */
  kind: 'shared' | 'per-location';
  /** Image AUROC of synthetic defects against held-out normal images, per density kind, in [0, 1]. */
  auroc: { shared: number; perLocation: number };
  /** Synthetic defect images the choice was judged on. */
  probes: number;
  /**
   * Bootstrap standard error of the difference between the two AUROCs (the same normal and defect
   * images resampled for both). Absent from reports saved before it was measured.
   */
  standardError?: number;
  /**
   * What decided: `'validation'` when the AUROCs differ by at least `CHOICE_MARGIN` standard errors,
   * else `'alignment'`: the features' location alignment (`ALIGNMENT_THRESHOLD`), as with too few
   * images. Absent from reports saved before the margin (validation decided alone then).
   */
  decidedBy?: 'validation' | 'alignment';
}

/** Folds of the choice's cross-validation (each normal image is scored by densities fitted without it). */
export const CHOICE_FOLDS = 5;
/** At most this many training images get a synthetic defect for the choice. */
export const CHOICE_PROBES = 96;
/** Validation decides only when the two AUROCs differ by at least this many standard errors (else the alignment rule). */
export const CHOICE_MARGIN = 2;
/** Bootstrap resamples for the standard error of the AUROC difference. */
export const CHOICE_BOOTSTRAP = 200;
/** Fewest training images for a choice by validation (below, `fit` falls back to the alignment rule). */
export const CHOICE_MIN_IMAGES = 2 * CHOICE_FOLDS;

/** A detector's density settings: its scoring settings and `perLocation` (grid features only). */
export interface DensitySettings extends ScoringSettings {
  readonly perLocation: boolean | 'auto';
}

/** What {@link fitDetectorDensity} fitted, and how patch mode chose it. */
export interface FittedDensity {
  density: DetectorDensity;
  /** Patch mode: the training features' location alignment (`locationAlignment`). */
  alignment?: number;
  /** Patch mode with `perLocation: 'auto'` and at least `CHOICE_MIN_IMAGES` images. */
  choice?: DensityChoice;
}

/**
 * Stage 2 of `fit`: the density over the training features. Image mode: one GDE. Patch mode: one
 * per location or one shared, as `options.perLocation` says; `'auto'` chooses by validation on
 * synthetic defects (`chooseDensityKind`), or by the features' location alignment (≥
 * `ALIGNMENT_THRESHOLD`: per location) with fewer than `CHOICE_MIN_IMAGES` images.
 *
 * @param features `[count, dimension]` (no grid: image mode) or `[count, locations, dimension]`.
 */
export async function fitDetectorDensity(
  featurizer: Featurizer,
  images: tf.Tensor4D,
  features: Float32Array,
  settings: DensitySettings,
  onProgress?: (done: number, total: number) => void,
): Promise<FittedDensity> {
  const count = images.shape[0];
  const { dimension } = featurizer;
  const locations = locationsOf(featurizer);
  const gde = densityFitOptions(settings, String(settings.seed));
  if (!featurizer.grid) return { density: fitDensity('image', features, count, 1, dimension, gde, onProgress) };
  const alignment = locationAlignment(features, count, locations, dimension, settings.l2Normalize);
  const choice =
    settings.perLocation === 'auto' && count >= CHOICE_MIN_IMAGES
      ? await chooseDensityKind(featurizer, images, features, settings, alignment)
      : undefined;
  const perLocation =
    settings.perLocation !== 'auto' ? settings.perLocation : choice ? choice.kind === 'per-location' : alignment >= ALIGNMENT_THRESHOLD;
  const density = fitDensity(perLocation ? 'per-location' : 'shared', features, count, locations, dimension, gde, onProgress);
  return { density, alignment, ...(choice ? { choice } : {}) };
}

/**
 * `perLocation: 'auto'`: chooses between one density per grid location and one shared density by
 * asking which one tells held-out normal images from defective ones better. Normal images are scored
 * out of fold (`CHOICE_FOLDS` folds, each scored by a density fitted without it); the defective ones
 * are copies of up to `CHOICE_PROBES` training images with a synthetic defect (a small CutPaste patch
 * or a CutPaste-Scar at the image's pixel scale, alternately), each scored by the fold density that
 * did not see its source image. The kind with the higher image AUROC wins when the two differ by at
 * least `CHOICE_MARGIN` bootstrap standard errors; a smaller difference is noise (48 probes on a
 * synthetic pill swung 3 points either way between runs while per-location scored 22 points better on
 * real defects), and the location-alignment rule decides (`alignment` ≥ `ALIGNMENT_THRESHOLD`: per location).
 *
 * This judges the object, not the background: one density per location flags a normal object that
 * lies where the training images had background (random positions or angles), which costs it AUROC,
 * while on aligned objects it sees defects that a shared density averages away.
 *
 * @param images the training images at model resolution `[count, height, width, channels]`; not disposed.
 * @param features their patch features `[count, locations, dimension]`.
 * @param alignment their location alignment (`locationAlignment`), the rule when validation cannot tell.
 */
export async function chooseDensityKind(
  featurizer: Featurizer,
  images: tf.Tensor4D,
  features: Float32Array,
  settings: DensitySettings,
  alignment: number,
): Promise<DensityChoice> {
  const count = images.shape[0];
  const locations = locationsOf(featurizer);
  const { dimension } = featurizer;
  const rng = createRng(`${settings.seed}/density-choice`);
  const sources = shuffleInPlace(
    Array.from({ length: count }, (_, i) => i),
    rng,
  ).slice(0, Math.min(CHOICE_PROBES, count));
  const probeFeatures = await embedProbes(featurizer, images, sources, rng);

  const stride = locations * dimension;
  const pick = (from: Float32Array, indices: number[]) => pickRows(from, indices, stride);
  const auroc = { shared: 0, perLocation: 0 };
  const scoresOf: Record<'shared' | 'per-location', number[]> = { shared: [], 'per-location': [] };
  let labels: number[] = [];
  for (const kind of ['shared', 'per-location'] as const) {
    const scores = scoresOf[kind];
    labels = [];
    for (let f = 0; f < CHOICE_FOLDS; f++) {
      const kept: number[] = [];
      const held: number[] = [];
      for (let i = 0; i < count; i++) (i % CHOICE_FOLDS === f ? held : kept).push(i);
      const probes = sources.flatMap((source, j) => (source % CHOICE_FOLDS === f ? [j] : []));
      const density = fitDensity(
        kind,
        pick(features, kept),
        kept.length,
        locations,
        dimension,
        densityFitOptions(settings, `${settings.seed}/choice${f}`),
      );
      const state: ScoringState = { featurizer, density, settings };
      const normal = scoresFromFeatures(state, pick(features, held), held.length);
      const defective = probes.length ? scoresFromFeatures(state, pick(probeFeatures, probes), probes.length) : [];
      scores.push(...normal, ...defective);
      labels.push(...new Array<number>(normal.length).fill(0), ...new Array<number>(defective.length).fill(1));
      await yieldToEventLoop();
    }
    auroc[kind === 'shared' ? 'shared' : 'perLocation'] = rocAuc(scores, labels);
  }
  const standardError = differenceStandardError(scoresOf.shared, scoresOf['per-location'], labels, rng);
  const difference = auroc.perLocation - auroc.shared;
  const decidedBy = Math.abs(difference) >= CHOICE_MARGIN * standardError && difference !== 0 ? 'validation' : 'alignment';
  const perLocation = decidedBy === 'validation' ? difference > 0 : alignment >= ALIGNMENT_THRESHOLD;
  return { kind: perLocation ? 'per-location' : 'shared', auroc, probes: sources.length, standardError, decidedBy };
}

/**
 * Bootstrap standard error of AUROC(b) − AUROC(a) for two scorings of the same images: normal and
 * defective images resampled separately (`CHOICE_BOOTSTRAP` times), the same draw for both scorings.
 */
function differenceStandardError(a: number[], b: number[], labels: number[], rng: () => number): number {
  const normal = labels.flatMap((label, i) => (label === 0 ? [i] : []));
  const defective = labels.flatMap((label, i) => (label === 1 ? [i] : []));
  if (normal.length === 0 || defective.length === 0) return 0;
  const draw = (from: number[]) => from.map(() => from[Math.floor(rng() * from.length)]!);
  const sampleLabels = [...new Array<number>(normal.length).fill(0), ...new Array<number>(defective.length).fill(1)];
  const differences: number[] = [];
  for (let r = 0; r < CHOICE_BOOTSTRAP; r++) {
    const picked = [...draw(normal), ...draw(defective)];
    differences.push(
      rocAuc(
        picked.map((i) => b[i]!),
        sampleLabels,
      ) -
        rocAuc(
          picked.map((i) => a[i]!),
          sampleLabels,
        ),
    );
  }
  const mean = differences.reduce((s, d) => s + d, 0) / differences.length;
  return Math.sqrt(differences.reduce((s, d) => s + (d - mean) ** 2, 0) / (differences.length - 1));
}

/** Patch features of the `sources` images with one synthetic defect each (CutPaste for even, Scar for odd positions). */
async function embedProbes(featurizer: Featurizer, images: tf.Tensor4D, sources: number[], rng: () => number): Promise<Float32Array> {
  const picked = tf.tidy(() => tf.gather(images, sources));
  const [, height, width, channels] = picked.shape;
  // An asynchronous read: webgpu's synchronous one is a slow round trip (see trainSelfSupervised).
  const pixels: PixelBatch = { data: Float32Array.from(await picked.data()), batch: sources.length, height, width, channels };
  picked.dispose();
  const even = sources.flatMap((_, j) => (j % 2 === 0 ? [j] : []));
  const odd = sources.flatMap((_, j) => (j % 2 === 1 ? [j] : []));
  const size = pixels.height * pixels.width * pixels.channels;
  const place = (indices: number[], batch: Float32Array) =>
    indices.forEach((j, k) => pixels.data.set(batch.subarray(k * size, (k + 1) * size), j * size));
  // Defects smaller than the pretext's CutPaste (2–15 % of the image): closer to the size of real ones.
  if (even.length) place(even, cutPastePixels(gatherImages(pixels, even), { area: [0.005, 0.03], rng }).data);
  if (odd.length) place(odd, cutPasteScarPixels(gatherImages(pixels, odd), { rng }).data);
  const probes = tensorFromPixels(pixels);
  try {
    return await featurizer.embed(probes);
  } finally {
    probes.dispose();
  }
}
