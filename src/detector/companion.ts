import * as tf from '@tensorflow/tfjs-core';
import { FormatError } from '../errors';
import { capText, describeValue } from '../math/validate';
import { resnet, type ResNetEncoder } from '../models/resnet';
import { resnetPreset } from '../models/resnetPresets';
import { densityToJSON, scoreDensity, type DetectorDensity, type DetectorDensityJSON } from './densityStage';
import { densityWeights, readDensity } from './artifacts';
import { featurizerFor, planFor, type FeaturePlan } from './featureDensity/featurePlan';
import { resolveFeatureDensityOptions, type ResolvedFeatureDensityOptions } from './featureDensity/options';
import { mapsFromGrid, maskUnshown, type ScoringState, type ShownMasks } from './scoring';
import { fitScoringStage, type FittedScoringStage } from './scoringStage';
import { resizeBilinear } from '../math/resizeBilinear';
import type { PatchGridGeometry } from '../math/spreadScores';
import { areColourScales, COLOUR_SCALES, colourFeaturizer } from './colourFeaturizer';
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

/** A scorer fused with the detector's own: its featurizer, density and settings, and its out-of-fold scores' statistics. */
export interface FusedScorer {
  readonly scoring: ScoringState;
  /** Its out-of-fold image scores' statistics (its map is divided by their deviation). */
  readonly stats: ScoreStatistics;
}

/** The colour scorer (`fusion: 'colour'` or `'feature-density+colour'`): `colourFeaturizer` on the detector's own patch grid, its density on raw features. */
export interface ColourScorer extends FusedScorer {
  /** Its windows' sides as multiples of the patch's (`colourFeaturizer`'s `scales`). */
  readonly scales: readonly number[];
}

/** The untrained feature density (`fusion: 'feature-density'` or `'feature-density+colour'`). */
export interface FeatureDensityScorer extends FusedScorer {
  /** The untrained encoder (the companion owns it). */
  readonly encoder: ResNetEncoder;
  readonly plan: FeaturePlan;
  /** Sum of squares of the encoder's weights at build: a rebuilt encoder must give the same. */
  readonly fingerprint: number;
}

/** The `fusion` values that fuse something. */
export type CompanionFusion = 'feature-density+colour' | 'feature-density' | 'colour';

/** The `fusion` option: the scorers it names, `'auto'` (decided at fit), or `'none'`. */
export type FusionSetting = CompanionFusion | 'auto' | 'none';

/**
 * The scorers a detector fuses (`undefined`: none). `'auto'` fuses the colour scorer, and the untrained
 * feature density beside it when the images were aligned to their objects' poses (`alignObjects`):
 * an aligned object's geometry is what its defects change, and the feature density's deeper, wider
 * features add to the colour statistics there (docs/results.md: the bolt, on two validation draws).
 *
 * @param aligned whether `alignObjects` aligned the training images (a save: whether it holds a pose frame).
 */
export function fusedScorers(fusion: FusionSetting, aligned: boolean): CompanionFusion | undefined {
  if (fusion === 'none') return undefined;
  if (fusion !== 'auto') return fusion;
  return aligned ? 'feature-density+colour' : 'colour';
}

/**
 * The scorers fused with a detector's own (`fusion`): PaDiM-style features of an untrained ResNet
 * (`'feature-density'`: stages 2 and 3 stacked, a seeded subset of 100 channels, a deeper and wider
 * receptive field than a patch encoder's) with their own density, and each patch's colour and
 * gradient statistics (`'colour'`: `colourFeaturizer`) with theirs; `'feature-density+colour'` fuses
 * both. Each scorer's map is divided by the spread of its own out-of-fold image scores, and the fused
 * map is their sum.
 */
export interface Companion {
  /** The detector's own scores' statistics. */
  readonly own: ScoreStatistics;
  /** The untrained feature density, with `'feature-density'` and `'feature-density+colour'`. */
  readonly featureDensity?: FeatureDensityScorer;
  /** The colour scorer, with `'colour'` and `'feature-density+colour'`. */
  readonly colour?: ColourScorer;
  /**
   * The fused maps of `images` (at model resolution) from the detector's own maps of them, at
   * `size` (`fuseMaps` on the scorers' maps). Keeps `scoring.ts` free of this module.
   */
  fuse(images: tf.Tensor4D, own: Float32Array[], size: readonly [number, number]): Promise<Float32Array[]>;
  /** Frees the feature density's encoder. */
  dispose(): void;
}

/** The companion's scorers in fusion order (feature density, colour), those it has. */
function scorersOf(c: Pick<Companion, 'featureDensity' | 'colour'>): FusedScorer[] {
  const all: (FusedScorer | undefined)[] = [c.featureDensity, c.colour];
  return all.filter((x): x is FusedScorer => x !== undefined);
}

/** A companion from its parts, with its `fuse` and `dispose`. */
function companionOf(parts: Pick<Companion, 'own' | 'featureDensity' | 'colour'>): Companion {
  const companion: Companion = {
    ...parts,
    async fuse(images, own, size) {
      const scorers = scorersOf(parts);
      const maps: SizedMap[][] = [];
      for (const { scoring } of scorers) maps.push(scorerMaps(scoring, await scoring.featurizer.embed(images), own.length));
      return own.map((map, i) =>
        fuseMaps(
          companion,
          size,
          map,
          maps.map((m) => m[i]!),
        ),
      );
    },
    dispose() {
      parts.featureDensity?.encoder.dispose();
    },
  };
  return companion;
}

/** What the fit report says of the companion (`FitReport.companion`). */
export type CompanionReport = NonNullable<FitReport['companion']>;

/** The saved companion (`document.companion`). */
export interface CompanionJSON {
  /** The feature density (absent with `fusion: 'colour'`): the encoder rebuilt from `seed`, its plan, fingerprint, density and statistics. */
  encoder?: typeof COMPANION_ENCODER;
  seed?: string;
  stages?: number[];
  channels?: number[] | null;
  fingerprint?: number;
  density?: DetectorDensityJSON;
  other?: ScoreStatistics;
  own: ScoreStatistics;
  /**
   * The colour scorer's density, statistics and windows (its featurizer follows from the detector's
   * grid and them; saves without `scales` used the patch alone, `[1]`).
   */
  colour?: { density: DetectorDensityJSON; stats: ScoreStatistics; scales?: number[] };
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
function colourSetup(grid: PatchGridGeometry, own: ScoringState['settings'], channels: number, batch: number, scales: readonly number[]) {
  return {
    featurizer: colourFeaturizer(grid, channels, batch, scales),
    settings: { ...own, l2Normalize: false, perLocation: 'auto' as const },
  };
}

/**
 * Fits the companion's scorers on the detector's training images, and returns it with the fused
 * out-of-fold scores of the training images (each image's fused map from fold densities that did not
 * see it): the provisional threshold's source.
 *
 * @param own the detector's own fitted stage (its features, grid, settings and out-of-fold scores).
 * @param images the training images at model resolution; not disposed.
 * @param fusion which scorers: the feature density, the colour scorer (on `own`'s grid), or both.
 * @param shown aligned images: what each shows (`shownMasks`; `own` was fitted with them).
 */
export async function fitCompanion(
  own: FittedScoringStage,
  images: tf.Tensor4D,
  seed: string,
  batch: number,
  progress: (p: FitProgress) => void,
  fusion: CompanionFusion,
  shown?: ShownMasks,
): Promise<{ companion: Companion; outOfFold: Float32Array; report: CompanionReport }> {
  const [, height, width, channels] = images.shape;
  const built = fusion === 'colour' ? undefined : setup([height, width], channels as 1 | 3, seed, batch);
  try {
    const other =
      built &&
      (await fitScoringStage(featurizerFor(built.encoder, built.plan, built.options), images, built.options, progress, undefined, shown));
    const c =
      fusion === 'feature-density'
        ? undefined
        : colourSetup(own.state.featurizer.grid!, own.state.settings, channels, batch, COLOUR_SCALES);
    const colourStage = c && (await fitScoringStage(c.featurizer, images, c.settings, progress, undefined, shown));
    const stages = [own, other, colourStage].filter((x): x is FittedScoringStage => x !== undefined);
    if (stages.some((stage) => !stage.outOfFold))
      throw new RangeError(
        `fusion '${fusion}' needs at least 4 training images (its scorers are scaled by out-of-fold scores); pass fusion: 'none' for fewer`,
      );
    const companion = companionOf({
      own: statistics(own.outOfFold!),
      ...(other && built
        ? {
            featureDensity: {
              scoring: other.state,
              stats: statistics(other.outOfFold!),
              encoder: built.encoder,
              plan: built.plan,
              fingerprint: await fingerprintOf(built.encoder),
            },
          }
        : {}),
      ...(colourStage ? { colour: { scoring: colourStage.state, stats: statistics(colourStage.outOfFold!), scales: COLOUR_SCALES } } : {}),
    });
    const scorerReport = (stage: FittedScoringStage) => ({
      density: stage.report.density,
      ...(stage.report.densityChoice ? { densityChoice: stage.report.densityChoice } : {}),
    });
    const report: CompanionReport = {
      ...(other ? scorerReport(other) : {}),
      own: companion.own,
      ...(companion.featureDensity ? { other: companion.featureDensity.stats } : {}),
      ...(colourStage ? { colour: { ...scorerReport(colourStage), stats: companion.colour!.stats } } : {}),
    };
    return { companion, outOfFold: fusedOutOfFold(stages, companion, shown), report };
  } catch (error) {
    built?.encoder.dispose();
    throw error;
  }
}

/** A map with the size of the grid it was spread over. */
interface SizedMap {
  map: Float32Array;
  size: readonly [number, number];
}

/**
 * The fused map of one image: the detector's map and its scorers' maps (the feature density's, then
 * the colour scorer's, those it has; each resized to the detector's), each divided by the standard
 * deviation of its scorer's out-of-fold image scores, summed. That is the sum of the maps' z-scores
 * plus a constant (Σ mean / sd): the same order, and never below 0 (every map is ≥ 0), so scores keep
 * their sign and thresholds stay positive.
 *
 * @param size the detector's map size; `own` has it.
 * @param others the scorers' maps, in `scorersOf` order.
 */
export function fuseMaps(c: Companion, size: readonly [number, number], own: Float32Array, others: readonly SizedMap[]): Float32Array {
  const out = new Float32Array(own.length);
  for (let p = 0; p < own.length; p++) out[p] = own[p]! / c.own.sd;
  const scorers = scorersOf(c);
  others.forEach(({ map, size: from }, k) => {
    const sd = scorers[k]!.stats.sd;
    const resized = from[0] === size[0] && from[1] === size[1] ? map : resizeBilinear(map, from[0], from[1], size[0], size[1]);
    for (let p = 0; p < out.length; p++) out[p]! += resized[p]! / sd;
  });
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
 * Out-of-fold fused scores: each stage's out-of-fold grid scores (the same folds, `outOfFoldGrid`),
 * spread into maps, fused, and each fused map's maximum (over the pixels `shown` marks, for aligned images).
 *
 * @param stages the detector's own stage, then its scorers' in `scorersOf` order.
 */
function fusedOutOfFold(stages: readonly FittedScoringStage[], c: Companion, shown: ShownMasks): Float32Array {
  const [own, ...others] = stages;
  const count = own!.outOfFold!.length;
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
    const mine = mapOf(own!, i);
    const fused = fuseMaps(
      c,
      mine.size,
      mine.map,
      others.map((stage) => mapOf(stage, i)),
    );
    out[i] = maskUnshown(fused, shown?.[i]).reduce((m, v) => (v > m ? v : m), -Infinity);
  }
  return out;
}

/** Saved statistics that can scale a map: finite, with a positive deviation. */
function statisticsOk(s: ScoreStatistics | undefined): boolean {
  return !!s && Number.isFinite(s.mean) && Number.isFinite(s.sd) && s.sd > 0;
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

/** The companion as saved: its description in the document, and its densities' weights (prefixed). */
export function companionToJSON(c: Companion, seed: string): { json: CompanionJSON; weights: tf.NamedTensorMap } {
  const fd = c.featureDensity;
  const prefixed = (scorer: FusedScorer | undefined, prefix: string) =>
    Object.entries(scorer ? densityWeights(scorer.scoring.density) : {}).map(([name, t]): [string, tf.Tensor] => [`${prefix}${name}`, t]);
  return {
    json: {
      ...(fd
        ? {
            encoder: COMPANION_ENCODER,
            seed,
            stages: [...(fd.plan.source as readonly number[])],
            channels: fd.plan.channels ? [...fd.plan.channels] : null,
            fingerprint: fd.fingerprint,
            density: densityToJSON(fd.scoring.density),
            other: { ...fd.stats },
          }
        : {}),
      own: { ...c.own },
      ...(c.colour
        ? { colour: { density: densityToJSON(c.colour.scoring.density), stats: { ...c.colour.stats }, scales: [...c.colour.scales] } }
        : {}),
    },
    weights: Object.fromEntries([...prefixed(fd, WEIGHT_PREFIX), ...prefixed(c.colour, COLOUR_PREFIX)]),
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
  /** The scorers the save must hold (`fusedScorers` of the detector's `fusion`). */
  fusion: CompanionFusion;
  /** The detector's `fusion` option as given (`'auto'` or `fusion`), for messages. */
  setting: FusionSetting;
}

/**
 * Rebuilds a saved companion for its detector: exactly the scorers `host.fusion` names. The feature
 * density's encoder is rebuilt from its seed (its fingerprint must match: an initialisation that
 * changed would score differently), with its plan and density; the colour scorer from the detector's
 * grid and its density.
 * @throws FormatError naming what does not fit
 */
export async function readCompanion(json: unknown, weights: tf.NamedTensorMap, host: CompanionHost, where: string): Promise<Companion> {
  const j = json as Partial<CompanionJSON> | null;
  const fail = (what: string) => new FormatError(`${where}: companion${what}`);
  if (typeof j !== 'object' || j === null)
    throw fail(` must be { encoder?, seed?, stages?, channels?, fingerprint?, density?, other?, own, colour? }, got ${describeValue(j)}`);
  if (!statisticsOk(j.own)) throw fail('.own must be { mean, sd > 0 }');
  const wantsFeatures = host.fusion !== 'colour';
  const wantsColour = host.fusion !== 'feature-density';
  const named = `options.fusion is '${host.setting}'${host.setting === 'auto' ? ` (here '${host.fusion}': the save ${host.fusion === 'colour' ? 'did not align' : 'aligned'} its objects)` : ''}`;
  if (wantsFeatures !== (j.encoder !== undefined))
    throw fail(`${wantsFeatures ? '.encoder is missing:' : '.encoder is there but'} ${named}`);
  if (wantsColour !== (j.colour !== undefined)) throw fail(`${wantsColour ? '.colour is missing:' : '.colour is there but'} ${named}`);
  if (wantsColour && (typeof j.colour !== 'object' || j.colour === null || !statisticsOk(j.colour.stats)))
    throw fail('.colour must be { density, stats: { mean, sd > 0 }, scales? }');
  const saved: unknown = j.colour?.scales === undefined ? [1] : j.colour.scales;
  if (wantsColour && !(areColourScales(saved) && saved.length <= 8))
    throw fail(
      `.colour.scales must be 1 to 8 distinct numbers in (0, 2], got ${Array.isArray(saved) && saved.length <= 8 ? capText(JSON.stringify(saved)) : describeValue(saved)}`,
    );
  const featureDensity = wantsFeatures ? await readFeatureDensity(j, weights, host, fail, where) : undefined;
  try {
    let colour: ColourScorer | undefined;
    if (wantsColour) {
      const scales = saved as readonly number[]; // checked above
      const c = colourSetup(host.grid, host.settings, host.channels, host.batch, scales);
      const colourDensity = await readScorerDensity(
        j.colour!.density,
        weights,
        COLOUR_PREFIX,
        c.featurizer,
        fail,
        '.colour.density',
        where,
      );
      colour = {
        scoring: { featurizer: c.featurizer, density: colourDensity, settings: c.settings },
        stats: j.colour!.stats,
        scales: Object.freeze([...scales]),
      };
    }
    return companionOf({ own: j.own!, ...(featureDensity ? { featureDensity } : {}), ...(colour ? { colour } : {}) });
  } catch (error) {
    featureDensity?.encoder.dispose();
    throw error;
  }
}

/** The saved feature density: its encoder rebuilt from the seed and checked by its fingerprint, its plan and density. */
async function readFeatureDensity(
  j: Partial<CompanionJSON>,
  weights: tf.NamedTensorMap,
  host: CompanionHost,
  fail: (what: string) => FormatError,
  where: string,
): Promise<FeatureDensityScorer> {
  if (j.encoder !== COMPANION_ENCODER || typeof j.seed !== 'string')
    throw fail(`.encoder must be '${COMPANION_ENCODER}' with a string .seed, got ${describeValue(j.encoder)} and ${describeValue(j.seed)}`);
  if (!statisticsOk(j.other)) throw fail('.other must be { mean, sd > 0 }');
  if (!Number.isFinite(j.fingerprint)) throw fail('.fingerprint must be a finite number');
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
    return { scoring: { featurizer, density, settings: options }, stats: j.other!, encoder, plan, fingerprint };
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
