import type * as tf from '@tensorflow/tfjs-core';
import { checkImages, readPixels, upload, type AugmentResult } from './pixelTensors';
import { applyCutout, CUTOUT_KEYS, resolveCutout, type CutoutOptions, type CutoutPatch } from './pixels/cutoutPixels';
import { checkKeys } from './validate';

/**
 * Cutout (DeVries & Taylor 2017), the paper's baseline: in every image, fill a random rectangle
 * (CutPaste's size distribution) with one random constant color.
 *
 * Random draws, image by image: area fraction, aspect ratio, top, left, then one value per channel.
 *
 * How it runs: read back once (`dataSync`), filled in JS by {@link cutoutPixels} (bit-identical) and
 * uploaded as one new tensor, on every backend (on GPU backends: a download and an upload per call).
 *
 * @param images [batch, height, width, channels], float32 in [0, 1], 1 or 3 channels. Not disposed.
 * @returns a new tensor [batch, height, width, channels]; pixels outside the rectangle are exact copies.
 * @example
 * const augmented = cutout(images, { rng: createRng(0) });
 */
export function cutout(images: tf.Tensor4D, options: CutoutOptions = {}): tf.Tensor4D {
  return run('cutout', images, options, false).images;
}

/**
 * {@link cutout}, also returning the filled rectangles' masks [batch, height, width, 1] and the
 * parameters drawn per image.
 *
 * @example
 * const { images: augmented, masks, patches } = cutoutWithMask(images, { rng: createRng(0) });
 */
export function cutoutWithMask(images: tf.Tensor4D, options: CutoutOptions = {}): AugmentResult<CutoutPatch> {
  return run('cutoutWithMask', images, options, true) as AugmentResult<CutoutPatch>;
}

function run(op: string, images: tf.Tensor4D, options: CutoutOptions, withMask: boolean) {
  const shape = checkImages(op, images);
  checkKeys(op, options, CUTOUT_KEYS);
  const settings = resolveCutout(op, options);
  const out = readPixels(op, images, shape).data.slice();
  const masks = withMask ? new Float32Array(shape.batch * shape.height * shape.width) : undefined;
  const patches = applyCutout(settings, shape, out, masks);
  return { images: upload(out, shape), masks: masks && upload(masks, shape, 1), patches };
}
