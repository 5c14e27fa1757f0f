import * as tf from '@tensorflow/tfjs-core';
import { FormatError } from '../errors';
import { capText, describeValue } from '../math/validate';
import { resnet, type ResNetEncoder } from '../models/resnet';
import { resnetPreset } from '../models/resnetPresets';
import { densityToJSON, scoreDensity, type DetectorDensity, type DetectorDensityJSON } from './densityStage';
import { densityWeights, readDensity } from './artifacts';
import { featurizerFor, planFor, type FeaturePlan } from './featureDensity/featurePlan';
import { resolveFeatureDensityOptions, type ResolvedFeatureDensityOptions } from './featureDensity/options';
import { mapsFromGrid, type ScoringState } from './scoring';
import { fitScoringStage, type FittedScoringStage } from './scoringStage';
import { resizeBilinear } from '../math/resizeBilinear';
import type { FitProgress, FitReport } from './types';

/**
 * The companion's encoder: an untrained `resnet18-slim`, rebuilt from the detector's seed on load
 * (its initialisation is plain seeded JS, the same on every backend), checked by a fingerprint.
 */
const COMPANION_ENCODER = 'resnet18-slim';
/** Weights of the companion's density are saved under this prefix. */
const WEIGHT_PREFIX = 'companion/';

/** Mean and standard deviation of a scorer's out-of-fold image scores (its map is divided by the deviation). */
export interface ScoreStatistics {
  mean: number;
  sd: number;
}

/**
 * A second scorer beside a detector's own (`fusion: 'feature-density'`): PaDiM-style features of an
 * untrained ResNet (stages 2 and 3 stacked, a seeded subset of 100 channels: a deeper and wider
 * receptive field than a patch encoder's) with their own density. Each scorer's map is divided by the
 * spread of its own out-of-fold image scores, and the fused map is their sum.
 */
export interface Companion {
  /** The companion's featurizer, density and settings. */
  readonly scoring: ScoringState;
  /** The detector's own scores' statistics, then the companion's. */
  readonly own: ScoreStatistics;
  readonly other: ScoreStatistics;
  /** The untrained encoder (the companion owns it). */
  readonly encoder: ResNetEncoder;
  readonly plan: FeaturePlan;
  /** Sum of squares of the encoder's weights at build: a rebuilt encoder must give the same. */
  readonly fingerprint: number;
  /**
   * The fused maps of `images` (at model resolution) from the detector's own maps of them, at
   * `size` (`fuseMaps` on the companion's maps). Keeps `scoring.ts` free of this module.
   */
  fuse(images: tf.Tensor4D, own: Float32Array[], size: readonly [number, number]): Promise<Float32Array[]>;
}

/** A companion from its parts, with its `fuse`. */
function companionOf(parts: Omit<Companion, 'fuse'>): Companion {
  const companion: Companion = {
    ...parts,
    async fuse(images, own, size) {
      const grid = parts.scoring.featurizer.grid!;
      const other = companionMaps(companion, await parts.scoring.featurizer.embed(images), own.length);
      return own.map((map, i) => fuseMaps(map, other[i]!, [grid.height, grid.width], size, companion));
    },
  };
  return companion;
}

/** What the fit report says of the companion (`FitReport.companion`). */
export type CompanionReport = NonNullable<FitReport['companion']>;

/** The saved companion (`document.companion`). */
export interface CompanionJSON {
  encoder: typeof COMPANION_ENCODER;
  seed: string;
  stages: number[];
  channels: number[] | null;
  fingerprint: number;
  density: DetectorDensityJSON;
  own: ScoreStatistics;
  other: ScoreStatistics;
}

interface CompanionSetup {
  options: ResolvedFeatureDensityOptions;
  encoder: ResNetEncoder;
  plan: FeaturePlan;
}

/** The companion's options, encoder and plan for images of `imageSize` with `channels` channels. */
function setup(imageSize: readonly [number, number], channels: 1 | 3, seed: string, batch: number): CompanionSetup {
  const options = resolveFeatureDensityOptions({ imageSize: [imageSize[0], imageSize[1]], seed, inferenceBatchSize: batch });
  const encoder = resnet({ ...resnetPreset(COMPANION_ENCODER), inputChannels: channels }, { seed: `${seed}/companion` });
  try {
    return { options, encoder, plan: planFor(encoder, options) };
  } catch (error) {
    encoder.dispose();
    throw error;
  }
}

/**
 * Fits the companion on the detector's training images, and returns it with the fused out-of-fold
 * scores of the training images (each image's fused map from fold densities that did not see it): the
 * provisional threshold's source.
 *
 * @param own the detector's own fitted stage (its features and out-of-fold scores).
 * @param images the training images at model resolution; not disposed.
 */
export async function fitCompanion(
  own: FittedScoringStage,
  images: tf.Tensor4D,
  seed: string,
  batch: number,
  progress: (p: FitProgress) => void,
): Promise<{ companion: Companion; outOfFold: Float32Array; report: CompanionReport }> {
  const [, height, width, channels] = images.shape;
  const { options, encoder, plan } = setup([height, width], channels as 1 | 3, seed, batch);
  try {
    const featurizer = featurizerFor(encoder, plan, options);
    const other = await fitScoringStage(featurizer, images, options, progress);
    if (!own.outOfFold || !other.outOfFold) throw new RangeError('fusion needs at least 4 training images');
    const companion = companionOf({
      scoring: other.state,
      own: statistics(own.outOfFold),
      other: statistics(other.outOfFold),
      encoder,
      plan,
      fingerprint: await fingerprintOf(encoder),
    });
    const report: CompanionReport = {
      density: other.report.density,
      ...(other.report.densityChoice ? { densityChoice: other.report.densityChoice } : {}),
      own: companion.own,
      other: companion.other,
    };
    return { companion, outOfFold: fusedOutOfFold(own, other, companion), report };
  } catch (error) {
    encoder.dispose();
    throw error;
  }
}

/**
 * The fused map of one image: the detector's map and the companion's (resized to it), each divided by
 * the standard deviation of its scorer's out-of-fold image scores, summed. That is the sum of the two
 * maps' z-scores plus a constant (Σ mean / sd): the same order, and never below 0 (both maps are ≥ 0),
 * so scores keep their sign and thresholds stay positive.
 */
export function fuseMaps(
  own: Float32Array,
  other: Float32Array,
  otherSize: readonly [number, number],
  size: readonly [number, number],
  c: Companion,
): Float32Array {
  const resized =
    otherSize[0] === size[0] && otherSize[1] === size[1] ? other : resizeBilinear(other, otherSize[0], otherSize[1], size[0], size[1]);
  const out = new Float32Array(own.length);
  for (let p = 0; p < own.length; p++) out[p] = own[p]! / c.own.sd + resized[p]! / c.other.sd;
  return out;
}

/** Grid scores of `count` images' companion features as maps at the companion's grid size. */
export function companionMaps(c: Companion, features: Float32Array, count: number): Float32Array[] {
  const grid = c.scoring.featurizer.grid!;
  return mapsFromGrid(scoreDensity(c.scoring.density, features, count, grid.rows * grid.cols), count, grid, c.scoring.settings.scoreSigma);
}

/**
 * Out-of-fold fused scores: each scorer's out-of-fold grid scores (the same folds, `outOfFoldGrid`),
 * spread into maps, fused, and each fused map's maximum.
 */
function fusedOutOfFold(own: FittedScoringStage, other: FittedScoringStage, c: Companion): Float32Array {
  const count = own.outOfFold!.length;
  const mapOf = (stage: FittedScoringStage, i: number) => {
    const grid = stage.state.featurizer.grid!;
    const locations = grid.rows * grid.cols;
    return mapsFromGrid(stage.outOfFoldGrid!.subarray(i * locations, (i + 1) * locations), 1, grid, stage.state.settings.scoreSigma)[0]!;
  };
  const ownGrid = own.state.featurizer.grid!;
  const otherGrid = other.state.featurizer.grid!;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const fused = fuseMaps(mapOf(own, i), mapOf(other, i), [otherGrid.height, otherGrid.width], [ownGrid.height, ownGrid.width], c);
    out[i] = fused.reduce((m, v) => (v > m ? v : m), -Infinity);
  }
  return out;
}

function statistics(scores: Float32Array): ScoreStatistics {
  const mean = scores.reduce((s, v) => s + v, 0) / scores.length;
  const variance = scores.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, scores.length - 1);
  return { mean, sd: Math.sqrt(variance) || 1 };
}

/** Sum of squares of the encoder's weights (float64): equal for equal initialisations. */
async function fingerprintOf(encoder: ResNetEncoder): Promise<number> {
  const weights = encoder.getWeights();
  try {
    let sum = 0;
    // async: webgpu has no dependable synchronous read
    for (const values of await Promise.all(Object.values(weights).map((t) => t.data()))) for (const v of values) sum += v * v;
    return sum;
  } finally {
    tf.dispose(Object.values(weights));
  }
}

/** The companion as saved: its description in the document, and its density's weights (prefixed). */
export function companionToJSON(c: Companion, seed: string): { json: CompanionJSON; weights: tf.NamedTensorMap } {
  const weights = densityWeights(c.scoring.density);
  return {
    json: {
      encoder: COMPANION_ENCODER,
      seed,
      stages: [...(c.plan.source as readonly number[])],
      channels: c.plan.channels ? [...c.plan.channels] : null,
      fingerprint: c.fingerprint,
      density: densityToJSON(c.scoring.density),
      own: { ...c.own },
      other: { ...c.other },
    },
    weights: Object.fromEntries(Object.entries(weights).map(([name, t]) => [`${WEIGHT_PREFIX}${name}`, t])),
  };
}

/**
 * Rebuilds a saved companion for images of `imageSize`: the encoder from its seed (its fingerprint
 * must match: an initialisation that changed would score differently), the plan, and the density.
 * @throws FormatError naming what does not fit
 */
export async function readCompanion(
  json: unknown,
  weights: tf.NamedTensorMap,
  imageSize: readonly [number, number],
  channels: 1 | 3,
  batch: number,
  where: string,
): Promise<Companion> {
  const j = json as Partial<CompanionJSON> | null;
  const fail = (what: string) => new FormatError(`${where}: companion${what}`);
  if (typeof j !== 'object' || j === null || j.encoder !== COMPANION_ENCODER || typeof j.seed !== 'string')
    throw fail(
      ` must be { encoder: '${COMPANION_ENCODER}', seed, stages, channels, fingerprint, density, own, other }, got ${describeValue(j)}`,
    );
  for (const key of ['own', 'other'] as const) {
    const s = j[key];
    if (!s || !Number.isFinite(s.mean) || !(Number.isFinite(s.sd) && s.sd > 0)) throw fail(`.${key} must be { mean, sd > 0 }`);
  }
  if (!Number.isFinite(j.fingerprint)) throw fail('.fingerprint must be a finite number');
  const { options, encoder, plan } = setup(imageSize, channels, j.seed, batch);
  try {
    const samePlan =
      JSON.stringify(plan.source) === JSON.stringify(j.stages) && JSON.stringify(plan.channels ?? null) === JSON.stringify(j.channels);
    if (!samePlan) throw fail(`: the saved stages and channels are not those this version builds from seed ${capText(j.seed)}`);
    const fingerprint = await fingerprintOf(encoder);
    if (Math.abs(fingerprint - j.fingerprint!) > 1e-6 * Math.abs(j.fingerprint!))
      throw fail(
        `: the encoder rebuilt from seed ${capText(j.seed)} differs from the saved one (fingerprint ${fingerprint} ≠ ${j.fingerprint})`,
      );
    const own = Object.fromEntries(
      Object.entries(weights).flatMap(([name, t]) => (name.startsWith(WEIGHT_PREFIX) ? [[name.slice(WEIGHT_PREFIX.length), t]] : [])),
    );
    const density: DetectorDensity = await readDensity(j.density as DetectorDensityJSON, own, where);
    const featurizer = featurizerFor(encoder, plan, options);
    const grid = featurizer.grid!;
    if (density.dimension !== featurizer.dimension || (density.locations !== undefined && density.locations !== grid.rows * grid.cols))
      throw fail(`.density does not fit the companion's features (${featurizer.dimension} on ${grid.rows}×${grid.cols})`);
    return companionOf({ scoring: { featurizer, density, settings: options }, own: j.own!, other: j.other!, encoder, plan, fingerprint });
  } catch (error) {
    encoder.dispose();
    throw error;
  }
}
