import * as tf from '@tensorflow/tfjs-core';
import { checkPixelBatch, type ImageShape, type PixelBatch } from './pixels/pixelBatch';
import { show } from './validate';

/** An augmented batch with the masks of what changed and the parameters drawn per image. */
export interface AugmentResult<P> {
  /** The augmented images [batch, height, width, channels] (a new tensor, owned by the caller). */
  images: tf.Tensor4D;
  /** 1 where a pixel was pasted or filled, 0 elsewhere [batch, height, width, 1] (owned by the caller). */
  masks: tf.Tensor4D;
  /** The parameters drawn for each image, in batch order. */
  patches: P[];
}

/**
 * Checks a batch of images: a float32 `tf.Tensor4D` [batch, height, width, channels] with 1 or 3
 * channels and no empty dimension. Pixel values are checked by {@link readPixels}, which reads them. Internal.
 */
export function checkImages(op: string, images: unknown, name = 'images'): ImageShape {
  if (!(images instanceof tf.Tensor)) {
    throw new TypeError(`${op}: ${name} must be a tf.Tensor4D [batch, height, width, channels], got ${show(images)}`);
  }
  const shape: readonly number[] = (images as tf.Tensor).shape; // `instanceof` alone gives Tensor<any>
  if (images.rank !== 4) {
    throw new RangeError(`${op}: ${name} must have rank 4 [batch, height, width, channels], got shape [${shape.join(', ')}]`);
  }
  if (images.dtype !== 'float32') {
    throw new TypeError(`${op}: ${name} must be float32 (values in [0, 1]), got ${images.dtype}`);
  }
  const [batch, height, width, channels] = shape as [number, number, number, number];
  if (channels !== 1 && channels !== 3) {
    throw new RangeError(`${op}: ${name} must have 1 or 3 channels, got ${channels} (shape [${shape.join(', ')}])`);
  }
  if (batch < 1 || height < 1 || width < 1) {
    throw new RangeError(`${op}: ${name} must not be empty, got shape [${shape.join(', ')}]`);
  }
  return { batch, height, width, channels };
}

/**
 * The pixels of a checked image tensor, read once with `dataSync`, checked to be finite (NaN or
 * Infinity throws a RangeError naming `op`). The array may be the backend's own storage (cpu) or its
 * cache (webgl): read only. Internal.
 */
export function readPixels(op: string, images: tf.Tensor4D, shape: ImageShape): PixelBatch {
  const data = images.dataSync() as Float32Array;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) throw new RangeError(`${op}: images must hold finite pixels, got ${data[i]} at index ${i}`);
  }
  return { data, ...shape };
}

/**
 * Downloads a float32 image tensor into a new {@link PixelBatch} (a copy: writing to it never
 * changes the tensor). Synchronous (`dataSync`): on GPU backends this waits for the GPU, and on
 * webgpu synchronous reads are slow and print a warning.
 *
 * @param images [batch, height, width, channels], float32. Not disposed.
 * @example
 * const pixels = pixelsFromTensor(images); // { data: Float32Array, batch, height, width, channels }
 */
export function pixelsFromTensor(images: tf.Tensor4D): PixelBatch {
  const op = 'pixelsFromTensor';
  if (!(images instanceof tf.Tensor) || images.rank !== 4 || images.dtype !== 'float32') {
    throw new TypeError(`${op}: images must be a float32 tf.Tensor4D [batch, height, width, channels], got ${show(images)}`);
  }
  const [batch, height, width, channels] = images.shape;
  if (batch < 1 || height < 1 || width < 1 || channels < 1) {
    throw new RangeError(`${op}: images must not be empty, got shape [${images.shape.join(', ')}]`);
  }
  return { data: Float32Array.from(images.dataSync() as Float32Array), batch, height, width, channels };
}

/**
 * Uploads a {@link PixelBatch} as one float32 tensor [batch, height, width, channels] (owned by the
 * caller). As with any `tf.tensor`, some backends (cpu, webgl before first use) keep `pixels.data`
 * itself rather than a copy: do not write to it while the tensor lives.
 *
 * @example
 * const x = tensorFromPixels(cutPastePixels(originals, { rng })); // one upload
 */
export function tensorFromPixels(pixels: PixelBatch): tf.Tensor4D {
  const { batch, height, width, channels } = checkPixelBatch('tensorFromPixels', pixels, 'pixels', false);
  return tf.tensor4d(pixels.data, [batch, height, width, channels]);
}

/** Uploads `data` as a float32 tensor [batch, height, width, channels] (`channels` overrides the shape's). Internal. */
export function upload(data: Float32Array, shape: ImageShape, channels = shape.channels): tf.Tensor4D {
  return tf.tensor4d(data, [shape.batch, shape.height, shape.width, channels]);
}
