import type * as tf from '@tensorflow/tfjs-core';
import { checkImages, readPixels, upload, type AugmentResult } from './pixelTensors';
import { applyCutPaste, CUT_PASTE_KEYS, resolveCutPaste, type CutPasteAugmentOptions, type CutPastePatch } from './pixels/cutPastePixels';
import { checkKeys } from './validate';

/**
 * CutPaste (Li et al. 2021): in every image, cut a random rectangle, color-jitter it and paste it at
 * another random location, fully inside the image.
 *
 * Random draws, image by image in batch order: area fraction, aspect ratio (size =
 * round(√(A·r)) × round(√(A/r)), at least 2 px a side, clamped to the image), source top,
 * source left, target top, target left (integers, uniform over the positions that keep the patch
 * inside), then the jitter (3 draws for the order of brightness/contrast/saturation/hue, then
 * their 4 factors; always drawn, even when
 * the jitter is 0). The contrast step blends with the mean grey level of the patch. For 1-channel
 * images saturation and hue do nothing (as in torchvision).
 *
 * How it runs: the images are read back once (`dataSync`), augmented in JS by
 * {@link cutPastePixels} (same draws, bit-identical pixels) and uploaded as one new tensor: the same
 * code and numbers on every backend. On GPU backends that is a download and an upload per call (and
 * webgpu's synchronous read is slow and warns): to train on a GPU, build batches in JS with the
 * pixel functions and upload once per step, as the trainer does.
 *
 * @param images [batch, height, width, channels], float32 in [0, 1], 1 or 3 channels. Not disposed.
 * @returns a new tensor [batch, height, width, channels]; pixels outside the pasted patch are exact copies.
 * @example
 * const augmented = cutPaste(images, { rng: createRng(0) });
 */
export function cutPaste(images: tf.Tensor4D, options: CutPasteAugmentOptions = {}): tf.Tensor4D {
  return run('cutPaste', images, options, false).images;
}

/**
 * {@link cutPaste}, also returning the pasted regions' masks [batch, height, width, 1] and the
 * parameters drawn per image (for tests and visual checks). The same options and seed give the same
 * images as `cutPaste`.
 *
 * @example
 * const { images: augmented, masks, patches } = cutPasteWithMask(images, { rng: createRng(0), jitter: 0 });
 * // patches[0]: { height, width, source: { top, left }, target: { top, left }, jitter }
 */
export function cutPasteWithMask(images: tf.Tensor4D, options: CutPasteAugmentOptions = {}): AugmentResult<CutPastePatch> {
  return run('cutPasteWithMask', images, options, true) as AugmentResult<CutPastePatch>;
}

function run(op: string, images: tf.Tensor4D, options: CutPasteAugmentOptions, withMask: boolean) {
  const shape = checkImages(op, images);
  checkKeys(op, options, CUT_PASTE_KEYS);
  const settings = resolveCutPaste(op, options);
  const src = readPixels(op, images, shape).data;
  const out = src.slice();
  const masks = withMask ? new Float32Array(shape.batch * shape.height * shape.width) : undefined;
  const patches = applyCutPaste(settings, shape, src, out, masks);
  return { images: upload(out, shape), masks: masks && upload(masks, shape, 1), patches };
}
