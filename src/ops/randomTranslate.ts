import type * as tf from '@tensorflow/tfjs-core';
import { checkImages, readPixels, upload } from './pixelTensors';
import {
  applyRandomTranslate,
  RANDOM_TRANSLATE_KEYS,
  resolveRandomTranslate,
  type RandomTranslateOptions,
} from './pixels/randomTranslatePixels';
import { checkKeys } from './validate';

/**
 * Shifts every image by its own random integer offset (the paper's "translation" applied before
 * CutPaste); pixels are exact copies. A positive shift moves the content down / right.
 *
 * Random draws, image by image: row shift, then column shift.
 *
 * How it runs: read back once (`dataSync`), shifted in JS by {@link randomTranslatePixels} and
 * uploaded as one new tensor, on every backend (on GPU backends: a download and an upload per call;
 * to train on a GPU, use the pixel functions and upload once per step).
 *
 * @param images [batch, height, width, channels], float32, 1 or 3 channels. Not disposed.
 * @returns a new tensor [batch, height, width, channels].
 * @example
 * const shifted = randomTranslate(images, { maxShift: 0.1, rng: createRng(0) });
 */
export function randomTranslate(images: tf.Tensor4D, options: RandomTranslateOptions = {}): tf.Tensor4D {
  const op = 'randomTranslate';
  const shape = checkImages(op, images);
  checkKeys(op, options, RANDOM_TRANSLATE_KEYS);
  const settings = resolveRandomTranslate(op, options);
  const src = readPixels(op, images, shape).data;
  const out = new Float32Array(src.length);
  applyRandomTranslate(settings, shape, src, out);
  return upload(out, shape);
}
