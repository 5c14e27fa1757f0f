/** Fixed-point precision of Pillow's 8-bit resampler (`Resample.c`: 32 − 8 − 2). */
const PRECISION_BITS = 22;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);

/** Per output pixel: first source index, tap count and fixed-point weights (Pillow's `precompute_coeffs`, BOX filter). */
function boxCoefficients(inSize: number, outSize: number): { first: Int32Array; count: Int32Array; weights: Int32Array; taps: number } {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 0.5 * filterScale;
  const taps = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * taps);
  const k = new Float64Array(taps);
  const ss = 1 / filterScale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const t = (x + xmin - center + 0.5) * ss;
      const w = t > -0.5 && t <= 0.5 ? 1 : 0;
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < xmax; x++) {
      const w = ww !== 0 ? k[x]! / ww : k[x]!;
      weights[xx * taps + x] = Math.trunc(w < 0 ? -0.5 + w * ONE : 0.5 + w * ONE);
    }
    first[xx] = xmin;
    count[xx] = xmax;
  }
  return { first, count, weights, taps };
}

const clip8 = (sum: number): number => {
  const v = sum >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
};

/**
 * Area-average (box filter) resize of a single-channel 8-bit image, bit-identical to Pillow's
 * `Image.resize(size, Image.BOX)` on an `L` image: a horizontal pass then a vertical pass, each
 * averaging the source pixels whose centres fall inside the output pixel's footprint, in Pillow's
 * 22-bit fixed point with rounding to 8 bits between the passes. Used for masks (then thresholded
 * at 128), the way MVTec AD masks are commonly downscaled.
 *
 * @param data `[height, width]` row-major, 0–255
 * @returns a new Uint8Array `[outHeight, outWidth]`
 * @example
 * const small = resizeBox(mask, 900, 900, 256, 256);
 */
export function resizeBox(data: Uint8Array, height: number, width: number, outHeight: number, outWidth: number): Uint8Array {
  for (const [name, value] of [
    ['height', height],
    ['width', width],
    ['outHeight', outHeight],
    ['outWidth', outWidth],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`resizeBox: ${name} must be a positive integer, got ${value}`);
  }
  if (data.length !== height * width) {
    throw new RangeError(`resizeBox: data must have length height × width = ${height * width}, got ${data.length}`);
  }
  let source = data;
  const rows = height;
  let cols = width;
  if (outWidth !== width) {
    const h = boxCoefficients(width, outWidth);
    const out = new Uint8Array(height * outWidth);
    for (let y = 0; y < height; y++) {
      const row = y * width;
      for (let xx = 0; xx < outWidth; xx++) {
        let sum = HALF;
        const first = row + h.first[xx]!;
        const base = xx * h.taps;
        for (let x = 0, n = h.count[xx]!; x < n; x++) sum += source[first + x]! * h.weights[base + x]!;
        out[y * outWidth + xx] = clip8(sum);
      }
    }
    source = out;
    cols = outWidth;
  }
  if (outHeight !== rows) {
    const v = boxCoefficients(rows, outHeight);
    const out = new Uint8Array(outHeight * cols);
    for (let yy = 0; yy < outHeight; yy++) {
      const first = v.first[yy]!;
      const base = yy * v.taps;
      const n = v.count[yy]!;
      for (let x = 0; x < cols; x++) {
        let sum = HALF;
        for (let y = 0; y < n; y++) sum += source[(first + y) * cols + x]! * v.weights[base + y]!;
        out[yy * cols + x] = clip8(sum);
      }
    }
    source = out;
  }
  return source === data ? data.slice() : source;
}
