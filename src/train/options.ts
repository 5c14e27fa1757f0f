import type { Rng } from '../math/random';
import type { GradientWorkerProvider } from './gradientWorkers';
import { frozenCopy, integer, oneOf, resolveOptions, type AnyOptionRow } from '../math/optionSchema';
import type { PretextVariant } from './pretext';
import { MIN_PATCH_SIZE, PATCH_PASTE_CENTRE, TRAIN_OPTION_ROWS } from './trainOptionRows';

/** One progress report of the trainer, emitted after each step. */
export interface TrainProgress {
  /** 1-based index of the step just finished. */
  step: number;
  /** Total steps of the run. */
  steps: number;
  /** `'head'` while only the head trains (pretrained recipe), `'all'` otherwise. */
  phase: 'head' | 'all';
  /** Cross-entropy of this step's batch. */
  loss: number;
  /** Pretext-task accuracy of this step's batch, in [0, 1]. */
  accuracy: number;
  /** Learning rate used for this step. */
  learningRate: number;
  /** Pretext images (originals and augmented copies) per second, averaged over the run so far. */
  imagesPerSecond: number;
  /** Seconds since the run started. */
  elapsedSeconds: number;
  /** Estimated seconds left. */
  etaSeconds: number;
}

/** Options of `trainSelfSupervised`. Every field is optional; defaults are the paper's. */
export interface TrainOptions {
  /** Pretext task (default `'3way'`). */
  variant?: PretextVariant;
  /** Optimisation steps (default 1000; the paper runs 65,536 on a GPU). */
  steps?: number;
  /** Original images per step; the batch the network sees is 2× (3× for 3-way) that (default 32). */
  batchSize?: number;
  /** Peak learning rate of the cosine cycle (default 0.03). */
  learningRate?: number;
  /** SGD momentum (default 0.9). */
  momentum?: number;
  /** Weight decay (default 3e-5). */
  weightDecay?: number;
  /** Linear warm-up steps before the cosine cycle (default 0). */
  warmupSteps?: number;
  /**
   * `'image'`: train on whole images; `'patch'`: on one random crop of `patchSize` per image
   * (the localisation model, paper section 2.4). Default `'image'`.
   */
  level?: 'image' | 'patch';
  /**
   * `level: 'patch'`: where CutPaste patches and scars are cut from. `'crop'` (the paper's patch-level
   * training): from the crop itself. `'image'`: from another random crop of the same image, so a crop
   * of plain background can receive a patch of the object. Default `'crop'`.
   */
  pasteFrom?: 'crop' | 'image';
  /**
   * Turn every training image (patch level: every crop) by a random symmetry of the square (0°, 90°,
   * 180° or 270°, flipped or not; `randomDihedralPixels`) before CutPaste: features that do not
   * depend on the angle, for objects that lie at any angle. Default false.
   */
  rotate?: boolean;
  /**
   * Draw an original again (crop and augmentations, up to `INVISIBLE_REDRAWS` times) while one of its
   * augmented copies does not differ visibly from it (`visibleCopiesOf`): no copy of plain background
   * with plain background pasted in is labelled an anomaly. Default true at patch level (where most
   * crops of an object's plain surface have copies that do not differ: docs/results.md), false at
   * image level.
   */
  redrawInvisible?: boolean;
  /**
   * Where CutPaste patches and scars land: their centre is drawn in the middle `pasteCentre` fraction
   * of each side of the image (patch level: of the crop), in (0, 1]; 1 is anywhere they fit (the
   * paper's). Default 0.5 at patch level, 1 at image level: a patch encoder with a receptive field
   * of its crop's size sees the crop's rim through few paths, so a change there is hardly learnt
   * (docs/results.md), and its feature stands for the crop's middle.
   */
  pasteCentre?: number;
  /** Crop size for `level: 'patch'`, pixels: a number or `[height, width]` (default 32). */
  patchSize?: number | readonly [number, number];
  /** Whole-image colour jitter before CutPaste: max brightness/contrast/saturation/hue change (default 0.1; 0 = off). */
  colorJitter?: number;
  /** Whole-image random translation before CutPaste, as a fraction of the size (default 0; 0 = off). */
  translate?: number;
  /**
   * Pretrained-encoder recipe (paper appendix A.4): the first `headOnlySteps` steps train the head
   * only (encoder frozen, at `learningRate`); the rest train everything at `fineTuneLearningRate`.
   * Default 0: everything trains from the first step.
   */
  headOnlySteps?: number;
  /** Learning rate of the all-layers phase (default: `learningRate`; the paper's fine-tuning uses 1e-4). */
  fineTuneLearningRate?: number;
  /** Keep BatchNorm frozen (inference statistics, no scale/offset updates) while the encoder trains (default false). */
  freezeBatchNorm?: boolean;
  /** Seed of every random draw of the run (default 0). Ignored when `rng` is given. */
  seed?: number | string;
  /** A random source to use instead of `seed`. */
  rng?: Rng;
  /** Called after every step. */
  onProgress?: (progress: TrainProgress) => void;
  /** Stops the run between steps; the trainer then throws `AbortError`. */
  signal?: AbortSignal;
  /**
   * Helper threads computing gradients next to the calling thread (data-parallel training; needs a
   * `GradientWorkerProvider`: importing `cutpaste/node` registers one built on `worker_threads`).
   * `'auto'` (default): the provider's choice for the active backend (in Node on wasm or cpu, one per
   * spare core, at most 1) when one is registered, the model is a `resnet` with a `projectionHead` and a
   * `linearClassifier`, and the run has at least `AUTO_WORKERS_MIN_STEPS` steps; else 0. 0 = off:
   * everything runs on the calling thread. Each step's batch is split into `workers + 1` class-balanced
   * parts whose gradients are averaged before one update; BatchNorm normalises each part with its own
   * statistics, so results differ slightly from a single-thread run, but the same seed and the same
   * `workers` give the same results (`'auto'` depends on the machine and the backend: pass a number for
   * results that do not).
   */
  workers?: number | 'auto';
  /** The provider of `workers` (default: the registered one, see `registerGradientWorkerProvider`). */
  workerProvider?: GradientWorkerProvider;
  /**
   * After training, this many fresh pretext batches (new crops and augmentations of the same images,
   * from a random stream the training never used) are classified to measure how well the task was
   * learnt (`TrainReport.heldOut`, see `probePretext`). Default 8; 0 = skip.
   */
  probeBatches?: number;
}

/**
 * `workers: 'auto'` uses no workers for runs shorter than this: starting a worker (loading tfjs and its
 * backend in a new thread) costs about a second, more than a few steps save.
 * @example
 * await trainSelfSupervised(model, images, { steps: AUTO_WORKERS_MIN_STEPS }); // the shortest run 'auto' parallelises
 */
export const AUTO_WORKERS_MIN_STEPS = 20;

/**
 * The defaults of `TrainOptions` (the paper's where it gives one), at the default `level: 'image'`.
 * At `level: 'patch'` two differ: `redrawInvisible` true and `pasteCentre` 0.5 (`PATCH_PASTE_CENTRE`).
 */
export const DEFAULT_TRAIN_OPTIONS: Readonly<
  Required<
    Pick<
      TrainOptions,
      | 'variant'
      | 'steps'
      | 'batchSize'
      | 'learningRate'
      | 'momentum'
      | 'weightDecay'
      | 'warmupSteps'
      | 'level'
      | 'pasteFrom'
      | 'rotate'
      | 'redrawInvisible'
      | 'pasteCentre'
      | 'patchSize'
      | 'colorJitter'
      | 'translate'
      | 'headOnlySteps'
      | 'freezeBatchNorm'
      | 'seed'
      | 'workers'
      | 'probeBatches'
    >
  >
> = Object.freeze({
  variant: '3way',
  steps: 1000,
  batchSize: 32,
  learningRate: 0.03,
  momentum: 0.9,
  weightDecay: 3e-5,
  warmupSteps: 0,
  level: 'image',
  pasteFrom: 'crop',
  rotate: false,
  redrawInvisible: false,
  pasteCentre: 1,
  patchSize: 32,
  colorJitter: 0.1,
  translate: 0,
  headOnlySteps: 0,
  freezeBatchNorm: false,
  seed: 0,
  workers: 'auto',
  probeBatches: 8,
});

/** `TrainOptions` with every default filled in and every value checked. */
export type ResolvedTrainOptions = Readonly<
  Required<Omit<TrainOptions, 'rng' | 'onProgress' | 'signal' | 'fineTuneLearningRate' | 'patchSize' | 'workerProvider'>> & {
    patchSize: readonly [number, number];
    fineTuneLearningRate: number;
    rng?: Rng;
    onProgress?: (progress: TrainProgress) => void;
    signal?: AbortSignal;
    workerProvider?: GradientWorkerProvider;
  }
>;

const asIs = (value: unknown): unknown => value;
const optional =
  (kind: 'function' | 'object', allowed: string) =>
  (v: unknown): string | undefined =>
    v === undefined || (typeof v === kind && v !== null) ? undefined : allowed;
const isProvider = (p: unknown): boolean =>
  typeof p === 'object' &&
  p !== null &&
  typeof (p as GradientWorkerProvider).start === 'function' &&
  typeof (p as GradientWorkerProvider).autoWorkers === 'function';
const D = DEFAULT_TRAIN_OPTIONS;
const R = TRAIN_OPTION_ROWS;
type Context = ResolvedTrainOptions | undefined;

/**
 * The options of `trainSelfSupervised`, in resolution order: the shared training rows (the same
 * checks as `CutPasteDetector`'s) and the trainer's own (`level`, `warmupSteps`, `workers`, …).
 */
const TRAIN_SCHEMA = {
  variant: R.variant,
  steps: R.steps,
  batchSize: R.batchSize,
  learningRate: R.learningRate,
  momentum: R.momentum,
  weightDecay: R.weightDecay,
  level: { group: 'train', help: 'train on whole images or on patches', default: D.level, check: oneOf(['image', 'patch']) },
  pasteFrom: R.pasteFrom,
  rotate: R.rotate,
  redrawInvisible: { ...R.redrawInvisible, default: (o: Context) => o?.level === 'patch' },
  pasteCentre: { ...R.pasteCentre, default: (o: Context) => (o?.level === 'patch' ? PATCH_PASTE_CENTRE : 1) },
  patchSize: {
    group: 'train',
    help: 'crop size of level patch',
    default: D.patchSize,
    prepare: (v: unknown) => frozenCopy(typeof v === 'number' ? [v, v] : v),
    check: (v: unknown) =>
      Array.isArray(v) && v.length === 2 && v.every((x) => Number.isInteger(x) && x >= MIN_PATCH_SIZE)
        ? undefined
        : `an integer ≥ ${MIN_PATCH_SIZE} or [height, width] of such`,
  },
  colorJitter: R.colorJitter,
  translate: R.translate,
  headOnlySteps: R.headOnlySteps,
  fineTuneLearningRate: R.fineTuneLearningRate,
  warmupSteps: {
    group: 'train',
    help: 'linear warm-up steps',
    default: D.warmupSteps,
    check: (v: unknown, o: Context) =>
      !(Number.isInteger(v) && (v as number) >= 0)
        ? 'an integer ≥ 0'
        : o && (v as number) >= o.steps - o.headOnlySteps
          ? 'smaller than the all-layers steps'
          : undefined,
  },
  freezeBatchNorm: R.freezeBatchNorm,
  seed: R.seed,
  probeBatches: { group: 'train', help: 'held-out pretext batches', default: D.probeBatches, check: integer(0, 1024) },
  workers: {
    group: 'runtime',
    help: 'gradient worker threads',
    default: D.workers,
    check: (v: unknown) =>
      v === 'auto' || (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 64) ? undefined : "'auto' or an integer in [0, 64]",
  },
  workerProvider: {
    group: 'runtime',
    help: 'provider of workers',
    default: undefined,
    prepare: asIs,
    check: (v: unknown) => (v === undefined || isProvider(v) ? undefined : 'a GradientWorkerProvider ({ autoWorkers, start })'),
  },
  rng: {
    group: 'runtime',
    help: 'random source',
    default: undefined,
    prepare: asIs,
    check: optional('function', 'a function returning numbers in [0, 1)'),
  },
  onProgress: { group: 'runtime', help: 'progress callback', default: undefined, prepare: asIs, check: optional('function', 'a function') },
  signal: { group: 'runtime', help: 'abort signal', default: undefined, prepare: asIs, check: optional('object', 'an AbortSignal') },
} satisfies { readonly [K in keyof TrainOptions]-?: AnyOptionRow };

/**
 * Fills defaults and validates; throws `OptionError` (a `RangeError`) naming the option, the value
 * and what is allowed. The ranges are those of `CutPasteDetector` (`TRAIN_OPTION_ROWS`).
 */
export function resolveTrainOptions(options: TrainOptions = {}): ResolvedTrainOptions {
  return resolveOptions<typeof TRAIN_SCHEMA, ResolvedTrainOptions>(TRAIN_SCHEMA, options, 'trainSelfSupervised');
}
