import { show } from '../validate';

/** The shape of a batch of images: [batch, height, width, channels]. */
export interface ImageShape {
  readonly batch: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/**
 * A batch of images in plain JS memory: `data` holds [batch, height, width, channels] row-major
 * (NHWC, the layout of a `tf.Tensor4D`), so pixel (b, y, x), channel c is at
 * `((b * height + y) * width + x) * channels + c`. Values are float32, in [0, 1] for the augmentations.
 *
 * The pixel functions (`cutPastePixels`, `colorJitterPixels`, …) take and return these without any
 * tfjs call: a training pipeline builds a whole batch in JS and uploads it once with
 * `tf.tensor4d(batch.data, [batch.batch, batch.height, batch.width, batch.channels])`.
 */
export interface PixelBatch extends ImageShape {
  /** The pixels, length batch · height · width · channels. */
  readonly data: Float32Array;
}

/**
 * A {@link PixelBatch} over `data` (not copied), or over a new zero-filled array when `data` is omitted.
 *
 * @param shape the batch's [batch, height, width, channels] (positive integers).
 * @param data optional pixels, length batch · height · width · channels; kept, not copied.
 * @throws RangeError when a dimension is not a positive integer or `data` has the wrong length.
 * @example
 * const images = createPixelBatch({ batch: 2, height: 64, width: 48, channels: 3 });
 * images.data[0] = 1; // red channel of the top-left pixel of image 0
 */
export function createPixelBatch(shape: ImageShape, data?: Float32Array): PixelBatch {
  const op = 'createPixelBatch';
  if (typeof shape !== 'object' || shape === null) {
    throw new TypeError(`${op}: shape must be { batch, height, width, channels }, got ${show(shape)}`);
  }
  for (const key of ['batch', 'height', 'width', 'channels'] as const) checkDimension(op, `shape.${key}`, shape[key]);
  const { batch, height, width, channels } = shape;
  const length = batch * height * width * channels;
  if (data === undefined) return { data: new Float32Array(length), batch, height, width, channels };
  if (!(data instanceof Float32Array)) throw new TypeError(`${op}: data must be a Float32Array, got ${show(data)}`);
  if (data.length !== length) {
    throw new RangeError(`${op}: data must have length batch · height · width · channels = ${length}, got ${data.length}`);
  }
  return { data, batch, height, width, channels };
}

function checkDimension(op: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`${op}: ${name} must be a positive integer, got ${show(value)}`);
  }
}

/**
 * Checks a {@link PixelBatch} argument (structure and length; pixel values are not read) and returns
 * its shape. With `colors`, the channels must be 1 or 3 (the augmentations' requirement). Internal.
 */
export function checkPixelBatch(op: string, value: unknown, name = 'images', colors = true): ImageShape {
  if (typeof value !== 'object' || value === null || !((value as PixelBatch).data instanceof Float32Array)) {
    throw new TypeError(`${op}: ${name} must be a PixelBatch { data: Float32Array, batch, height, width, channels }, got ${show(value)}`);
  }
  const v = value as PixelBatch;
  for (const key of ['batch', 'height', 'width', 'channels'] as const) checkDimension(op, `${name}.${key}`, v[key]);
  if (colors && v.channels !== 1 && v.channels !== 3) {
    throw new RangeError(`${op}: ${name} must have 1 or 3 channels, got ${v.channels}`);
  }
  const length = v.batch * v.height * v.width * v.channels;
  if (v.data.length !== length) {
    throw new RangeError(`${op}: ${name}.data must have length batch · height · width · channels = ${length}, got ${v.data.length}`);
  }
  return { batch: v.batch, height: v.height, width: v.width, channels: v.channels };
}

/**
 * The pixels an augmentation cuts its patches from: `source` when given (checked: a PixelBatch of
 * exactly `shape`, not overlapping `out`), else the images themselves. Internal.
 */
export function patchSource(op: string, source: unknown, images: PixelBatch, shape: ImageShape, out: Float32Array): Float32Array {
  if (source === undefined) return images.data;
  const s = checkPixelBatch(op, source, 'options.source');
  if (s.batch !== shape.batch || s.height !== shape.height || s.width !== shape.width || s.channels !== shape.channels) {
    throw new RangeError(
      `${op}: options.source must have the images' shape [${shape.batch}, ${shape.height}, ${shape.width}, ${shape.channels}], got [${s.batch}, ${s.height}, ${s.width}, ${s.channels}]`,
    );
  }
  const data = (source as PixelBatch).data;
  if (
    data.buffer === out.buffer &&
    data.byteOffset < out.byteOffset + out.byteLength &&
    out.byteOffset < data.byteOffset + data.byteLength
  ) {
    throw new RangeError(`${op}: options.source must not overlap the output`);
  }
  return data;
}

/**
 * The array an op writes its output into: `out` when given (checked: a Float32Array of `length`
 * values; it may be `input` itself only when `inPlace` is allowed, and must not overlap it otherwise),
 * else a new zero-filled array. Internal.
 */
export function outputArray(op: string, out: unknown, length: number, input: Float32Array, inPlace: boolean): Float32Array {
  if (out === undefined) return new Float32Array(length);
  if (!(out instanceof Float32Array)) throw new TypeError(`${op}: options.out must be a Float32Array, got ${show(out)}`);
  if (out.length !== length) {
    throw new RangeError(`${op}: options.out must have length ${length} (the output's size), got ${out.length}`);
  }
  if (out.buffer === input.buffer) {
    const same = out.byteOffset === input.byteOffset && out.length === input.length;
    const apart = out.byteOffset + out.byteLength <= input.byteOffset || input.byteOffset + input.byteLength <= out.byteOffset;
    if (!(apart || (same && inPlace))) {
      throw new RangeError(
        `${op}: options.out must not overlap the input's data` +
          (inPlace ? ' (except by being exactly the same array, to work in place)' : ''),
      );
    }
  }
  return out;
}
