/** Image options shared by the readers and loaders of `cutpaste/node`. */

/** An output size: one number for a square, or `[height, width]` in pixels. */
export type ImageSize = number | readonly [height: number, width: number];

/** An 8-bit image as the readers return it: row-major `height × width × channels`, 0–255. */
export interface LoadedImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3;
}

/** A received value for an error message: primitives as `String` writes them, objects by their kind (not `[object Object]`'s guess). */
function received(value: unknown): string {
  if (typeof value === 'object' && value !== null)
    return Array.isArray(value) ? `an array of length ${value.length}` : Object.prototype.toString.call(value);
  const primitive = value as string | number | boolean | bigint | symbol | undefined | null | (() => unknown);
  return typeof primitive === 'function' ? 'a function' : String(primitive);
}

/** Validates an `ImageSize`; `undefined` means native size. Returns `[height, width]` or null. */
export function resolveImageSize(value: unknown, fn: string, name: string): [number, number] | null {
  if (value === undefined) return null;
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65_535;
  if (ok(value)) return [value, value];
  if (Array.isArray(value) && value.length === 2 && ok(value[0]) && ok(value[1])) return [value[0], value[1]];
  const shown = Array.isArray(value) ? `[${value.map(received).join(', ')}]` : received(value);
  const error = typeof value === 'number' || Array.isArray(value) ? RangeError : TypeError;
  throw new error(`${fn}: ${name} must be an integer in [1, 65535] or [height, width] of such integers, got ${shown}`);
}

/**
 * Default largest image the readers decode, in pixels (width × height from the file's header):
 * 2²⁵ = 33,554,432, e.g. 8192 × 4096 or 5792 × 5792. That is twice a 4096 × 4096 industrial camera
 * image and 32 times an MVTec AD image (at most 1024 × 1024), while a file whose header claims, say,
 * 8000 × 8000 (a 64-megapixel "decompression bomb" can be a 60 KB PNG) is refused before decoding.
 * An RGB image at this size takes 100 MB when read at its own size; read at a model size (`size`,
 * `imageSize`) it is resized while it is decoded and never held at full size.
 */
export const DEFAULT_MAX_PIXELS = 2 ** 25;

/** Validates `maxPixels` (an integer ≥ 1); `undefined` means {@link DEFAULT_MAX_PIXELS}. */
export function resolveMaxPixels(value: unknown, fn: string, name: string): number {
  if (value === undefined) return DEFAULT_MAX_PIXELS;
  if (typeof value !== 'number')
    throw new TypeError(`${fn}: ${name} must be a number (an integer ≥ 1), got ${typeof value} ${received(value)}`);
  if (Number.isSafeInteger(value) && value >= 1) return value;
  throw new RangeError(
    `${fn}: ${name} must be an integer in [1, ${Number.MAX_SAFE_INTEGER}] (pixels, width × height), got ${String(value)}`,
  );
}

/** Validates a channel count (1 or 3); `undefined` keeps each file's own (gray → 1, colour → 3). */
export function resolveChannels(value: unknown, fn: string, name: string): 1 | 3 | null {
  if (value === undefined) return null;
  if (value === 1 || value === 3) return value;
  throw new RangeError(`${fn}: ${name} must be 1 (gray) or 3 (RGB), got ${received(value)}`);
}

/** Validates a batch size (an integer ≥ 1). */
export function resolveBatchSize(value: unknown, fn: string, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return value;
  throw new RangeError(`${fn}: ${name} must be an integer ≥ 1, got ${received(value)}`);
}

/**
 * Converts an 8-bit image between gray and RGB: gray → RGB repeats the channel; RGB → gray is the
 * BT.601 luma `0.299 R + 0.587 G + 0.114 B`, rounded (the detector's own conversion).
 */
export function convertChannels(image: LoadedImage, channels: 1 | 3 | null): LoadedImage {
  if (channels === null || channels === image.channels) return image;
  const n = image.width * image.height;
  const src = image.data;
  const data = new Uint8Array(n * channels);
  if (channels === 3) {
    for (let i = 0; i < n; i++) data[i * 3] = data[i * 3 + 1] = data[i * 3 + 2] = src[i]!;
  } else {
    for (let i = 0; i < n; i++) data[i] = Math.round(0.299 * src[i * 3]! + 0.587 * src[i * 3 + 1]! + 0.114 * src[i * 3 + 2]!);
  }
  return { data, width: image.width, height: image.height, channels };
}
