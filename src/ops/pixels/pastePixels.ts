import { jitterPixels, type JitterParams } from '../jitter';
import type { ImageShape, PixelBatch } from './pixelBatch';

/**
 * An augmented {@link PixelBatch} with the masks of what changed and the parameters drawn per image
 * (what the `…PixelsWithMask` functions return).
 */
export interface PixelAugmentResult<P> {
  /** The augmented images [batch, height, width, channels]. */
  images: PixelBatch;
  /** 1 where a pixel was pasted or filled, 0 elsewhere [batch, height, width, 1]. */
  masks: PixelBatch;
  /** The parameters drawn for each image, in batch order. */
  patches: P[];
}

/** A top-left corner in pixels. */
export interface Corner {
  top: number;
  left: number;
}

// Internal machinery of the paste family (cutPaste, cutPasteScar, cutout, scar) on typed arrays.
// Every function writes image `image` of `dst`, which the caller has already filled with a copy of
// the source images (or which is the source itself, when working in place). Pixel indices within an
// image are `row * width + col`.

/**
 * Copies the height × width rectangle at `source` of image `image` of `src` to `target` in `dst`,
 * jittered with `jitter` when given (torchvision semantics, contrast about the patch's mean grey).
 * Rows are copied whole; `src` may be `dst` (the patch is then buffered first).
 */
export function pasteRectangle(
  src: Float32Array,
  dst: Float32Array,
  shape: ImageShape,
  image: number,
  source: Corner,
  target: Corner,
  height: number,
  width: number,
  jitter?: JitterParams,
): void {
  const { height: H, width: W, channels: C } = shape;
  const base = image * H * W * C;
  const row = width * C;
  const from = (y: number): number => base + ((source.top + y) * W + source.left) * C;
  const to = (y: number): number => base + ((target.top + y) * W + target.left) * C;
  if (!jitter && src !== dst) {
    for (let y = 0; y < height; y++) dst.set(src.subarray(from(y), from(y) + row), to(y));
    return;
  }
  const patch = new Float32Array(height * row);
  for (let y = 0; y < height; y++) patch.set(src.subarray(from(y), from(y) + row), y * row);
  if (jitter) jitterPixels(patch, [1, height * width, C], [jitter]);
  for (let y = 0; y < height; y++) dst.set(patch.subarray(y * row, (y + 1) * row), to(y));
}

/**
 * Copies pixel `source[k]` of image `image` of `src` to pixel `target[k]` in `dst`, for every k,
 * jittered with `jitter` when given (the contrast mean over the copied pixels, in `target` order).
 * The pixels are gathered first, so `src` may be `dst`.
 */
export function pastePixelList(
  src: Float32Array,
  dst: Float32Array,
  shape: ImageShape,
  image: number,
  source: Int32Array,
  target: Int32Array,
  jitter?: JitterParams,
): void {
  const { height: H, width: W, channels: C } = shape;
  const base = image * H * W;
  const n = target.length;
  const values = new Float32Array(n * C);
  if (C === 1) {
    for (let k = 0; k < n; k++) values[k] = src[base + source[k]!]!;
  } else {
    for (let k = 0, o = 0; k < n; k++) {
      const s = (base + source[k]!) * C;
      for (let c = 0; c < C; c++) values[o++] = src[s + c]!;
    }
  }
  if (jitter) jitterPixels(values, [1, n, C], [jitter]);
  if (C === 1) {
    for (let k = 0; k < n; k++) dst[base + target[k]!] = values[k]!;
  } else {
    for (let k = 0, o = 0; k < n; k++) {
      const t = (base + target[k]!) * C;
      for (let c = 0; c < C; c++) dst[t + c] = values[o++]!;
    }
  }
}

/** Fills the height × width rectangle at `target` of image `image` of `dst` with `color` (one value per channel). */
export function fillRectangle(
  dst: Float32Array,
  shape: ImageShape,
  image: number,
  target: Corner,
  height: number,
  width: number,
  color: readonly number[],
): void {
  const { height: H, width: W, channels: C } = shape;
  const first = (image * H * W + target.top * W + target.left) * C;
  const row = width * C;
  // The first row pixel by pixel, the others as copies of it.
  for (let k = 0; k < row; k++) dst[first + k] = color[k % C]!;
  for (let y = 1; y < height; y++) dst.copyWithin(first + y * W * C, first, first + row);
}

/** Fills pixels `target` of image `image` of `dst` with `color` (one value per channel). */
export function fillPixelList(dst: Float32Array, shape: ImageShape, image: number, target: Int32Array, color: readonly number[]): void {
  const { height: H, width: W, channels: C } = shape;
  const base = image * H * W;
  const value = Float32Array.from(color);
  for (let k = 0; k < target.length; k++) {
    const t = (base + target[k]!) * C;
    for (let c = 0; c < C; c++) dst[t + c] = value[c]!;
  }
}

/** Sets the height × width rectangle at `target` of image `image` of a [batch, H, W, 1] mask to 1. */
export function maskRectangle(mask: Float32Array, shape: ImageShape, image: number, target: Corner, height: number, width: number): void {
  const { height: H, width: W } = shape;
  for (let y = 0; y < height; y++) {
    const start = image * H * W + (target.top + y) * W + target.left;
    mask.fill(1, start, start + width);
  }
}

/** Sets pixels `target` of image `image` of a [batch, H, W, 1] mask to 1. */
export function maskPixelList(mask: Float32Array, shape: ImageShape, image: number, target: Int32Array): void {
  const base = image * shape.height * shape.width;
  for (let k = 0; k < target.length; k++) mask[base + target[k]!] = 1;
}

/** The result object of a `…PixelsWithMask` function. */
export function pixelResult<P>(shape: ImageShape, images: Float32Array, masks: Float32Array, patches: P[]): PixelAugmentResult<P> {
  return {
    images: { data: images, ...shape },
    masks: { data: masks, batch: shape.batch, height: shape.height, width: shape.width, channels: 1 },
    patches,
  };
}

/**
 * Moves pixel indices of a `stride`-wide local grid (`row * stride + col`, as `rasterizeScar` returns
 * them) into a `width`-wide image, the grid's top-left corner at `corner`.
 */
export function placePixelList(local: Int32Array, stride: number, corner: Corner, width: number): Int32Array {
  const out = new Int32Array(local.length);
  for (let k = 0; k < local.length; k++) {
    const p = local[k]!;
    const row = Math.floor(p / stride);
    out[k] = (corner.top + row) * width + corner.left + (p - row * stride);
  }
  return out;
}
