import * as tf from '@tensorflow/tfjs-core';
import { StateError } from '../errors';
import { capText, describeValue } from '../math/validate';

/**
 * One image as plain pixels, row-major `height × width × channels`. `Uint8Array`/`Uint8ClampedArray`
 * values are 0–255; `Float32Array` values are in [0, 1]. 4 channels (RGBA, e.g. a canvas `ImageData`)
 * drop the alpha channel. When `channels` is omitted it is `data.length / (width × height)`.
 */
export interface RawImage {
  data: Uint8Array | Uint8ClampedArray | Float32Array;
  width: number;
  height: number;
  channels?: 1 | 3 | 4;
}

/** One image: a `tf.Tensor3D` `[height, width, channels]` (float in [0, 1] or int 0–255) or a `RawImage`. */
export type ImageInput = tf.Tensor3D | RawImage;

/**
 * Images for `fit`/`score`: a `tf.Tensor4D` `[count, height, width, channels]` (float32 in [0, 1]) or
 * an array of single images, each of any size.
 */
export type ImagesInput = tf.Tensor4D | readonly ImageInput[];

/** What `toModelInput` returns: the batch at model resolution and each image's own size. */
export interface ModelInput {
  /** `[count, height, width, channels]` float32 in [0, 1] at the requested size. Caller disposes. */
  images: tf.Tensor4D;
  /** `[height, width]` of each input image before resizing. */
  sizes: [number, number][];
}

/** Number of images in an `ImagesInput`, validating its outer shape. */
export function countImages(input: ImagesInput, where: string): number {
  if (input instanceof tf.Tensor) {
    checkNotDisposed(input, where, 'images');
    if (input.rank !== 4) {
      throw new TypeError(
        `${where}: images must be a tf.Tensor4D [count, height, width, channels] or an array of images, got a tensor of rank ${input.rank}`,
      );
    }
    return input.shape[0];
  }
  if (!Array.isArray(input)) {
    throw new TypeError(
      `${where}: images must be a tf.Tensor4D or an array of images (tf.Tensor3D or { data, width, height, channels }), got ${describe(input)}`,
    );
  }
  return input.length;
}

/**
 * Converts user images to one float32 batch `[count, size[0], size[1], channels]` in [0, 1]:
 * uint8 scaled by 1/255, RGBA → RGB, gray ↔ RGB (luma BT.601 for RGB → gray), bilinear resize
 * (half-pixel centres). Checks ranks, dtypes (float32 or int32), channel counts, sizes and that every pixel is finite.
 * The caller's tensors are never disposed.
 *
 * @param where Prefix of error messages (e.g. `CutPasteDetector.fit`).
 * @param indexOffset Added to image indices in error messages (when `input` is a slice of a larger set).
 */
export async function toModelInput(
  input: ImagesInput,
  size: readonly [number, number],
  channels: number,
  where: string,
  indexOffset = 0,
): Promise<ModelInput> {
  const count = countImages(input, where);
  if (count === 0) throw new RangeError(`${where}: images is empty; at least one image is required`);
  if (input instanceof tf.Tensor) {
    checkDtype(input, where, 'images');
    checkChannels(input.shape[3], where, 'images');
    checkNotEmpty(input, where, 'images');
    await checkFinite(input, where, 'images');
    const images = tf.tidy(() => resizeTo(toFloat(input as tf.Tensor4D), size, channels));
    return { images, sizes: Array.from({ length: count }, (): [number, number] => [input.shape[1], input.shape[2]]) };
  }
  const sizes: [number, number][] = [];
  const parts: tf.Tensor4D[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const image = input[i]!;
      const index = indexOffset + i;
      const tensor = image instanceof tf.Tensor ? await checkTensor3D(image, where, index) : fromRaw(image, where, index);
      sizes.push([tensor.shape[0], tensor.shape[1]]);
      parts.push(
        tf.tidy(() => {
          const batch = tf.expandDims(toFloat(tensor), 0) as tf.Tensor4D;
          return resizeTo(batch, size, channels);
        }),
      );
      if (tensor !== image) tensor.dispose();
    }
    const images = parts.length === 1 ? parts[0]! : (tf.concat(parts, 0) as tf.Tensor4D);
    if (parts.length > 1) tf.dispose(parts);
    return { images, sizes };
  } catch (error) {
    tf.dispose(parts);
    throw error;
  }
}

async function checkTensor3D(image: tf.Tensor, where: string, index: number): Promise<tf.Tensor3D> {
  checkNotDisposed(image, where, `images[${index}]`);
  if (image.rank !== 3) {
    throw new TypeError(`${where}: images[${index}] must be a tf.Tensor3D [height, width, channels], got rank ${image.rank}`);
  }
  checkDtype(image, where, `images[${index}]`);
  checkChannels(image.shape[2]!, where, `images[${index}]`);
  checkNotEmpty(image, where, `images[${index}]`);
  await checkFinite(image, where, `images[${index}]`);
  return image as tf.Tensor3D;
}

function fromRaw(image: RawImage, where: string, index: number): tf.Tensor3D {
  const name = `images[${index}]`;
  if (image === null || typeof image !== 'object' || !('data' in image)) {
    throw new TypeError(`${where}: ${name} must be a tf.Tensor3D or { data, width, height, channels }, got ${describe(image)}`);
  }
  const { data, width, height } = image;
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray || data instanceof Float32Array)) {
    throw new TypeError(`${where}: ${name}.data must be a Uint8Array, Uint8ClampedArray or Float32Array, got ${describe(data)}`);
  }
  for (const [key, value] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`${where}: ${name}.${key} must be an integer ≥ 1, got ${String(value)}`);
    }
  }
  const channels = image.channels ?? data.length / (width * height);
  if (image.channels === undefined && !Number.isInteger(channels)) {
    throw new RangeError(
      `${where}: ${name}.data has length ${data.length}, which is not height × width × channels for ${height}×${width} with 1, 3 or 4 channels`,
    );
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new RangeError(
      `${where}: ${name} has ${channels} channels (data.length ${data.length} for ${width}×${height}); allowed: 1, 3 or 4`,
    );
  }
  if (data.length !== width * height * channels) {
    throw new RangeError(
      `${where}: ${name}.data has length ${data.length}, expected height × width × channels = ${height * width * channels}`,
    );
  }
  if (data instanceof Float32Array) {
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i]!)) {
        throw new RangeError(`${where}: ${name}.data[${i}] is ${data[i]}; pixels must be finite`);
      }
    }
  }
  return tf.tidy(() => {
    const t =
      data instanceof Float32Array
        ? tf.tensor3d(data, [height, width, channels], 'float32')
        : tf.tensor3d(Int32Array.from(data), [height, width, channels], 'int32');
    return channels === 4 ? (tf.slice(t, [0, 0, 0], [height, width, 3]) as tf.Tensor3D) : t;
  });
}

/** A disposed tensor keeps its shape but not its data: refused by name before anything reads it. */
function checkNotDisposed(t: tf.Tensor, where: string, name: string): void {
  if (t.isDisposed)
    throw new StateError(`${where}: ${name} is a disposed tensor; pass images that are not disposed before the call returns`);
}

/** A height or width of 0 (the batch size is checked by the callers, as "images is empty"). */
function checkNotEmpty(t: tf.Tensor, where: string, name: string): void {
  const [height, width] = t.shape.slice(-3, -1) as [number, number];
  if (height === 0 || width === 0) {
    throw new RangeError(
      `${where}: ${name} has ${height === 0 ? 'height' : 'width'} 0 (shape [${t.shape.join(', ')}]); height and width must be ≥ 1`,
    );
  }
}

function checkDtype(t: tf.Tensor, where: string, name: string): void {
  if (t.dtype !== 'float32' && t.dtype !== 'int32') {
    throw new TypeError(`${where}: ${name} must be float32 (values in [0, 1]) or int32 (0–255), got ${t.dtype}`);
  }
}

function checkChannels(channels: number, where: string, name: string): void {
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new RangeError(`${where}: ${name} has ${channels} channels; allowed: 1 (gray), 3 (RGB) or 4 (RGBA)`);
  }
}

async function checkFinite(t: tf.Tensor, where: string, name: string): Promise<void> {
  if (t.dtype !== 'float32') return;
  const flag = tf.tidy(() => tf.all(tf.isFinite(t)));
  const ok = (await flag.data())[0];
  flag.dispose();
  if (!ok) throw new RangeError(`${where}: ${name} contains NaN or Infinity; pixels must be finite`);
}

/** int (0–255) → float [0, 1]; float stays; RGBA → RGB. */
function toFloat<T extends tf.Tensor3D | tf.Tensor4D>(t: T): T {
  let x: tf.Tensor = t.dtype === 'float32' ? t : tf.div(tf.cast(t, 'float32'), 255);
  const c = x.shape[x.rank - 1]!;
  if (c === 4) {
    const begin = new Array<number>(x.rank).fill(0);
    const size = [...x.shape.slice(0, -1), 3];
    x = tf.slice(x, begin, size);
  }
  return x as T;
}

function resizeTo(batch: tf.Tensor4D, size: readonly [number, number], channels: number): tf.Tensor4D {
  let x = batch;
  if (x.shape[1] !== size[0] || x.shape[2] !== size[1]) {
    x = tf.image.resizeBilinear(x, [size[0], size[1]], false, true);
  }
  const c = x.shape[3];
  if (c === channels) return x === batch ? tf.clone(x) : x;
  if (c === 1 && channels === 3) return tf.tile(x, [1, 1, 1, 3]);
  if (c === 3 && channels === 1) return tf.sum(tf.mul(x, tf.tensor1d([0.299, 0.587, 0.114])), 3, true) as tf.Tensor4D;
  throw new RangeError(`cannot convert ${c}-channel images to ${channels} channels`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'object') return value.constructor?.name ?? 'an object';
  return capText(`${typeof value} ${typeof value === 'string' ? value : describeValue(value)}`);
}
