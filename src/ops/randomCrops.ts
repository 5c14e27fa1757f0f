import * as tf from '@tensorflow/tfjs-core';
import { randomInt, type Rng } from '../math/random';
import { gatherRows } from './gatherRows';
import { checkImages, checkSize } from './validate';

/**
 * One random crop per image (the paper's patch-level training, §2.4: crop, then CutPaste the crop),
 * taken with one gather (exact copies).
 *
 * Random draws, image by image: top (uniform integer in [0, height − crop height]), then left.
 *
 * @param images [batch, height, width, channels], float32, 1 or 3 channels. Not disposed.
 * @param size crop size in pixels: one number for a square, or [height, width]; at most the image's.
 * @param rng uniform [0, 1) generator, e.g. `createRng(seed)`.
 * @returns a new tensor [batch, cropHeight, cropWidth, channels].
 * @example
 * const patches = randomCrops(images, 64, createRng(0)); // [batch, 64, 64, channels]
 */
export function randomCrops(images: tf.Tensor4D, size: number | readonly [number, number], rng: Rng): tf.Tensor4D {
  const op = 'randomCrops';
  const { batch, height, width, channels } = checkImages(op, images);
  const [cropHeight, cropWidth] = checkSize(op, 'size', size);
  if (cropHeight > height || cropWidth > width) {
    throw new RangeError(
      `${op}: size [${cropHeight}, ${cropWidth}] must fit in the images (height ${height}, width ${width})`,
    );
  }
  if (typeof rng !== 'function') {
    throw new TypeError(`${op}: rng must be a function returning numbers in [0, 1), got ${String(rng)}`);
  }
  const index = new Int32Array(batch * cropHeight * cropWidth);
  let k = 0;
  for (let b = 0; b < batch; b++) {
    const top = randomInt(rng, 0, height - cropHeight);
    const left = randomInt(rng, 0, width - cropWidth);
    for (let y = 0; y < cropHeight; y++) {
      const row = (b * height + top + y) * width + left;
      for (let x = 0; x < cropWidth; x++) index[k++] = row + x;
    }
  }
  return tf.tidy(() => {
    const flat = tf.reshape(images, [batch * height * width, channels]) as tf.Tensor2D;
    return tf.reshape(gatherRows(flat, index), [batch, cropHeight, cropWidth, channels]) as tf.Tensor4D;
  });
}
