import type * as tf from '@tensorflow/tfjs-core';
import { checkImages, readPixels, upload, type AugmentResult } from './pixelTensors';
import {
  applyCutPasteScar,
  CUT_PASTE_SCAR_KEYS,
  resolveCutPasteScar,
  type CutPasteScarOptions,
  type CutPasteScarPatch,
} from './pixels/cutPasteScarPixels';
import { checkKeys } from './validate';

/**
 * CutPaste-Scar (Li et al. 2021): in every image, cut a thin upright rectangle, color-jitter it,
 * rotate it (content included, nearest neighbour) and paste it at a random location, fully inside.
 *
 * Random draws, image by image in batch order: width, height, angle, source top, source left,
 * target top, target left (of the rotated bounding box), then the jitter (3 draws for the order,
 * 4 factors; always drawn). The contrast step uses the mean grey level of the pasted pixels.
 *
 * How it runs: the images are read back once (`dataSync`), augmented in JS by
 * {@link cutPasteScarPixels} (same draws, bit-identical pixels) and uploaded as one new tensor, on
 * every backend. On GPU backends that is a download and an upload per call (webgpu's synchronous
 * read is slow and warns): to train on a GPU, build batches with the pixel functions and upload once.
 *
 * @param images [batch, height, width, channels], float32 in [0, 1], 1 or 3 channels. Not disposed.
 * @returns a new tensor [batch, height, width, channels]; pixels outside the scar are exact copies.
 * @throws RangeError when the largest allowed scar cannot fit in the images (unless `shrinkToFit`).
 * @example
 * const augmented = cutPasteScar(images, { rng: createRng(0) });
 */
export function cutPasteScar(images: tf.Tensor4D, options: CutPasteScarOptions = {}): tf.Tensor4D {
  return run('cutPasteScar', images, options, false).images;
}

/**
 * {@link cutPasteScar}, also returning the scars' masks [batch, height, width, 1] and the parameters
 * drawn per image. The same options and seed give the same images as `cutPasteScar`.
 *
 * @example
 * const { images: augmented, masks, patches } = cutPasteScarWithMask(images, { rng: createRng(1) });
 * // patches[0]: { width, height, angle, source, target, box, jitter }
 */
export function cutPasteScarWithMask(images: tf.Tensor4D, options: CutPasteScarOptions = {}): AugmentResult<CutPasteScarPatch> {
  return run('cutPasteScarWithMask', images, options, true) as AugmentResult<CutPasteScarPatch>;
}

function run(op: string, images: tf.Tensor4D, options: CutPasteScarOptions, withMask: boolean) {
  const shape = checkImages(op, images);
  checkKeys(op, options, CUT_PASTE_SCAR_KEYS);
  const settings = resolveCutPasteScar(op, options, shape);
  const src = readPixels(op, images, shape).data;
  const out = src.slice();
  const masks = withMask ? new Float32Array(shape.batch * shape.height * shape.width) : undefined;
  const patches = applyCutPasteScar(settings, shape, src, out, masks);
  return { images: upload(out, shape), masks: masks && upload(masks, shape, 1), patches };
}
