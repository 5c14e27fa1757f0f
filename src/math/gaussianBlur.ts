import { checkArrayLike, checkFiniteArray, checkLength, checkNonNegativeInteger, checkPositiveInteger, checkSigma } from './validate';

/** Kernel half-width in standard deviations, as scipy.ndimage's default `truncate=4.0`. */
export const GAUSSIAN_TRUNCATE = 4;

/**
 * A normalised 1-D Gaussian kernel of length `2·radius + 1`, centred, summing to 1: scipy.ndimage's
 * `_gaussian_kernel1d(sigma, 0, radius)`. Sigma 0 gives `[1]`.
 *
 * @param sigma standard deviation in pixels, finite, ≥ 0
 * @param radius half-width in pixels (default `floor(4·sigma + 0.5)`, scipy's rounding of `truncate·sigma`)
 * @example
 * gaussianKernel1d(1); // Float64Array(9) [0.000134, 0.00443, 0.054, 0.242, 0.399, 0.242, …]
 */
export function gaussianKernel1d(sigma: number, radius?: number): Float64Array {
  const fn = 'gaussianKernel1d';
  checkSigma(fn, sigma);
  const r = radius === undefined ? defaultRadius(sigma) : checkNonNegativeInteger(fn, 'radius', radius);
  if (sigma === 0) {
    const delta = new Float64Array(2 * r + 1);
    delta[r] = 1;
    return delta;
  }
  const kernel = new Float64Array(2 * r + 1);
  const a = -0.5 / (sigma * sigma);
  let sum = 0;
  for (let i = -r; i <= r; i++) {
    const v = Math.exp(a * i * i);
    kernel[i + r] = v;
    sum += v;
  }
  for (let i = 0; i < kernel.length; i++) kernel[i]! /= sum;
  return kernel;
}

function defaultRadius(sigma: number): number {
  return Math.floor(GAUSSIAN_TRUNCATE * sigma + 0.5);
}

/**
 * Gaussian blur of a score map, separable (vertical then horizontal pass, Float64 in between):
 * `scipy.ndimage.gaussian_filter(map, sigma, mode='reflect', truncate=4.0)`, i.e. borders mirrored
 * half-sample symmetrically (`d c b a | a b c d | d c b a`). Sigma 0 returns a copy.
 *
 * @param map `[height, width]` row-major, finite
 * @param sigma standard deviation in pixels, finite, ≥ 0 (the same on both axes)
 * @returns a new Float32Array `[height, width]`
 * @example
 * const smooth = gaussianBlur(scoreMap, 256, 320, 4);
 */
export function gaussianBlur(map: ArrayLike<number>, height: number, width: number, sigma: number): Float32Array {
  const fn = 'gaussianBlur';
  checkPositiveInteger(fn, 'height', height);
  checkPositiveInteger(fn, 'width', width);
  checkSigma(fn, sigma);
  checkArrayLike(fn, 'map', map);
  checkLength(fn, 'map', map, height * width, `height × width = ${height} × ${width} = ${height * width}`);
  checkFiniteArray(fn, 'map', map);
  const radius = defaultRadius(sigma);
  if (sigma === 0 || radius === 0) return Float32Array.from(map);
  const kernel = gaussianKernel1d(sigma, radius);
  const taps = kernel.length;

  // Vertical pass: whole rows at a time (contiguous), source rows chosen by reflection.
  const rowsOf = reflectedIndices(height, radius);
  const mid = new Float64Array(height * width);
  for (let y = 0; y < height; y++) {
    const o = y * width;
    for (let t = 0; t < taps; t++) {
      const w = kernel[t]!;
      const s = rowsOf[y + t]! * width;
      for (let x = 0; x < width; x++) mid[o + x]! += w * map[s + x]!;
    }
  }
  // Horizontal pass: each row copied into a reflected, padded line, then correlated.
  const colsOf = reflectedIndices(width, radius);
  const line = new Float64Array(width + 2 * radius);
  const out = new Float32Array(height * width);
  for (let y = 0; y < height; y++) {
    const o = y * width;
    for (let i = 0; i < line.length; i++) line[i] = mid[o + colsOf[i]!]!;
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let t = 0; t < taps; t++) s += kernel[t]! * line[x + t]!;
      out[o + x] = s;
    }
  }
  return out;
}

/** For i in [−radius, n + radius): the source index under scipy's 'reflect' mode, stored at i + radius. */
function reflectedIndices(n: number, radius: number): Int32Array {
  const out = new Int32Array(n + 2 * radius);
  const period = 2 * n;
  for (let i = -radius; i < n + radius; i++) {
    let j = ((i % period) + period) % period;
    if (j >= n) j = period - 1 - j;
    out[i + radius] = j;
  }
  return out;
}
