import * as tf from '@tensorflow/tfjs-core';
import { AbortError } from '../errors';
import { createRng, shuffleInPlace, type Rng } from '../math/random';
import { prepareBackend } from '../kernels/index';
import type { PixelBatch } from '../ops/pixels/pixelBatch';
import { registeredGradientWorkerProvider, type GradientWorkers } from './gradientWorkers';
import { AUTO_WORKERS_MIN_STEPS, resolveTrainOptions, type ResolvedTrainOptions, type TrainOptions, type TrainProgress } from './options';
import { parallelStep, splitPretext } from './parallelStep';
import { pretextClasses, pretextCopies, type PretextPixels } from './pretext';
import { probePretext, type PretextProbe } from './pretextProbe';
import { nextBatch } from './pretextBatch';
import { phaseVariables, replicaArchitecture, replicaBlocker, replicaSpec } from './replica';
import { cosineSchedule } from './schedule';
import { trainStep, type PretextModel } from './step';
import { MomentumSGD } from './sgd';

/** What a training run did. */
export interface TrainReport {
  /** Steps run. */
  steps: number;
  /** Mean loss of the last 10% of steps (at least one). */
  finalLoss: number;
  /** Mean pretext accuracy of the last 10% of steps, in [0, 1]. */
  pretextAccuracy: number;
  /** Wall-clock seconds. */
  seconds: number;
  /** Pretext images (originals and augmented copies) per second. */
  imagesPerSecond: number;
  /** Gradient workers that helped (0: the calling thread did everything; see `TrainOptions.workers`). */
  workers: number;
  /** `workers: 'auto'` that used none: why (e.g. a pretrained encoder cannot be rebuilt in a worker). */
  workersNote?: string;
  /** The task on fresh batches after training (`TrainOptions.probeBatches`; absent when 0). */
  heldOut?: PretextProbe;
}

/**
 * Stage 1 of CutPaste: trains `model` to tell normal images from CutPaste-augmented ones
 * (momentum SGD, one cosine cycle, weight decay; the paper's defaults, see `TrainOptions`).
 *
 * @param model Encoder, projection head and classifier (`classifier.outputDim` must equal the
 *   variant's class count: 3 for `'3way'`, else 2). Updated in place.
 * @param images `[count, height, width, channels]` float32 normal images in [0, 1], at training
 *   resolution; not disposed. For `level: 'patch'` each step crops one random patch per image.
 * @returns A report; throws `AbortError` if `options.signal` aborts (the model keeps the updates of
 *   the steps that finished; nothing leaks; gradient workers are stopped, also on any other error).
 * @example
 * const report = await trainSelfSupervised({ encoder, head, classifier }, images, { steps: 200, seed: 1 });
 */
export async function trainSelfSupervised(model: PretextModel, images: tf.Tensor4D, options: TrainOptions = {}): Promise<TrainReport> {
  const o = resolveTrainOptions(options);
  checkInputs(model, images, o.variant, o.level, o.patchSize);
  prepareBackend();
  const rng: Rng = o.rng ?? createRng(o.seed);
  const sampler = new BatchSampler(images.shape[0], rng);
  // Read asynchronously: webgpu's synchronous read (dataSync) is a slow canvas round trip that, in
  // Chromium 156 on SwiftShader, returns zeros and loses the device.
  const [batch, height, width, channels] = images.shape;
  const dataset: PixelBatch = { data: Float32Array.from(await images.data()), batch, height, width, channels };
  const bad = dataset.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new RangeError(`trainSelfSupervised: images must hold finite pixels, got ${dataset.data[bad]} at index ${bad}`);
  const perStep = o.batchSize * (1 + pretextCopies(o.variant));

  const { count: workerCount, note: workersNote } = plannedWorkers(model, o);
  const headVars = phaseVariables(model, 'head', o.freezeBatchNorm);
  const allVars = phaseVariables(model, 'all', o.freezeBatchNorm);
  const headPhase = o.headOnlySteps;
  const headSchedule = headPhase > 0 ? cosineSchedule({ learningRate: o.learningRate, steps: headPhase }) : undefined;
  const mainSchedule = cosineSchedule({
    learningRate: o.fineTuneLearningRate,
    steps: o.steps - headPhase,
    warmupSteps: o.warmupSteps,
  });
  const headSgd = headPhase > 0 ? new MomentumSGD(headVars, o) : undefined;
  const sgd = new MomentumSGD(allVars, o);

  const losses: number[] = [];
  const accuracies: number[] = [];
  let workers: GradientWorkers | undefined;
  let prefetched: PretextPixels | undefined;
  let start = now();
  try {
    if (workerCount > 0) {
      workers = await startWorkers(model, o, workerCount);
      start = now(); // the rate is the training's, not the workers' start-up
    }
    for (let step = 0; step < o.steps; step++) {
      // Let timers, I/O and signal handlers run between steps (Ctrl-C, progress redraws, a page's UI):
      // tfjs's reads resolve as microtasks, so without this the event loop would starve for the whole run.
      if (step > 0) await yieldToEventLoop();
      if (o.signal?.aborted) throw new AbortError(`training was aborted after ${step} of ${o.steps} steps`);
      const inHeadPhase = step < headPhase;
      const learningRate = inHeadPhase ? headSchedule!(step) : mainSchedule(step - headPhase);
      const pixels = prefetched ?? nextBatch(dataset, sampler.next(o.batchSize), o, rng);
      prefetched = undefined;
      const settings = {
        variables: inHeadPhase ? headVars : allVars,
        optimizer: inHeadPhase ? headSgd! : sgd,
        learningRate,
        classes: pretextClasses(o.variant),
        encoderTrains: !inHeadPhase && !o.freezeBatchNorm,
      };
      let loss: ArrayLike<number>;
      let accuracy: ArrayLike<number>;
      if (workers) {
        const parts = splitPretext(pixels, o.batchSize, workers.size + 1);
        // The next step's batch is built while the workers compute: the same rng draws in the same
        // order as one batch per step, so the run is the same, only the main thread idles less.
        const prefetch =
          step + 1 < o.steps
            ? () => {
                prefetched = nextBatch(dataset, sampler.next(o.batchSize), o, rng);
              }
            : undefined;
        const result = await parallelStep(model, parts, workers, { ...settings, phase: inHeadPhase ? 'head' : 'all' }, prefetch);
        [loss, accuracy] = [[result.loss], [result.accuracy]];
      } else {
        const images = tf.tensor4d(pixels.images.data, [
          pixels.images.batch,
          pixels.images.height,
          pixels.images.width,
          pixels.images.channels,
        ]);
        const [lossT, accT] = trainStep(model, images, tf.tensor1d(pixels.labels, 'int32'), settings);
        [loss, accuracy] = await Promise.all([lossT.data(), accT.data()]);
        tf.dispose([lossT, accT]);
      }
      losses.push(loss[0]!);
      accuracies.push(accuracy[0]!);
      if (!Number.isFinite(loss[0]!)) {
        throw new RangeError(`trainSelfSupervised: the loss became ${loss[0]} at step ${step + 1}; lower learningRate`);
      }
      if (o.onProgress) {
        const elapsed = now() - start;
        const done = step + 1;
        o.onProgress({
          step: done,
          steps: o.steps,
          phase: inHeadPhase ? 'head' : 'all',
          loss: loss[0]!,
          accuracy: accuracy[0]!,
          learningRate,
          imagesPerSecond: (done * perStep) / elapsed,
          elapsedSeconds: elapsed,
          etaSeconds: (elapsed / done) * (o.steps - done),
        } satisfies TrainProgress);
      }
    }
  } finally {
    sgd.dispose();
    headSgd?.dispose();
    await workers?.dispose();
  }
  const seconds = now() - start;
  const heldOut = await probeHeldOut(model, dataset, o);
  const tail = Math.max(1, Math.round(o.steps / 10));
  return {
    steps: o.steps,
    finalLoss: mean(losses.slice(-tail)),
    pretextAccuracy: mean(accuracies.slice(-tail)),
    seconds,
    imagesPerSecond: (o.steps * perStep) / seconds,
    workers: workers?.size ?? 0,
    ...(workersNote ? { workersNote } : {}),
    ...(heldOut ? { heldOut } : {}),
  };
}

/** `probePretext` on batches drawn like the training's, from their own random stream. */
async function probeHeldOut(model: PretextModel, dataset: PixelBatch, o: ResolvedTrainOptions): Promise<PretextProbe | undefined> {
  if (o.probeBatches === 0) return undefined;
  const rng = createRng(`${String(o.seed)}/held-out`);
  const sampler = new BatchSampler(dataset.batch, rng);
  // Plain draws (no redraws): the probe itself tells the copies that differ visibly from the others.
  const plain = { ...o, redrawInvisible: false };
  return probePretext(model, () => nextBatch(dataset, sampler.next(o.batchSize), plain, rng), o.probeBatches);
}

/**
 * How many gradient workers the run uses (`TrainOptions.workers`) and, when `'auto'` uses none, why;
 * throws `RangeError` when an explicit count cannot be honoured.
 */
function plannedWorkers(model: PretextModel, o: ResolvedTrainOptions): { count: number; note?: string } {
  const provider = o.workerProvider ?? registeredGradientWorkerProvider();
  const blocker = replicaBlocker(model);
  if (o.workers === 'auto') {
    const none = (note: string) => ({ count: 0, note: `workers 'auto' used none: ${note}` });
    if (blocker) return none(blocker);
    if (!provider) return none("no gradient-worker provider is registered (import 'cutpaste/node', or pass workerProvider)");
    if (o.steps < AUTO_WORKERS_MIN_STEPS) return none(`runs of fewer than ${AUTO_WORKERS_MIN_STEPS} steps train on one thread`);
    const auto = provider.autoWorkers(tf.getBackend());
    if (!(Number.isInteger(auto) && auto > 0)) return none(`the gradient-worker provider gives none on the ${tf.getBackend()} backend`);
    return o.batchSize > 1 ? { count: Math.min(auto, o.batchSize - 1) } : none('a batch of one original cannot be split between threads');
  }
  const n = o.workers;
  if (n === 0) return { count: 0 };
  const fn = 'trainSelfSupervised';
  if (!provider) {
    throw new RangeError(
      `${fn}: option workers ${n} needs a gradient-worker provider: import 'cutpaste/node' (Node), pass workerProvider, or use workers: 0`,
    );
  }
  if (blocker) throw new RangeError(`${fn}: option workers ${n} needs networks a worker can rebuild, but ${blocker}; use workers: 0`);
  if (n > o.batchSize - 1) {
    throw new RangeError(
      `${fn}: option workers must be smaller than batchSize (${o.batchSize}): each thread needs at least one original image per step, got ${n}`,
    );
  }
  return { count: n };
}

async function startWorkers(model: PretextModel, o: ResolvedTrainOptions, count: number): Promise<GradientWorkers> {
  const provider = (o.workerProvider ?? registeredGradientWorkerProvider())!;
  const spec = await replicaSpec(model, replicaArchitecture(model)!, pretextClasses(o.variant), o.freezeBatchNorm);
  const workers = await provider.start(count, spec, tf.getBackend());
  if (workers.size !== count) {
    await workers.dispose();
    throw new Error(`trainSelfSupervised: the gradient-worker provider started ${workers.size} workers, ${count} were asked for`);
  }
  return workers;
}

/** Cycles through shuffled epochs of `count` indices, so every image is seen once per epoch. */
class BatchSampler {
  private order: number[] = [];
  private position = 0;
  constructor(
    private readonly count: number,
    private readonly rng: Rng,
  ) {}
  next(size: number): number[] {
    const out: number[] = [];
    while (out.length < size) {
      if (this.position >= this.order.length) {
        this.order = shuffleInPlace(
          Array.from({ length: this.count }, (_, i) => i),
          this.rng,
        );
        this.position = 0;
      }
      out.push(this.order[this.position++]!);
    }
    return out;
  }
}

function checkInputs(
  model: PretextModel,
  images: tf.Tensor4D,
  variant: Parameters<typeof pretextClasses>[0],
  level: 'image' | 'patch',
  patch: readonly [number, number],
): void {
  if (!(images instanceof tf.Tensor) || images.rank !== 4) {
    throw new TypeError(
      `trainSelfSupervised: images must be a tf.Tensor4D [count, height, width, channels], got rank ${(images as tf.Tensor)?.rank}`,
    );
  }
  if (images.dtype !== 'float32') throw new TypeError(`trainSelfSupervised: images must be float32, got ${images.dtype}`);
  if (images.shape[0] < 1) throw new RangeError('trainSelfSupervised: images must hold at least one image');
  if (images.shape[3] !== model.encoder.inputChannels) {
    throw new RangeError(
      `trainSelfSupervised: images have ${images.shape[3]} channels, the encoder expects ${model.encoder.inputChannels}`,
    );
  }
  if (level === 'patch' && (patch[0] > images.shape[1] || patch[1] > images.shape[2])) {
    throw new RangeError(
      `trainSelfSupervised: patchSize [${patch.join(', ')}] does not fit images of ${images.shape[1]}×${images.shape[2]}`,
    );
  }
  const classes = pretextClasses(variant);
  if (model.classifier.outputDim !== classes) {
    throw new RangeError(
      `trainSelfSupervised: variant '${variant}' needs a classifier with ${classes} outputs, got ${model.classifier.outputDim}`,
    );
  }
  if (model.head.inputDim !== model.encoder.featureDim || model.classifier.inputDim !== model.head.outputDim) {
    throw new RangeError(
      `trainSelfSupervised: dimensions do not chain: encoder ${model.encoder.featureDim} → head ${model.head.inputDim}→${model.head.outputDim} → classifier ${model.classifier.inputDim}`,
    );
  }
}

/** Resolves on the next macrotask. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}

function now(): number {
  return performance.now() / 1000;
}
