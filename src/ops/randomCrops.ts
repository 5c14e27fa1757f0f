import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../math/random';
import { checkImages, readPixels, upload } from './pixelTensors';
import { applyRandomCrops, resolveRandomCrops } from './pixels/randomCropsPixels';

/**
 * One random crop per image (the paper's patch-level training, §2.4: crop, then CutPaste the crop);
 * pixels are exact copies.
 *
 * Random draws, image by image: top (uniform integer in [0, height − crop height]), then left.
 *
 * How it runs: read back once (`dataSync`), cropped in JS by {@link randomCropsPixels} and uploaded
 * as one new tensor, on every backend (on GPU backends: a download and an upload per call; to train
 * on a GPU, use the pixel functions and upload once per step).
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
  const shape = checkImages(op, images);
  const [cropHeight, cropWidth] = resolveRandomCrops(op, shape, size, rng);
  const out = new Float32Array(shape.batch * cropHeight * cropWidth * shape.channels);
  applyRandomCrops(shape, [cropHeight, cropWidth], rng, readPixels(op, images, shape).data, out);
  return upload(out, { ...shape, height: cropHeight, width: cropWidth });
}
