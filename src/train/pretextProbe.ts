import * as tf from '@tensorflow/tfjs-core';
import type { PixelBatch } from '../ops/pixels/pixelBatch';
import type { PretextPixels } from './pretext';
import type { PretextModel } from './step';

/** How well a trained network solves its pretext task on batches it never trained on. */
export interface PretextProbe {
  /** Accuracy over every held-out image (originals and augmented copies), in [0, 1]. */
  accuracy: number;
  /**
   * Balanced accuracy on the part of the task that can be learnt at all: the mean of the accuracy on
   * the originals and the accuracy on the augmented copies that differ visibly from their original
   * (see `VISIBLE_CHANGE`), in [0, 1]. Answering "normal" to everything gives 0.5, guessing 1 / classes.
   */
  visibleAccuracy: number;
  /** Fraction of the augmented copies that differ visibly from their original, in [0, 1]. */
  visibleFraction: number;
  /** Held-out images classified (originals and copies). */
  samples: number;
  /**
   * Whether `visibleAccuracy` stays near chance (below chance + `NEAR_CHANCE_MARGIN`): the
   * features are then close to the untrained network's, and the detector leans on the density alone.
   */
  nearChance: boolean;
}

/** `PretextProbe.nearChance` is set below chance (1 / classes) plus this margin. */
export const NEAR_CHANCE_MARGIN = 0.15;

/**
 * An augmented copy "differs visibly" from its original when at least {@link VISIBLE_MIN_PIXELS}
 * pixels changed and their mean absolute change (channel mean, pixels in [0, 1]) is at least this:
 * about 10 grey levels of 255. A patch of plain background pasted onto plain background, or a scar
 * drawn from the colour it lands on, changes less and teaches the network nothing.
 */
export const VISIBLE_CHANGE = 0.04;
/** Fewest changed pixels (change over 1/255) for a copy to count as visibly different. */
export const VISIBLE_MIN_PIXELS = 4;

/**
 * Classifies `batches` fresh pretext batches (built by `nextBatch`, from draws the training never
 * used) with the network in inference mode (BatchNorm running statistics), and reports accuracy over
 * all of them and over the images that carry a visible change. Disposes every tensor it makes.
 *
 * @param nextBatch builds one pretext batch; its images are `originals` (label 0) then augmented copies,
 *   each copy `i` of set `k` made from original `i` (as `pretextPixels` lays them out).
 * @example
 * const probe = await probePretext(model, () => nextBatch(...), 8);
 */
export async function probePretext(model: PretextModel, nextBatch: () => PretextPixels, batches: number): Promise<PretextProbe> {
  const classes = model.classifier.outputDim;
  let correct = 0;
  let originals = 0;
  let originalsCorrect = 0;
  let copies = 0;
  let visibleCopies = 0;
  let visibleCorrect = 0;
  let samples = 0;
  for (let b = 0; b < batches; b++) {
    const { images, labels, sources } = nextBatch();
    if (!sources) throw new TypeError('probePretext: nextBatch must return the batch of pretextPixels, with its sources');
    const visible = visibleCopiesOf(images, labels, sources);
    const predicted = tf.tidy(() => {
      const x = tf.tensor4d(images.data, [images.batch, images.height, images.width, images.channels]);
      const logits = model.classifier.apply(model.head.apply(model.encoder.features(x, false), false), false);
      return tf.argMax(logits, 1);
    });
    const classes = await predicted.data();
    predicted.dispose();
    for (let i = 0; i < images.batch; i++) {
      const right = classes[i] === labels[i] ? 1 : 0;
      correct += right;
      if (labels[i] === 0) {
        originals++;
        originalsCorrect += right;
      } else {
        copies++;
        if (visible[i]) {
          visibleCopies++;
          visibleCorrect += right;
        }
      }
    }
    samples += images.batch;
  }
  const visibleAccuracy = (originalsCorrect / Math.max(1, originals) + visibleCorrect / Math.max(1, visibleCopies)) / 2;
  return {
    accuracy: correct / Math.max(1, samples),
    visibleAccuracy,
    visibleFraction: visibleCopies / Math.max(1, copies),
    samples,
    nearChance: visibleAccuracy < 1 / classes + NEAR_CHANCE_MARGIN,
  };
}

/**
 * Per image of a pretext batch: 1 for an original (label 0) or an augmented copy that differs
 * visibly from its original `sources[i]`, 0 for a copy that does not.
 */
export function visibleCopiesOf(images: PixelBatch, labels: Int32Array, sources: Int32Array): Uint8Array {
  const { data, batch, channels } = images;
  const pixels = images.height * images.width;
  const size = pixels * channels;
  const out = new Uint8Array(batch);
  for (let i = 0; i < batch; i++) {
    if (labels[i] === 0) {
      out[i] = 1;
      continue;
    }
    const copy = i * size;
    const original = sources[i]! * size;
    let changed = 0;
    let total = 0;
    for (let p = 0; p < pixels; p++) {
      let d = 0;
      for (let c = 0; c < channels; c++) d += Math.abs(data[copy + p * channels + c]! - data[original + p * channels + c]!);
      d /= channels;
      if (d > 1 / 255) {
        changed++;
        total += d;
      }
    }
    out[i] = changed >= VISIBLE_MIN_PIXELS && total / changed >= VISIBLE_CHANGE ? 1 : 0;
  }
  return out;
}
