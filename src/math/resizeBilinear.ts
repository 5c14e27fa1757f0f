import { checkArrayLike, checkFiniteArray, checkLength, checkPositiveInteger } from './validate';

/**
 * Bilinear resize of a single-channel map with half-pixel centres: the same as PyTorch's
 * `F.interpolate(x, size=(outHeight, outWidth), mode='bilinear', align_corners=False)` (no antialias)
 * and tfjs' `resizeBilinear(…, alignCorners=false, halfPixelCenters=true)`. Source coordinate
 * `(dst + 0.5)·(in/out) − 0.5`, clamped at 0; the right/bottom neighbour is clamped to the last pixel.
 * Downscaling does not average (no antialias), as in PyTorch.
 *
 * @param map `[height, width]` row-major, finite
 * @returns a new Float32Array `[outHeight, outWidth]`
 * @example
 * const full = resizeBilinear(patchScores, 57, 57, 256, 256);
 */
export function resizeBilinear(map: ArrayLike<number>, height: number, width: number, outHeight: number, outWidth: number): Float32Array {
  const fn = 'resizeBilinear';
  checkPositiveInteger(fn, 'height', height);
  checkPositiveInteger(fn, 'width', width);
  checkPositiveInteger(fn, 'outHeight', outHeight);
  checkPositiveInteger(fn, 'outWidth', outWidth);
  checkArrayLike(fn, 'map', map);
  checkLength(fn, 'map', map, height * width, `height × width = ${height} × ${width} = ${height * width}`);
  checkFiniteArray(fn, 'map', map);
  const ys = sourceTaps(height, outHeight);
  const xs = sourceTaps(width, outWidth);
  const out = new Float32Array(outHeight * outWidth);
  for (let oy = 0; oy < outHeight; oy++) {
    const r0 = ys.i0[oy]! * width;
    const r1 = ys.i1[oy]! * width;
    const wy1 = ys.w1[oy]!;
    const wy0 = 1 - wy1;
    const o = oy * outWidth;
    for (let ox = 0; ox < outWidth; ox++) {
      const c0 = xs.i0[ox]!;
      const c1 = xs.i1[ox]!;
      const wx1 = xs.w1[ox]!;
      const wx0 = 1 - wx1;
      out[o + ox] = wy0 * (wx0 * map[r0 + c0]! + wx1 * map[r0 + c1]!) + wy1 * (wx0 * map[r1 + c0]! + wx1 * map[r1 + c1]!);
    }
  }
  return out;
}

/** Per output index: the two source indices and the weight of the second (PyTorch's align_corners=False rule). */
function sourceTaps(inSize: number, outSize: number): { i0: Int32Array; i1: Int32Array; w1: Float64Array } {
  const scale = inSize / outSize;
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w1 = new Float64Array(outSize);
  for (let o = 0; o < outSize; o++) {
    let src = scale * (o + 0.5) - 0.5;
    if (src < 0) src = 0;
    const lo = Math.min(Math.floor(src), inSize - 1);
    i0[o] = lo;
    i1[o] = lo < inSize - 1 ? lo + 1 : lo;
    w1[o] = src - lo;
  }
  return { i0, i1, w1 };
}
