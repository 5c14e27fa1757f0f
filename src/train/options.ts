import type { Rng } from '../math/random';
import type { GradientWorkerProvider } from './gradientWorkers';
import { PRETEXT_VARIANTS, type PretextVariant } from './pretext';

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

/** The defaults of `TrainOptions` (the paper's where it gives one). */
export const DEFAULT_TRAIN_OPTIONS = Object.freeze({
  variant: '3way' as PretextVariant,
  steps: 1000,
  batchSize: 32,
  learningRate: 0.03,
  momentum: 0.9,
  weightDecay: 3e-5,
  warmupSteps: 0,
  level: 'image' as 'image' | 'patch',
  pasteFrom: 'crop' as 'crop' | 'image',
  rotate: false,
  patchSize: 32 as number | readonly [number, number],
  colorJitter: 0.1,
  translate: 0,
  headOnlySteps: 0,
  freezeBatchNorm: false,
  seed: 0 as number | string,
  workers: 'auto' as number | 'auto',
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

function check(ok: boolean, option: string, value: unknown, allowed: string): void {
  if (!ok) throw new RangeError(`trainSelfSupervised: option ${option} must be ${allowed}, got ${String(value)}`);
}

/** Fills defaults and validates; throws `RangeError` naming the option, the value and what is allowed. */
export function resolveTrainOptions(options: TrainOptions = {}): ResolvedTrainOptions {
  const o = { ...DEFAULT_TRAIN_OPTIONS, ...stripUndefined(options) };
  check(PRETEXT_VARIANTS.includes(o.variant), 'variant', o.variant, `one of ${PRETEXT_VARIANTS.join(', ')}`);
  check(Number.isInteger(o.steps) && o.steps >= 1, 'steps', o.steps, 'an integer ≥ 1');
  check(Number.isInteger(o.batchSize) && o.batchSize >= 1, 'batchSize', o.batchSize, 'an integer ≥ 1');
  check(Number.isFinite(o.learningRate) && o.learningRate > 0, 'learningRate', o.learningRate, 'a number > 0');
  check(o.momentum >= 0 && o.momentum < 1, 'momentum', o.momentum, 'in [0, 1)');
  check(Number.isFinite(o.weightDecay) && o.weightDecay >= 0, 'weightDecay', o.weightDecay, 'a number ≥ 0');
  check(Number.isInteger(o.warmupSteps) && o.warmupSteps >= 0, 'warmupSteps', o.warmupSteps, 'an integer ≥ 0');
  check(o.level === 'image' || o.level === 'patch', 'level', o.level, "'image' or 'patch'");
  check(o.pasteFrom === 'crop' || o.pasteFrom === 'image', 'pasteFrom', o.pasteFrom, "'crop' or 'image'");
  check(typeof o.rotate === 'boolean', 'rotate', o.rotate, 'a boolean');
  const patch: readonly [number, number] = typeof o.patchSize === 'number' ? [o.patchSize, o.patchSize] : o.patchSize;
  check(
    patch.length === 2 && patch.every((v) => Number.isInteger(v) && v >= 8),
    'patchSize', o.patchSize, 'an integer ≥ 8 or [height, width] of such',
  );
  check(o.colorJitter >= 0 && o.colorJitter <= 0.5, 'colorJitter', o.colorJitter, 'in [0, 0.5]');
  check(o.translate >= 0 && o.translate <= 0.5, 'translate', o.translate, 'in [0, 0.5]');
  check(
    Number.isInteger(o.headOnlySteps) && o.headOnlySteps >= 0 && o.headOnlySteps < o.steps,
    'headOnlySteps', o.headOnlySteps, 'an integer in [0, steps)',
  );
  const fineTune = options.fineTuneLearningRate ?? o.learningRate;
  check(Number.isFinite(fineTune) && fineTune > 0, 'fineTuneLearningRate', fineTune, 'a number > 0');
  check(o.warmupSteps < o.steps - o.headOnlySteps, 'warmupSteps', o.warmupSteps, 'smaller than the all-layers steps');
  check(Number.isInteger(o.probeBatches) && o.probeBatches >= 0 && o.probeBatches <= 1024, 'probeBatches', o.probeBatches, 'an integer in [0, 1024]');
  check(o.workers === 'auto' || (Number.isInteger(o.workers) && o.workers >= 0 && o.workers <= 64), 'workers', o.workers, "'auto' or an integer in [0, 64]");
  const provider = o.workerProvider as unknown;
  check(
    provider === undefined ||
      (typeof provider === 'object' && provider !== null &&
        typeof (provider as GradientWorkerProvider).start === 'function' && typeof (provider as GradientWorkerProvider).autoWorkers === 'function'),
    'workerProvider', provider, 'a GradientWorkerProvider ({ autoWorkers, start })',
  );
  return Object.freeze({ ...o, patchSize: patch, fineTuneLearningRate: fineTune });
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
