import type * as tf from '@tensorflow/tfjs-core';
import { checkImages, readPixels, upload } from './pixelTensors';
import { applyColorJitter, COLOR_JITTER_KEYS, resolveColorJitter, type ColorJitterOptions } from './pixels/colorJitterPixels';
import { checkKeys } from './validate';

/**
 * Whole-image color jitter, applied before CutPaste (paper §2.1): torchvision `ColorJitter`
 * semantics with per-image factors and a per-image random order. Brightness multiplies by
 * f ∈ [1 − j, 1 + j]; contrast blends with the image's mean grey level (weights 0.2989, 0.587,
 * 0.114); saturation blends with each pixel's grey level; hue shifts H in HSV by h ∈ [−j, j] turns;
 * each step clamps to [0, 1]. On 1-channel images saturation and hue do nothing. Defaults: 0.1 each
 * (the strengths of the paper's patch jitter, also those of the reference PyTorch implementation).
 *
 * Random draws, image by image: 3 for the order, then the brightness, contrast, saturation and hue
 * factors (always 7 per image).
 *
 * How it runs: the images are read back once (`dataSync`), jittered in JS by
 * {@link colorJitterPixels} (bit-identical) and uploaded as one new tensor, on every backend. On GPU
 * backends that is a download and an upload per call (webgpu's synchronous read is slow and warns):
 * to train on a GPU, build batches with the pixel functions and upload once per step.
 *
 * @param images [batch, height, width, channels], float32 in [0, 1], 1 or 3 channels. Not disposed.
 * @returns a new tensor [batch, height, width, channels], values in [0, 1].
 * @example
 * const jittered = colorJitter(images, { brightness: 0.2, hue: 0.05, rng: createRng(0) });
 */
export function colorJitter(images: tf.Tensor4D, options: ColorJitterOptions = {}): tf.Tensor4D {
  const op = 'colorJitter';
  const shape = checkImages(op, images);
  checkKeys(op, options, COLOR_JITTER_KEYS);
  const settings = resolveColorJitter(op, options);
  const out = readPixels(op, images, shape).data.slice();
  applyColorJitter(settings, shape, out);
  return upload(out, shape);
}
