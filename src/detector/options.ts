import type * as tfl from '@tensorflow/tfjs-layers';
import { patchEncoderSizeFor } from '../models/patchEncoder';
import { RESNET_PRESETS, type ResNetPresetName } from '../models/resnetPresets';
import type { ResNetConfig } from '../models/resnetConfig';
import type { GraphModelLike, PretrainedEncoderOptions } from '../models/pretrainedEncoder';
import { PRETEXT_VARIANTS, type PretextVariant } from '../train/pretext';
import { capText, describeValue } from '../math/validate';

/**
 * `perLocation: 'auto'` chooses one density per location when the training features' location
 * alignment (between-location share of their variance, `locationAlignment`) reaches this. Measured
 * with `patch32` features: ≤ 0.01 on textures, ≥ 0.6 on aligned objects (MVTec bottle, synthetic pill).
 */
export const ALIGNMENT_THRESHOLD = 0.1;

/** Named starting points for `CutPasteDetector.create`; explicit options override them. */
export type DetectorPreset = 'fast' | 'paper';

/** A user-supplied pretrained network used as the encoder (paper §4: transfer learning). */
export interface PretrainedEncoderSpec extends PretrainedEncoderOptions {
  /** A `tf.LayersModel`, or a GraphModel (frozen: only the head trains). Never disposed by the detector. */
  model: tfl.LayersModel | GraphModelLike;
}

/** Options of `CutPasteDetector.create`. Every field is optional. */
export interface CutPasteOptions {
  /** `'fast'` (default): a CPU-sized setup that fits a category in minutes on 2 cores. `'paper'`: ResNet-18, 256 px, 3-way, the paper's schedule (65,536 steps: a GPU's job). */
  preset?: DetectorPreset;
  /** `'image'`: one embedding per image, GradCAM maps. `'patch'`: dense patch embeddings, localisation maps (paper §2.4). Preset default: `'patch'` for fast, `'image'` for paper. */
  mode?: 'image' | 'patch';
  /** Side (px) or `[height, width]` images are resized to. Preset: fast 256 (patch) / 128 (image); paper 256. */
  imageSize?: number | readonly [number, number];
  /**
   * A ResNet preset name, a `ResNetConfig`, or a pretrained model. Preset: fast `resnet18-slim` (image)
   * and, in patch mode, the patch encoder built to `patchSize` (`patch16`, `patch32` (the default),
   * `patch48`, `patch64`: receptive field = patch size, one pass gives every patch's 128-d feature; other
   * sizes use the largest one below and embed each patch on its own); paper `resnet18`.
   */
  encoder?: ResNetPresetName | ResNetConfig | PretrainedEncoderSpec;
  /** Projection-head widths; the last is the head's output (default [512, 128]). */
  headWidths?: readonly number[];
  /** Pretext task (default `'3way'`). */
  variant?: PretextVariant;
  /** Training steps (preset: fast 1,000 (patch) / 300 (image); paper 65,536). */
  steps?: number;
  /** Original images (or patches) per step (default 32; the network sees 2× or 3× that). */
  batchSize?: number;
  /** Peak learning rate (default 0.03). */
  learningRate?: number;
  /** SGD momentum (default 0.9). */
  momentum?: number;
  /** Weight decay (default 3e-5). */
  weightDecay?: number;
  /** Whole-image colour jitter before CutPaste (default 0.1). */
  colorJitter?: number;
  /** Whole-image random translation before CutPaste, fraction of the size (default 0). */
  translate?: number;
  /** Pretrained recipe: head-only steps first (default 0; for a pretrained encoder 10% of `steps`). */
  headOnlySteps?: number;
  /** Learning rate after the head-only phase (default: `learningRate`; pretrained encoder: 1e-4). */
  fineTuneLearningRate?: number;
  /** Keep BatchNorm frozen while the encoder trains (default: false; pretrained encoder: true). */
  freezeBatchNorm?: boolean;
  /** Seed of every random draw (initialisation, batches, augmentations; default 0). */
  seed?: number | string;
  /**
   * Patch side (px at `imageSize`) for patch mode (default 32; the paper's is 64). The fast preset's
   * encoder follows it (see `encoder`): 16, 32, 48 and 64 get a dense one-pass encoder of exactly that
   * receptive field; other sizes ≥ 16 work patch by patch; below 16 needs an explicit `encoder`.
   */
  patchSize?: number;
  /**
   * Patch mode: where CutPaste patches and scars are cut from while training: `'crop'` (the crop
   * itself, the paper's patch-level training) or `'image'` (another random crop of the same image,
   * so a crop of plain background can receive a piece of the object). Default `'crop'`.
   */
  pasteFrom?: 'crop' | 'image';
  /** Train on images (patch mode: crops) turned by a random 90° rotation and flip, for objects that lie at any angle (default false). */
  rotate?: boolean;
  /** Distance (px) between scored patches in patch mode. Preset: fast 8 (a 29×29 grid at 256 px: as accurate as 4 in our measurements, 4× less density work), paper 4 (57×57). */
  stride?: number;
  /**
   * Patch mode: one density per grid location (aligned objects) or one shared by every location
   * (textures), as the paper chooses per category. `'auto'` (default) decides from the training
   * features: per location when their `locationAlignment` is ≥ `ALIGNMENT_THRESHOLD` (0.1).
   */
  perLocation?: boolean | 'auto';
  /** L2-normalise features before the density (default true). */
  l2Normalize?: boolean;
  /** Covariance shrinkage: `'ledoit-wolf'` (default) or a fixed coefficient in [0, 1]. */
  shrinkage?: 'ledoit-wolf' | number;
  /** Gaussian σ (px at `imageSize`) spreading patch scores over pixels (default patchSize / 4). */
  scoreSigma?: number;
  /** Shared patch density: at most this many patch embeddings are used to fit it (default 100,000; a seeded subsample). */
  densityMaxRows?: number;
  /** Images per forward pass when embedding (default 16). */
  inferenceBatchSize?: number;
}

/** `CutPasteOptions` with every default filled in and checked. */
export interface ResolvedCutPasteOptions {
  readonly preset: DetectorPreset;
  readonly mode: 'image' | 'patch';
  readonly imageSize: readonly [number, number];
  readonly encoder: ResNetPresetName | ResNetConfig | PretrainedEncoderSpec;
  readonly headWidths: readonly number[];
  readonly variant: PretextVariant;
  readonly steps: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly momentum: number;
  readonly weightDecay: number;
  readonly colorJitter: number;
  readonly translate: number;
  readonly headOnlySteps: number;
  readonly fineTuneLearningRate: number;
  readonly freezeBatchNorm: boolean;
  readonly seed: number | string;
  readonly patchSize: number;
  readonly pasteFrom: 'crop' | 'image';
  readonly rotate: boolean;
  readonly stride: number;
  readonly perLocation: boolean | 'auto';
  readonly l2Normalize: boolean;
  readonly shrinkage: 'ledoit-wolf' | number;
  readonly scoreSigma: number;
  readonly densityMaxRows: number;
  readonly inferenceBatchSize: number;
}

type PresetValues = Omit<ResolvedCutPasteOptions, 'preset' | 'fineTuneLearningRate' | 'scoreSigma' | 'headOnlySteps' | 'freezeBatchNorm'>;

const COMMON = {
  headWidths: [512, 128],
  variant: '3way' as PretextVariant,
  batchSize: 32,
  learningRate: 0.03,
  momentum: 0.9,
  weightDecay: 3e-5,
  colorJitter: 0.1,
  translate: 0,
  seed: 0,
  patchSize: 32,
  pasteFrom: 'crop' as 'crop' | 'image',
  rotate: false,
  stride: 4,
  perLocation: 'auto' as boolean | 'auto',
  l2Normalize: true,
  shrinkage: 'ledoit-wolf' as const,
  densityMaxRows: 100_000,
  inferenceBatchSize: 16,
};

/** The presets, by mode. */
export const DETECTOR_PRESETS: Readonly<Record<DetectorPreset, Record<'image' | 'patch', PresetValues>>> = Object.freeze({
  fast: {
    image: { ...COMMON, mode: 'image', imageSize: [64, 64], encoder: 'resnet18-slim', steps: 300 },
    patch: { ...COMMON, mode: 'patch', imageSize: [256, 256], encoder: 'patch32', steps: 1000, stride: 8 },
  },
  paper: {
    image: { ...COMMON, mode: 'image', imageSize: [256, 256], encoder: 'resnet18', steps: 65_536 },
    patch: { ...COMMON, mode: 'patch', imageSize: [256, 256], encoder: 'resnet18', steps: 65_536 },
  },
});

const DEFAULT_MODE: Record<DetectorPreset, 'image' | 'patch'> = { fast: 'patch', paper: 'image' };

function fail(option: string, value: unknown, allowed: string): never {
  throw new RangeError(`CutPasteDetector: option ${option} must be ${allowed}, got ${describe(value)}`);
}

/** A value as an error message shows it: strings quoted, short arrays listed (one level), at most `MAX_ECHO` characters. */
function describe(value: unknown, nested = false): string {
  if (typeof value === 'string') return JSON.stringify(capText(value));
  if (Array.isArray(value)) {
    if (nested || value.length > 16) return describeValue(value);
    return capText(`[${value.map((v) => describe(v, true)).join(', ')}]`);
  }
  if (typeof value === 'object' && value !== null) return capText(String(value.constructor?.name ?? 'an object'));
  return String(value);
}

/**
 * Upper bounds of the counts (a value above one is refused, not clipped): far beyond any sensible fit,
 * low enough that a typo such as `steps: 1e300` fails in `create` (or in `load`) rather than running forever.
 */
export const OPTION_LIMITS = Object.freeze({
  /** `steps` (the paper trains 65,536; `headOnlySteps` stays below `steps`). */
  steps: 10_000_000,
  /** `batchSize` and `inferenceBatchSize`. */
  batchSize: 4096,
  /** Each of `headWidths`. */
  width: 8192,
  /** `densityMaxRows`. */
  densityRows: 10_000_000,
});

const isInt = (v: unknown, min: number): v is number => Number.isInteger(v) && (v as number) >= min;
/** Refuses an integer option below `min` (naming `min` only, as before) or above `max` (naming the range). */
function checkInt(option: string, value: unknown, min: number, max: number): number {
  if (!isInt(value, min)) fail(option, value, `an integer ≥ ${min}`);
  if (value > max) fail(option, value, `an integer in [${min}, ${max}]`);
  return value;
}
const isNum = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;

/** An option's value, or `fallback` when it is `undefined` (not when it is `null`: that is refused). */
const given = <T>(value: T | undefined, fallback: T): T => (value === undefined ? fallback : value);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && [Object.prototype, null].includes(Object.getPrototypeOf(v));

/** A frozen deep copy of plain data (arrays, plain objects); anything else (a model, a function) is kept as is. */
function frozenCopy<T>(value: T): T {
  if (Array.isArray(value)) return Object.freeze(value.map(frozenCopy)) as T;
  if (isPlainObject(value)) return Object.freeze(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, frozenCopy(v)]))) as T;
  return value;
}

/** A frozen deep copy of the `encoder` option; a pretrained spec's `model` is the user's: kept by reference, never frozen. */
function copyEncoder(encoder: CutPasteOptions['encoder'] | null): CutPasteOptions['encoder'] | null {
  if (!isPlainObject(encoder) || !('model' in encoder)) return frozenCopy(encoder);
  const { model, ...spec } = encoder as Record<string, unknown>;
  return Object.freeze({ ...frozenCopy(spec), model }) as PretrainedEncoderSpec;
}

/**
 * The fast preset's patch-mode encoder when none is given: the built-in patch encoder of `patchSize`
 * (`patch16`, `patch32`, `patch48`, `patch64`: one-pass dense maps), or for other sizes the largest one
 * below it (each patch then embedded on its own). Patches under 16 px need an explicit encoder.
 */
function fastPatchEncoder(patchSize: number): ResNetPresetName {
  const size = patchEncoderSizeFor(patchSize);
  if (size === undefined) {
    fail('patchSize', patchSize, "an integer ≥ 16 with the fast preset's patch encoders (patch16 … patch64); pass an encoder for smaller patches");
  }
  return `patch${size}`;
}

/**
 * Fills defaults (preset, then built-in) and validates every option; the result is a frozen deep copy
 * (a pretrained encoder's `model` excepted), so changing the caller's arrays later changes nothing.
 * An option given as `undefined` takes its default; `null` is refused like any other wrong value.
 */
export function resolveCutPasteOptions(options: CutPasteOptions = {}): ResolvedCutPasteOptions {
  if (typeof options !== 'object' || options === null) fail('options', options, 'an object');
  const known = new Set<string>([
    'preset', 'mode', 'imageSize', 'encoder', 'headWidths', 'variant', 'steps', 'batchSize', 'learningRate',
    'momentum', 'weightDecay', 'colorJitter', 'translate', 'headOnlySteps', 'fineTuneLearningRate',
    'freezeBatchNorm', 'seed', 'patchSize', 'pasteFrom', 'rotate', 'stride', 'perLocation', 'l2Normalize', 'shrinkage',
    'scoreSigma', 'densityMaxRows', 'inferenceBatchSize',
  ]);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) fail(key, (options as Record<string, unknown>)[key], `one of the known options (${[...known].join(', ')}); unknown option`);
  }
  const preset = given(options.preset, 'fast');
  if (preset !== 'fast' && preset !== 'paper') fail('preset', preset, "'fast' or 'paper'");
  const mode = given(options.mode, DEFAULT_MODE[preset]);
  if (mode !== 'image' && mode !== 'patch') fail('mode', mode, "'image' or 'patch'");
  const base = DETECTOR_PRESETS[preset][mode];
  const pick = <K extends keyof PresetValues>(k: K): PresetValues[K] =>
    given((options as Record<string, unknown>)[k], base[k]) as PresetValues[K];

  const sizeIn = pick('imageSize') as number | readonly [number, number];
  const imageSize: readonly [number, number] = frozenCopy(typeof sizeIn === 'number' ? [sizeIn, sizeIn] : sizeIn);
  if (!Array.isArray(imageSize) || imageSize.length !== 2 || !imageSize.every((v) => isInt(v, 16) && v <= 4096)) {
    fail('imageSize', sizeIn, 'an integer in [16, 4096] or [height, width] of such');
  }
  const encoder = copyEncoder(pick('encoder'));
  if (typeof encoder === 'string') {
    if (!(encoder in RESNET_PRESETS)) fail('encoder', encoder, `one of ${Object.keys(RESNET_PRESETS).map((n) => `'${n}'`).join(', ')}, a ResNetConfig or { model, ... }`);
  } else if (typeof encoder !== 'object' || encoder === null) {
    fail('encoder', encoder, 'a ResNet preset name, a ResNetConfig or { model, ... }');
  }
  const pretrained = typeof encoder === 'object' && encoder !== null && 'model' in encoder;
  const headWidths = frozenCopy(pick('headWidths'));
  if (!Array.isArray(headWidths) || headWidths.length === 0 || !headWidths.every((w) => isInt(w, 1))) {
    fail('headWidths', headWidths, 'a non-empty array of positive integers');
  }
  if (headWidths.length > 16 || headWidths.some((w) => w > OPTION_LIMITS.width)) {
    fail('headWidths', headWidths, `at most 16 integers in [1, ${OPTION_LIMITS.width}]`);
  }
  const variant = pick('variant');
  if (!PRETEXT_VARIANTS.includes(variant)) fail('variant', variant, `one of ${PRETEXT_VARIANTS.map((v) => `'${v}'`).join(', ')}`);
  const steps = pick('steps');
  checkInt('steps', steps, 1, OPTION_LIMITS.steps);
  const batchSize = pick('batchSize');
  checkInt('batchSize', batchSize, 1, OPTION_LIMITS.batchSize);
  const learningRate = pick('learningRate');
  if (!isNum(learningRate, Number.MIN_VALUE, 10)) fail('learningRate', learningRate, 'a number in (0, 10]');
  const momentum = pick('momentum');
  if (!isNum(momentum, 0, 0.999999)) fail('momentum', momentum, 'a number in [0, 1)');
  const weightDecay = pick('weightDecay');
  if (!isNum(weightDecay, 0, 1)) fail('weightDecay', weightDecay, 'a number in [0, 1]');
  const colorJitter = pick('colorJitter');
  if (!isNum(colorJitter, 0, 0.5)) fail('colorJitter', colorJitter, 'a number in [0, 0.5]');
  const translate = pick('translate');
  if (!isNum(translate, 0, 0.5)) fail('translate', translate, 'a number in [0, 0.5]');
  const headOnlySteps = given(options.headOnlySteps, pretrained ? Math.floor(steps / 10) : 0);
  if (!isInt(headOnlySteps, 0) || headOnlySteps >= steps) fail('headOnlySteps', headOnlySteps, `an integer in [0, steps = ${steps})`);
  const fineTuneLearningRate = given(options.fineTuneLearningRate, pretrained ? 1e-4 : learningRate);
  if (!isNum(fineTuneLearningRate, Number.MIN_VALUE, 10)) fail('fineTuneLearningRate', fineTuneLearningRate, 'a number in (0, 10]');
  const freezeBatchNorm = given(options.freezeBatchNorm, pretrained);
  if (typeof freezeBatchNorm !== 'boolean') fail('freezeBatchNorm', freezeBatchNorm, 'a boolean');
  const seed = pick('seed');
  if (!(typeof seed === 'string' || (typeof seed === 'number' && Number.isFinite(seed)))) fail('seed', seed, 'a finite number or a string');
  if (typeof seed === 'string' && seed.length > 1024) fail('seed', seed, 'a string of at most 1024 characters');
  const patchSize = pick('patchSize');
  if (!isInt(patchSize, 8) || patchSize > Math.min(...imageSize)) fail('patchSize', patchSize, `an integer in [8, ${Math.min(...imageSize)}] (the image size)`);
  const pasteFrom = pick('pasteFrom');
  if (pasteFrom !== 'crop' && pasteFrom !== 'image') fail('pasteFrom', pasteFrom, "'crop' or 'image'");
  const rotate = pick('rotate');
  if (typeof rotate !== 'boolean') fail('rotate', rotate, 'a boolean');
  const chosenEncoder = options.encoder === undefined && preset === 'fast' && mode === 'patch' ? fastPatchEncoder(patchSize) : encoder;
  const stride = pick('stride');
  if (!isInt(stride, 1) || stride > patchSize) fail('stride', stride, `an integer in [1, patchSize = ${patchSize}]`);
  const perLocation = pick('perLocation');
  if (typeof perLocation !== 'boolean' && perLocation !== 'auto') fail('perLocation', perLocation, "true, false or 'auto'");
  const l2Normalize = pick('l2Normalize');
  if (typeof l2Normalize !== 'boolean') fail('l2Normalize', l2Normalize, 'a boolean');
  const shrinkage = pick('shrinkage');
  if (shrinkage !== 'ledoit-wolf' && !isNum(shrinkage, 0, 1)) fail('shrinkage', shrinkage, "'ledoit-wolf' or a number in [0, 1]");
  const scoreSigma = given(options.scoreSigma, patchSize / 4);
  if (!isNum(scoreSigma, Number.MIN_VALUE, 1024)) fail('scoreSigma', scoreSigma, 'a number in (0, 1024]');
  const densityMaxRows = pick('densityMaxRows');
  checkInt('densityMaxRows', densityMaxRows, 2, OPTION_LIMITS.densityRows);
  const inferenceBatchSize = pick('inferenceBatchSize');
  checkInt('inferenceBatchSize', inferenceBatchSize, 1, OPTION_LIMITS.batchSize);

  return Object.freeze({
    preset, mode, imageSize, encoder: chosenEncoder, headWidths, variant, steps, batchSize, learningRate, momentum,
    weightDecay, colorJitter, translate, headOnlySteps, fineTuneLearningRate, freezeBatchNorm, seed, patchSize,
    pasteFrom, rotate, stride, perLocation, l2Normalize, shrinkage, scoreSigma, densityMaxRows, inferenceBatchSize,
  });
}
