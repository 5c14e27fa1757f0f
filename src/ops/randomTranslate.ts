import * as tf from '@tensorflow/tfjs-core';
import { randomInt, type Rng } from '../math/random';
import { gatherRows } from './gatherRows';
import { checkImages, checkKeys, checkNumber, resolveRng } from './validate';

/** Options of {@link randomTranslate}. */
export interface RandomTranslateOptions {
  /**
   * Largest shift as a fraction of each side: shifts are integers uniform in
   * [−floor(f·height), floor(f·height)] rows and [−floor(f·width), floor(f·width)] columns. 0 ≤ f < 1.
   * Default 0.1.
   */
  maxShift?: number;
  /**
   * How the uncovered border is filled: `'reflect'` mirrors the image about its edge pixel, which is
   * not repeated (… c b | a b c d | c b …, as numpy's and PyTorch's `reflect`); `'edge'` repeats the
   * edge pixel (a a | a b c d | d d). Default `'reflect'`.
   */
  border?: 'reflect' | 'edge';
  /** Uniform [0, 1) generator; default a fresh clock-seeded one per call (not reproducible). */
  rng?: Rng;
}

const KEYS = ['maxShift', 'border', 'rng'] as const;

/** Where output coordinate `i` reads from, on an axis of `n` pixels shifted by `shift`. */
function sourceIndex(i: number, shift: number, n: number, border: 'reflect' | 'edge'): number {
  const j = i - shift;
  if (j >= 0 && j < n) return j;
  if (border === 'edge' || n === 1) return Math.min(n - 1, Math.max(0, j));
  const period = 2 * (n - 1);
  const k = ((j % period) + period) % period;
  return k < n ? k : period - k;
}

/**
 * Shifts every image by its own random integer offset (the paper's "translation" applied before
 * CutPaste). One gather with an index map computed in JS, so pixels are exact copies. A positive
 * shift moves the content down / right.
 *
 * Random draws, image by image: row shift, then column shift.
 *
 * @param images [batch, height, width, channels], float32, 1 or 3 channels. Not disposed.
 * @returns a new tensor [batch, height, width, channels].
 * @example
 * const shifted = randomTranslate(images, { maxShift: 0.1, rng: createRng(0) });
 */
export function randomTranslate(images: tf.Tensor4D, options: RandomTranslateOptions = {}): tf.Tensor4D {
  const op = 'randomTranslate';
  const { batch, height, width, channels } = checkImages(op, images);
  checkKeys(op, options, KEYS);
  const fraction =
    options.maxShift === undefined
      ? 0.1
      : checkNumber(op, 'options.maxShift', options.maxShift, { min: 0, max: 1, maxInclusive: false });
  const border = options.border ?? 'reflect';
  if (border !== 'reflect' && border !== 'edge') {
    throw new RangeError(`${op}: options.border must be 'reflect' or 'edge', got ${JSON.stringify(border)}`);
  }
  const rng = resolveRng(op, options.rng);
  const maxRows = Math.floor(fraction * height);
  const maxCols = Math.floor(fraction * width);
  const index = new Int32Array(batch * height * width);
  const cols = new Int32Array(width);
  let k = 0;
  for (let b = 0; b < batch; b++) {
    const dy = randomInt(rng, -maxRows, maxRows);
    const dx = randomInt(rng, -maxCols, maxCols);
    for (let x = 0; x < width; x++) cols[x] = sourceIndex(x, dx, width, border);
    for (let y = 0; y < height; y++) {
      const row = (b * height + sourceIndex(y, dy, height, border)) * width;
      for (let x = 0; x < width; x++) index[k++] = row + cols[x]!;
    }
  }
  return tf.tidy(() => {
    const flat = tf.reshape(images, [batch * height * width, channels]) as tf.Tensor2D;
    return tf.reshape(gatherRows(flat, index), images.shape) as tf.Tensor4D;
  });
}
