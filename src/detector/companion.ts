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
import type { PatchGridGeometry } from '../math/spreadScores';
import { colourFeaturizer } from './colourFeaturizer';
import type { FitProgress, FitReport } from './types';

/**
 * The companion's encoder: an untrained `resnet18-slim`, rebuilt from the detector's seed on load
 * (its initialisation is plain seeded JS, the same on every backend), checked by a fingerprint.
 */
const COMPANION_ENCODER = 'resnet18-slim';
/** Weights of the companion's density are saved under this prefix. */
const WEIGHT_PREFIX = 'companion/';
/** Weights of the colour scorer's density are saved under this prefix. */
const COLOUR_PREFIX = 'colour/';

/** Mean and standard deviation of a scorer's out-of-fold image scores (its map is divided by the deviation). */
export interface ScoreStatistics {
  mean: number;
  sd: number;
}

/** The colour scorer (`fusion: 'feature-density+colour'`): patch colour and gradient statistics and their density. */
export interface ColourScorer {
  /** `colourFeaturizer` on the detector's own patch grid, its density (raw features) and settings. */
  readonly scoring: ScoringState;
  /** Its out-of-fold scores' statistics. */
  readonly stats: ScoreStatistics;
}

/**
 * A second scorer beside a detector's own (`fusion: 'feature-density'`): PaDiM-style features of an
 * untrained ResNet (stages 2 and 3 stacked, a seeded subset of 100 channels: a deeper and wider
 * receptive field than a patch encoder's) with their own density; with `'feature-density+colour'` a
 * third, each patch's colour statistics (`colourFeaturizer`) with theirs. Each scorer's map is
 * divided by the spread of its own out-of-fold image scores, and the fused map is their sum.
 */
export interface Companion {
  /** The companion's featurizer, density and settings. */
  readonly scoring: ScoringState;
  /** The detector's own scores' statistics, then the companion's. */
  readonly own: ScoreStatistics;
  readonly other: ScoreStatistics;
  /** The colour scorer, with `fusion: 'feature-density+colour'`. */
  readonly colour?: ColourScorer;
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
      const other = scorerMaps(parts.scoring, await parts.scoring.featurizer.embed(images), own.length);
      const colour = parts.colour && scorerMaps(parts.colour.scoring, await parts.colour.scoring.featurizer.embed(images), own.length);
      return own.map((map, i) => fuseMaps(companion, size, map, other[i]!, colour?.[i]));
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
  /** The colour scorer's density and statistics (its featurizer follows from the detector's grid). */
  colour?: { density: DetectorDensityJSON; stats: ScoreStatistics };
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

/** The colour scorer's featurizer and settings: the detector's own patch grid and settings, on raw features. */
function colourSetup(grid: PatchGridGeometry, own: ScoringState['settings'], channels: number, batch: number) {
  return { featurizer: colourFeaturizer(grid, channels, batch), settings: { ...own, l2Normalize: false, perLocation: 'auto' as const } };
}

/**
 * Fits the companion on the detector's training images, and returns it with the fused out-of-fold
 * scores of the training images (each image's fused map from fold densities that did not see it): the
 * provisional threshold's source.
 *
 * @param own the detector's own fitted stage (its features, grid, settings and out-of-fold scores).
 * @param images the training images at model resolution; not disposed.
 * @param colour whether to add the colour scorer (on `own`'s grid).
 */
export async function fitCompanion(
  own: FittedScoringStage,
  images: tf.Tensor4D,
  seed: string,
  batch: number,
  progress: (p: FitProgress) => void,
  colour = false,
): Promise<{ companion: Companion; outOfFold: Float32Array; report: CompanionReport }> {
  const [, height, width, channels] = images.shape;
  const { options, encoder, plan } = setup([height, width], channels as 1 | 3, seed, batch);
  try {
    const featurizer = featurizerFor(encoder, plan, options);
    const other = await fitScoringStage(featurizer, images, options, progress);
    const c = colour ? colourSetup(own.state.featurizer.grid!, own.state.settings, channels, batch) : undefined;
    const colourStage = c && (await fitScoringStage(c.featurizer, images, c.settings, progress));
    if (!own.outOfFold || !other.outOfFold || (colourStage && !colourStage.outOfFold))
      throw new RangeError('fusion needs at least 4 training images');
    const companion = companionOf({
      scoring: other.state,
      own: statistics(own.outOfFold),
      other: statistics(other.outOfFold),
      ...(colourStage ? { colour: { scoring: colourStage.state, stats: statistics(colourStage.outOfFold!) } } : {}),
      encoder,
      plan,
      fingerprint: await fingerprintOf(encoder),
    });
    const report: CompanionReport = {
      density: other.report.density,
      ...(other.report.densityChoice ? { densityChoice: other.report.densityChoice } : {}),
      own: companion.own,
      other: companion.other,
      ...(colourStage
        ? {
            colour: {
              density: colourStage.report.density,
              ...(colourStage.report.densityChoice ? { densityChoice: colourStage.report.densityChoice } : {}),
              stats: companion.colour!.stats,
            },
          }
        : {}),
    };
    return { companion, outOfFold: fusedOutOfFold(own, other, colourStage, companion), report };
  } catch (error) {
    encoder.dispose();
    throw error;
  }
}

/** A map with the size of the grid it was spread over. */
interface SizedMap {
  map: Float32Array;
  size: readonly [number, number];
}

/**
 * The fused map of one image: the detector's map, the companion's and the colour scorer's (each
 * resized to the detector's), each divided by the standard deviation of its scorer's out-of-fold
 * image scores, summed. That is the sum of the maps' z-scores plus a constant (Σ mean / sd): the same
 * order, and never below 0 (every map is ≥ 0), so scores keep their sign and thresholds stay positive.
 *
 * @param size the detector's map size; `own` has it.
 */
export function fuseMaps(
  c: Companion,
  size: readonly [number, number],
  own: Float32Array,
  other: SizedMap,
  colour?: SizedMap,
): Float32Array {
  const out = new Float32Array(own.length);
  for (let p = 0; p < own.length; p++) out[p] = own[p]! / c.own.sd;
  const add = ({ map, size: from }: SizedMap, sd: number) => {
    const resized = from[0] === size[0] && from[1] === size[1] ? map : resizeBilinear(map, from[0], from[1], size[0], size[1]);
    for (let p = 0; p < out.length; p++) out[p]! += resized[p]! / sd;
  };
  add(other, c.other.sd);
  if (colour) add(colour, c.colour!.stats.sd);
  return out;
}

/** Grid scores of `count` images' features as maps at the grid's size. */
function scorerMaps(scoring: ScoringState, features: Float32Array, count: number): SizedMap[] {
  const grid = scoring.featurizer.grid!;
  const maps = mapsFromGrid(
    scoreDensity(scoring.density, features, count, grid.rows * grid.cols),
    count,
    grid,
    scoring.settings.scoreSigma,
  );
  return maps.map((map) => ({ map, size: [grid.height, grid.width] }));
}

/**
 * Out-of-fold fused scores: each scorer's out-of-fold grid scores (the same folds, `outOfFoldGrid`),
 * spread into maps, fused, and each fused map's maximum.
 */
function fusedOutOfFold(
  own: FittedScoringStage,
  other: FittedScoringStage,
  colour: FittedScoringStage | undefined,
  c: Companion,
): Float32Array {
  const count = own.outOfFold!.length;
  const mapOf = (stage: FittedScoringStage, i: number): SizedMap => {
    const grid = stage.state.featurizer.grid!;
    const locations = grid.rows * grid.cols;
    const map = mapsFromGrid(
      stage.outOfFoldGrid!.subarray(i * locations, (i + 1) * locations),
      1,
      grid,
      stage.state.settings.scoreSigma,
    )[0]!;
    return { map, size: [grid.height, grid.width] };
  };
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const mine = mapOf(own, i);
    const fused = fuseMaps(c, mine.size, mine.map, mapOf(other, i), colour && mapOf(colour, i));
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
  const colourWeights = c.colour ? densityWeights(c.colour.scoring.density) : {};
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
      ...(c.colour ? { colour: { density: densityToJSON(c.colour.scoring.density), stats: { ...c.colour.stats } } } : {}),
    },
    weights: Object.fromEntries([
      ...Object.entries(weights).map(([name, t]): [string, tf.Tensor] => [`${WEIGHT_PREFIX}${name}`, t]),
      ...Object.entries(colourWeights).map(([name, t]): [string, tf.Tensor] => [`${COLOUR_PREFIX}${name}`, t]),
    ]),
  };
}

/** What `readCompanion` needs of the detector it belongs to. */
export interface CompanionHost {
  /** The detector's model resolution and channels, and its inference batch. */
  imageSize: readonly [number, number];
  channels: 1 | 3;
  batch: number;
  /** The detector's own patch grid and scoring settings (the colour scorer's). */
  grid: PatchGridGeometry;
  settings: ScoringState['settings'];
  /** Whether the detector's options fuse the colour scorer (`'feature-density+colour'`). */
  colour: boolean;
}

/**
 * Rebuilds a saved companion for its detector: the encoder from its seed (its fingerprint must
 * match: an initialisation that changed would score differently), the plan, the density, and the
 * colour scorer exactly when `host.colour` says so.
 * @throws FormatError naming what does not fit
 */
export async function readCompanion(json: unknown, weights: tf.NamedTensorMap, host: CompanionHost, where: string): Promise<Companion> {
  const j = json as Partial<CompanionJSON> | null;
  const fail = (what: string) => new FormatError(`${where}: companion${what}`);
  if (typeof j !== 'object' || j === null || j.encoder !== COMPANION_ENCODER || typeof j.seed !== 'string')
    throw fail(
      ` must be { encoder: '${COMPANION_ENCODER}', seed, stages, channels, fingerprint, density, own, other, colour? }, got ${describeValue(j)}`,
    );
  const statsOk = (s: ScoreStatistics | undefined) => !!s && Number.isFinite(s.mean) && Number.isFinite(s.sd) && s.sd > 0;
  for (const key of ['own', 'other'] as const) if (!statsOk(j[key])) throw fail(`.${key} must be { mean, sd > 0 }`);
  if (!Number.isFinite(j.fingerprint)) throw fail('.fingerprint must be a finite number');
  if (host.colour !== (j.colour !== undefined))
    throw fail(
      host.colour
        ? ".colour is missing: options.fusion is 'feature-density+colour'"
        : ".colour is there but options.fusion is 'feature-density'",
    );
  if (j.colour && (typeof j.colour !== 'object' || !statsOk(j.colour.stats)))
    throw fail('.colour must be { density, stats: { mean, sd > 0 } }');
  const { options, encoder, plan } = setup(host.imageSize, host.channels, j.seed, host.batch);
  try {
    const samePlan =
      JSON.stringify(plan.source) === JSON.stringify(j.stages) && JSON.stringify(plan.channels ?? null) === JSON.stringify(j.channels);
    if (!samePlan) throw fail(`: the saved stages and channels are not those this version builds from seed ${capText(j.seed)}`);
    const fingerprint = await fingerprintOf(encoder);
    if (Math.abs(fingerprint - j.fingerprint!) > 1e-6 * Math.abs(j.fingerprint!))
      throw fail(
        `: the encoder rebuilt from seed ${capText(j.seed)} differs from the saved one (fingerprint ${fingerprint} ≠ ${j.fingerprint})`,
      );
    const featurizer = featurizerFor(encoder, plan, options);
    const density = await readScorerDensity(j.density, weights, WEIGHT_PREFIX, featurizer, fail, '.density', where);
    let colour: ColourScorer | undefined;
    if (j.colour) {
      const c = colourSetup(host.grid, host.settings, host.channels, host.batch);
      const colourDensity = await readScorerDensity(j.colour.density, weights, COLOUR_PREFIX, c.featurizer, fail, '.colour.density', where);
      colour = { scoring: { featurizer: c.featurizer, density: colourDensity, settings: c.settings }, stats: j.colour.stats };
    }
    return companionOf({
      scoring: { featurizer, density, settings: options },
      own: j.own!,
      other: j.other!,
      ...(colour ? { colour } : {}),
      encoder,
      plan,
      fingerprint,
    });
  } catch (error) {
    encoder.dispose();
    throw error;
  }
}

/** A scorer's saved density (weights under `prefix`), checked against its featurizer's dimension and grid. */
async function readScorerDensity(
  json: unknown,
  weights: tf.NamedTensorMap,
  prefix: string,
  featurizer: ScoringState['featurizer'],
  fail: (what: string) => FormatError,
  field: string,
  where: string,
): Promise<DetectorDensity> {
  const mine = Object.fromEntries(
    Object.entries(weights).flatMap(([name, t]) => (name.startsWith(prefix) ? [[name.slice(prefix.length), t]] : [])),
  );
  const density = await readDensity(json as DetectorDensityJSON, mine, where);
  const grid = featurizer.grid!;
  if (density.dimension !== featurizer.dimension || (density.locations !== undefined && density.locations !== grid.rows * grid.cols))
    throw fail(`${field} does not fit the scorer's features (${featurizer.dimension} on ${grid.rows}×${grid.cols})`);
  return density;
}
