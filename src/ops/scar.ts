import type * as tf from '@tensorflow/tfjs-core';
import { checkImages, readPixels, upload, type AugmentResult } from './pixelTensors';
import { applyScar, resolveScarOptions, SCAR_KEYS, type ScarOptions, type ScarPatch } from './pixels/scarPixels';
import { checkKeys } from './validate';

/**
 * Scar (DeVries & Taylor's Cutout as a thin rotated rectangle, the paper's baseline): in every image,
 * fill a scar-shaped region (as {@link cutPasteScar}) with one random constant color.
 *
 * Random draws, image by image: width, height, angle, top, left (of the bounding box), then one value
 * per channel.
 *
 * How it runs: read back once (`dataSync`), filled in JS by {@link scarPixels} (bit-identical) and
 * uploaded as one new tensor, on every backend (on GPU backends: a download and an upload per call).
 *
 * @param images [batch, height, width, channels], float32 in [0, 1], 1 or 3 channels. Not disposed.
 * @returns a new tensor [batch, height, width, channels]; pixels outside the scar are exact copies.
 * @throws RangeError when the largest allowed scar cannot fit in the images.
 * @example
 * const augmented = scar(images, { rng: createRng(0) });
 */
export function scar(images: tf.Tensor4D, options: ScarOptions = {}): tf.Tensor4D {
  return run('scar', images, options, false).images;
}

/**
 * {@link scar}, also returning the scars' masks [batch, height, width, 1] and the parameters drawn.
 *
 * @example
 * const { images: augmented, masks, patches } = scarWithMask(images, { rng: createRng(0) });
 */
export function scarWithMask(images: tf.Tensor4D, options: ScarOptions = {}): AugmentResult<ScarPatch> {
  return run('scarWithMask', images, options, true) as AugmentResult<ScarPatch>;
}

function run(op: string, images: tf.Tensor4D, options: ScarOptions, withMask: boolean) {
  const shape = checkImages(op, images);
  checkKeys(op, options, SCAR_KEYS);
  const settings = resolveScarOptions(op, options, shape);
  const out = readPixels(op, images, shape).data.slice();
  const masks = withMask ? new Float32Array(shape.batch * shape.height * shape.width) : undefined;
  const patches = applyScar(settings, shape, out, masks);
  return { images: upload(out, shape), masks: masks && upload(masks, shape, 1), patches };
}
