import * as tf from '@tensorflow/tfjs-core';
import type { GradientWorkers } from './gradientWorkers';
import type { PretextPixels } from './pretext';
import { stepGradients, type PretextModel, type StepSettings } from './step';

/**
 * Splits a pretext batch (`copies + 1` blocks of `originals` images: the originals, then each
 * augmented set) into `parts` class-balanced parts: part `p` takes original `i` when `i % parts === p`,
 * with its augmented copies, keeping the block layout. Parts differ in size by at most one original.
 *
 * @param originals images per block (the batch size in originals).
 * @example
 * const [mine, theirs] = splitPretext(pixels, 32, 2); // 16 originals (and their copies) each
 */
export function splitPretext(pixels: PretextPixels, originals: number, parts: number): PretextPixels[] {
  const { batch, height, width, channels } = pixels.images;
  const blocks = batch / originals;
  if (!(Number.isInteger(blocks) && parts >= 1 && parts <= originals)) {
    throw new RangeError(`splitPretext: cannot split ${batch} images of ${originals} originals into ${parts} parts`);
  }
  const size = height * width * channels;
  return Array.from({ length: parts }, (_, p) => {
    const mine: number[] = [];
    for (let b = 0; b < blocks; b++) for (let i = p; i < originals; i += parts) mine.push(b * originals + i);
    const data = new Float32Array(mine.length * size);
    const labels = new Int32Array(mine.length);
    mine.forEach((src, k) => {
      data.set(pixels.images.data.subarray(src * size, (src + 1) * size), k * size);
      labels[k] = pixels.labels[src]!;
    });
    return { images: { data, batch: mine.length, height, width, channels }, labels };
  });
}

/** What `parallelStep` needs besides the batch: a step's settings and its phase. */
export interface ParallelStepSettings extends StepSettings {
  phase: 'head' | 'all';
}

/**
 * One data-parallel optimisation step: `parts[0]` is computed here while `parts[i]` goes to worker
 * `i − 1` with the current weights; the gradients are averaged, weighted by part size (so equal parts
 * give the full batch's mean gradient, except that BatchNorm normalises each part with its own
 * statistics, as PyTorch's DistributedDataParallel without SyncBatchNorm), and the optimizer applies
 * them once. BatchNorm running statistics are updated from `parts[0]`. Nothing leaks, also on failure.
 * `whileWaiting` runs on this thread once its own part is computed, while the workers still compute
 * theirs (the trainer builds the next step's batch there).
 *
 * @returns the mean loss and the accuracy over all parts.
 */
export async function parallelStep(
  model: PretextModel,
  parts: readonly PretextPixels[],
  workers: GradientWorkers,
  settings: ParallelStepSettings,
  whileWaiting?: () => void,
): Promise<{ loss: number; accuracy: number }> {
  const { variables } = settings;
  const read = await Promise.all(variables.map((v) => v.data() as Promise<Float32Array>));
  const weights = read.map((d) => Float32Array.from(d)); // never hand a backend's own storage to another thread
  const pending = workers.gradients(
    parts
      .slice(1)
      .map((p) => ({ phase: settings.phase, encoderTrains: settings.encoderTrains, weights, images: p.images, labels: p.labels })),
  );
  pending.catch(() => undefined); // awaited below; this keeps a failure during our own part from being "unhandled"
  const own = parts[0]!;
  const images = tf.tensor4d(own.images.data, [own.images.batch, own.images.height, own.images.width, own.images.channels]);
  const labels = tf.tensor1d(own.labels, 'int32');
  let mine: ReturnType<typeof stepGradients> | undefined;
  try {
    mine = stepGradients(model, images, labels, settings);
    whileWaiting?.();
    const results = await pending;
    const counts = parts.map((p) => p.labels.length);
    const total = counts.reduce((a, b) => a + b, 0);
    const averaged = mine.grads;
    tf.tidy(() => {
      const mean: tf.NamedTensorMap = {};
      variables.forEach((v, i) => {
        let g = tf.mul(averaged[v.name]!, counts[0]! / total);
        results.forEach((r, k) => {
          g = tf.add(g, tf.mul(tf.tensor(r.grads[i]!, v.shape), counts[k + 1]! / total));
        });
        mean[v.name] = g;
      });
      settings.optimizer.step(mean, settings.learningRate);
    });
    const [loss, accuracy] = await Promise.all([mine.loss.data(), mine.accuracy.data()]);
    const lossSum = loss[0]! * counts[0]! + results.reduce((s, r, k) => s + r.loss * counts[k + 1]!, 0);
    const correct = accuracy[0]! * counts[0]! + results.reduce((s, r) => s + r.correct, 0);
    return { loss: lossSum / total, accuracy: correct / total };
  } finally {
    tf.dispose([images, labels]);
    if (mine) tf.dispose([mine.loss, mine.accuracy, mine.grads]);
    // Frees the recorded batch statistics also on failure; after a success, updates the running averages.
    if (settings.encoderTrains) model.encoder.commitBatchNormStats();
    model.head.commitBatchNormStats();
    model.classifier.commitBatchNormStats();
  }
}
