import { randomInt, type Rng } from '../../math/random';
import { checkKeys, checkNumber, resolveRng } from '../validate';
import { checkPixelBatch, outputArray, type ImageShape, type PixelBatch } from './pixelBatch';

/** Options of `randomTranslate` and {@link randomTranslatePixels}. */
export interface RandomTranslateOptions {
  /**
   * Largest shift as a fraction of each side: shifts are integers uniform in
   * [−floor(f·height), floor(f·height)] rows and [−floor(f·width), floor(f·width)] columns. 0 ≤ f < 1.
   * Default 0.1.
   */
  maxShift?: number;
  /**
   * How the uncovered border is filled: `'reflect'` mirrors the image about its edge pixel, which is
   * not repeated (… c b | a b c d | c b …, as numpy's and PyTorch's `reflect`); `'edge'` repeats the
   * edge pixel (a a | a b c d | d d). Default `'reflect'`.
   */
  border?: 'reflect' | 'edge';
  /** Uniform [0, 1) generator; default a fresh clock-seeded one per call (not reproducible). */
  rng?: Rng;
}

/** Options of {@link randomTranslatePixels}: those of `randomTranslate`, plus where to write. */
export interface RandomTranslatePixelsOptions extends RandomTranslateOptions {
  /** Where to write the output (same size as the input; must not overlap it). Default: a new array. */
  out?: Float32Array;
}

/** Option names of `randomTranslate` (the tensor op). */
export const RANDOM_TRANSLATE_KEYS = ['maxShift', 'border', 'rng'] as const;

/** Validated translation options. Internal. */
export interface RandomTranslateSettings {
  readonly maxShift: number;
  readonly border: 'reflect' | 'edge';
  readonly rng: Rng;
}

/** Validates randomTranslate options (keys are checked by the caller) and fills the defaults. Internal. */
export function resolveRandomTranslate(op: string, options: RandomTranslateOptions): RandomTranslateSettings {
  const maxShift =
    options.maxShift === undefined ? 0.1 : checkNumber(op, 'options.maxShift', options.maxShift, { min: 0, max: 1, maxInclusive: false });
  const border = options.border ?? 'reflect';
  if (border !== 'reflect' && border !== 'edge') {
    throw new RangeError(`${op}: options.border must be 'reflect' or 'edge', got ${JSON.stringify(border)}`);
  }
  return { maxShift, border, rng: resolveRng(op, options.rng) };
}

/** Where output coordinate `i` reads from, on an axis of `n` pixels shifted by `shift`. */
function sourceIndex(i: number, shift: number, n: number, border: 'reflect' | 'edge'): number {
  const j = i - shift;
  if (j >= 0 && j < n) return j;
  if (border === 'edge' || n === 1) return Math.min(n - 1, Math.max(0, j));
  const period = 2 * (n - 1);
  const k = ((j % period) + period) % period;
  return k < n ? k : period - k;
}

/**
 * Shifts every image of `src` into `dst` (same size, not overlapping): per image, draws the row
 * shift then the column shift; per output row, one contiguous copy of the covered columns plus the
 * border pixels one by one. Internal.
 */
export function applyRandomTranslate(settings: RandomTranslateSettings, shape: ImageShape, src: Float32Array, dst: Float32Array): void {
  const { batch, height: H, width: W, channels: C } = shape;
  const { border, rng } = settings;
  const maxRows = Math.floor(settings.maxShift * H);
  const maxCols = Math.floor(settings.maxShift * W);
  const cols = new Int32Array(W);
  const rowLength = W * C;
  for (let b = 0; b < batch; b++) {
    const dy = randomInt(rng, -maxRows, maxRows);
    const dx = randomInt(rng, -maxCols, maxCols);
    for (let x = 0; x < W; x++) cols[x] = sourceIndex(x, dx, W, border);
    // Output columns [x0, x1) read columns [x0 − dx, x1 − dx) of the same source row.
    const x0 = Math.max(0, dx);
    const x1 = Math.min(W, W + dx);
    const image = b * H * rowLength;
    for (let y = 0; y < H; y++) {
      const from = image + sourceIndex(y, dy, H, border) * rowLength;
      const to = image + y * rowLength;
      if (x1 > x0) dst.set(src.subarray(from + (x0 - dx) * C, from + (x1 - dx) * C), to + x0 * C);
      for (let x = 0; x < x0; x++) for (let c = 0; c < C; c++) dst[to + x * C + c] = src[from + cols[x]! * C + c]!;
      for (let x = x1; x < W; x++) for (let c = 0; c < C; c++) dst[to + x * C + c] = src[from + cols[x]! * C + c]!;
    }
  }
}

/**
 * Shifts every image of a {@link PixelBatch} by its own random integer offset (the paper's
 * "translation" applied before CutPaste), in plain JS; pixels are exact copies. A positive shift
 * moves the content down / right. The same options and seed give the same output as the tensor op
 * `randomTranslate`.
 *
 * Random draws, image by image: row shift, then column shift.
 *
 * @param images [batch, height, width, channels] (any channel count ≥ 1). Not modified.
 * @returns the shifted batch (its `data` is `options.out` when given, which must not overlap the input).
 * @example
 * const shifted = randomTranslatePixels(originals, { maxShift: 0.1, rng: createRng(0) });
 */
export function randomTranslatePixels(images: PixelBatch, options: RandomTranslatePixelsOptions = {}): PixelBatch {
  const op = 'randomTranslatePixels';
  const shape = checkPixelBatch(op, images, 'images', false);
  checkKeys(op, options, [...RANDOM_TRANSLATE_KEYS, 'out']);
  const settings = resolveRandomTranslate(op, options);
  const out = outputArray(op, options.out, images.data.length, images.data, false);
  applyRandomTranslate(settings, shape, images.data, out);
  return { data: out, ...shape };
}
