import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../math/random';
import { jitterPixels, resolveJitter, sampleJitter, type JitterAmounts } from './jitter';
import { checkImages, checkKeys, resolveRng } from './validate';

/** Options of {@link colorJitter}: torchvision `ColorJitter(brightness, contrast, saturation, hue)`. */
export interface ColorJitterOptions extends Partial<JitterAmounts> {
  /** Uniform [0, 1) generator; default a fresh clock-seeded one per call (not reproducible). */
  rng?: Rng;
}

const KEYS = ['brightness', 'contrast', 'saturation', 'hue', 'rng'] as const;

/**
 * Whole-image color jitter, applied before CutPaste (paper §2.1): torchvision `ColorJitter`
 * semantics with per-image factors and a per-image random order. Brightness multiplies by
 * f ∈ [1 − j, 1 + j]; contrast blends with the image's mean grey level (weights 0.2989, 0.587,
 * 0.114); saturation blends with each pixel's grey level; hue shifts H in HSV by h ∈ [−j, j] turns;
 * each step clamps to [0, 1]. On 1-channel images saturation and hue do nothing. Defaults: 0.1 each
 * (the strengths of the paper's patch jitter, also those of the reference PyTorch implementation).
 *
 * Random draws, image by image: 3 for the order, then the brightness, contrast, saturation and hue
 * factors (always 7 per image). The pixels are read back once (`dataSync`) and jittered in JS
 * (see `jitterPixels`: far faster than tensor ops on the cpu backend, identical on every backend).
 *
 * @param images [batch, height, width, channels], float32 in [0, 1], 1 or 3 channels. Not disposed.
 * @returns a new tensor [batch, height, width, channels], values in [0, 1].
 * @example
 * const jittered = colorJitter(images, { brightness: 0.2, hue: 0.05, rng: createRng(0) });
 */
export function colorJitter(images: tf.Tensor4D, options: ColorJitterOptions = {}): tf.Tensor4D {
  const op = 'colorJitter';
  const shape = checkImages(op, images);
  checkKeys(op, options, KEYS);
  const { rng: rngOption, ...strengths } = options;
  const amounts = resolveJitter(op, 'options', strengths);
  const rng = resolveRng(op, rngOption);
  const { batch, height, width, channels } = shape;
  const params = Array.from({ length: batch }, () => sampleJitter(rng, amounts));
  const pixels = (images.dataSync() as Float32Array).slice();
  jitterPixels(pixels, [batch, height * width, channels], params);
  return tf.tensor4d(pixels, [batch, height, width, channels]);
}
