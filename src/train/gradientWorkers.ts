import { describeValue } from '../math/validate';
import type { LinearClassifierConfig } from '../models/linearClassifier';
import type { ProjectionHeadConfig } from '../models/projectionHead';
import type { EncoderConfig } from '../models/encoderRegistry';
import type { PixelBatch } from '../ops/pixels/pixelBatch';

/**
 * Data-parallel training (`TrainOptions.workers`): each step's pretext batch is split into equal,
 * class-balanced parts; helper threads ("gradient workers"), each holding a replica of the networks,
 * compute the gradients of their parts while the calling thread computes its own; the average is
 * applied once, on the calling thread. The core defines the protocol and never starts a thread:
 * `cutpaste/node` registers a `worker_threads` provider on import; a page could register one built on
 * Web Workers.
 */

/** A tensor's values in JS memory. */
export interface WeightArray {
  shape: number[];
  data: Float32Array;
}

/** Everything a gradient worker needs to rebuild the networks of a run (structured-cloneable). */
export interface ReplicaSpec {
  /** The encoder's architecture (its `toConfig()`; a kind registered with `registerEncoder`, e.g. a ResNet's). */
  encoder: EncoderConfig;
  /** The projection head's architecture. */
  head: ProjectionHeadConfig;
  /** The classifier's architecture. */
  classifier: LinearClassifierConfig;
  /** Number of classes of the pretext task. */
  classes: number;
  /** Whether the encoder's BatchNorm scale/offset are left out of the trained variables. */
  freezeBatchNorm: boolean;
  /**
   * Every weight of the three networks at the start of the run (running statistics included), in the
   * order of their `getWeights()` names. Weights that training never changes for the worker (frozen
   * BatchNorm, the encoder during a head-only phase) come only from here.
   */
  weights: { encoder: WeightArray[]; head: WeightArray[]; classifier: WeightArray[] };
  /** Shapes of the trained variables of each phase, in order: a replica checks its own against them. */
  shapes: { head: number[][]; all: number[][] };
}

/** One part of a step for one worker. */
export interface GradientRequest {
  /** `'head'`: only the head and classifier train (head-only phase); `'all'`: every trainable variable. */
  phase: 'head' | 'all';
  /** Whether the encoder runs in training mode (batch statistics). */
  encoderTrains: boolean;
  /** Current values of the phase's trained variables, in `trainableVariables()` order. */
  weights: Float32Array[];
  /** The part's images, `[batch, height, width, channels]` in [0, 1]. */
  images: PixelBatch;
  /** The part's class labels, one per image. */
  labels: Int32Array;
}

/** What a worker computed for one `GradientRequest`. */
export interface GradientResult {
  /** Gradient of the part's mean loss for each trained variable, in request order. */
  grads: Float32Array[];
  /** Mean cross-entropy of the part. */
  loss: number;
  /** Images of the part classified correctly. */
  correct: number;
}

/** Running gradient workers of one training run, each holding a replica of the networks. */
export interface GradientWorkers {
  /** Number of workers. */
  readonly size: number;
  /**
   * Sends request `i` to worker `i` (`requests.length` must equal `size`) and resolves with their
   * results in the same order; rejects with an `Error` when a worker fails or exits.
   */
  gradients(requests: readonly GradientRequest[]): Promise<GradientResult[]>;
  /** Stops every worker (also after a failure). Idempotent. */
  dispose(): Promise<void>;
}

/** Starts gradient workers; registered once per environment (`registerGradientWorkerProvider`). */
export interface GradientWorkerProvider {
  /**
   * How many workers `workers: 'auto'` means for the active tfjs backend `backend` (0 when workers
   * would not help, e.g. a backend that already uses every core or a GPU).
   */
  autoWorkers(backend: string): number;
  /**
   * Starts `count` workers on the tfjs backend named `backend`, each building a replica of `spec`.
   * Rejects with an `Error` (and leaves nothing running) when a worker cannot start.
   */
  start(count: number, spec: ReplicaSpec, backend: string): Promise<GradientWorkers>;
}

let registered: GradientWorkerProvider | undefined;

/**
 * Makes `provider` the one `trainSelfSupervised` uses for `workers` (`cutpaste/node` registers its
 * `worker_threads` provider on import). `undefined` unregisters.
 *
 * @returns the provider registered before
 * @example
 * const previous = registerGradientWorkerProvider(undefined); // single-threaded from now on
 * registerGradientWorkerProvider(previous);
 */
export function registerGradientWorkerProvider(provider: GradientWorkerProvider | undefined): GradientWorkerProvider | undefined {
  if (
    provider !== undefined &&
    (typeof provider !== 'object' ||
      provider === null ||
      typeof provider.start !== 'function' ||
      typeof provider.autoWorkers !== 'function')
  ) {
    throw new TypeError(
      `registerGradientWorkerProvider: provider must be { autoWorkers, start } or undefined, got ${describeValue(provider)}`,
    );
  }
  const previous = registered;
  registered = provider;
  return previous;
}

/**
 * The registered provider, or `undefined` when none is.
 * @example
 * const parallel = registeredGradientWorkerProvider() !== undefined;
 */
export function registeredGradientWorkerProvider(): GradientWorkerProvider | undefined {
  return registered;
}
