import { wasmKernels, type WasmKernels } from './wasmKernels';

/** Data rows solved together: each loaded element of L feeds this many products. */
const ROWS = 4;

/**
 * Squared Mahalanobis distances `‖L⁻¹(x − μ)‖²` of the rows of a row-major `[rows, d]` matrix, where L is
 * the lower Cholesky factor of the covariance (row-major `[d, d]`). No inverse is formed: each row is
 * centred and forward-substituted, and the squares of the solution are summed on the fly.
 *
 * Blocked for throughput: 4 data rows are solved at once against 2 rows of L, with the partial
 * solutions interleaved (`y[k·4 + r]`) so the inner loop reads two L values and four y values
 * contiguously per step and performs 8 multiply-adds, all in Float64. ≈ n·d²/2 multiply-adds.
 * Where WebAssembly SIMD is available the same algorithm runs in the `trsm` kernel (8 rows × 2 rows of L,
 * f64x2 lanes), see wasmKernels.ts. No argument checks: callers validate (see `GaussianDensity.scoreMatrix`).
 *
 * @param l2Normalize divide each row by its L2 norm before centring (a zero row stays zero), without a copy
 * @param out `[rows]` receives the distances (allocated when omitted)
 */
export function squaredMahalanobisUnchecked(
  lower: Float64Array,
  mean: Float64Array,
  data: Float32Array | Float64Array,
  rows: number,
  d: number,
  l2Normalize = false,
  out: Float64Array = new Float64Array(rows),
): Float64Array {
  const kernels = wasmKernels();
  if (kernels && rows > 0) return scoreWasm(kernels, lower, mean, data, rows, d, l2Normalize, out);
  const y = new Float64Array(d * ROWS);
  for (let r0 = 0; r0 < rows; r0 += ROWS) {
    const rb = Math.min(ROWS, rows - r0);
    for (let r = 0; r < ROWS; r++) {
      // Short last block: repeat its last row (solved, then discarded).
      const src = (r0 + Math.min(r, rb - 1)) * d;
      if (l2Normalize) {
        const norm = rowNorm(data, src, d);
        for (let k = 0, yk = r; k < d; k++, yk += ROWS) y[yk] = data[src + k]! / norm - mean[k]!;
      } else {
        for (let k = 0, yk = r; k < d; k++, yk += ROWS) y[yk] = data[src + k]! - mean[k]!;
      }
    }
    let q0 = 0,
      q1 = 0,
      q2 = 0,
      q3 = 0;
    let i = 0;
    for (; i + 1 < d; i += 2) {
      const la = i * d;
      const lb = la + d;
      const yi = i * ROWS;
      let a0 = y[yi]!,
        a1 = y[yi + 1]!,
        a2 = y[yi + 2]!,
        a3 = y[yi + 3]!;
      let b0 = y[yi + 4]!,
        b1 = y[yi + 5]!,
        b2 = y[yi + 6]!,
        b3 = y[yi + 7]!;
      for (let k = 0, yk = 0; k < i; k++, yk += ROWS) {
        const l = lower[la + k]!;
        const m = lower[lb + k]!;
        const y0 = y[yk]!,
          y1 = y[yk + 1]!,
          y2 = y[yk + 2]!,
          y3 = y[yk + 3]!;
        a0 -= l * y0;
        a1 -= l * y1;
        a2 -= l * y2;
        a3 -= l * y3;
        b0 -= m * y0;
        b1 -= m * y1;
        b2 -= m * y2;
        b3 -= m * y3;
      }
      const da = lower[la + i]!;
      a0 /= da;
      a1 /= da;
      a2 /= da;
      a3 /= da;
      const m = lower[lb + i]!;
      const db = lower[lb + i + 1]!;
      b0 = (b0 - m * a0) / db;
      b1 = (b1 - m * a1) / db;
      b2 = (b2 - m * a2) / db;
      b3 = (b3 - m * a3) / db;
      y[yi] = a0;
      y[yi + 1] = a1;
      y[yi + 2] = a2;
      y[yi + 3] = a3;
      y[yi + 4] = b0;
      y[yi + 5] = b1;
      y[yi + 6] = b2;
      y[yi + 7] = b3;
      q0 += a0 * a0 + b0 * b0;
      q1 += a1 * a1 + b1 * b1;
      q2 += a2 * a2 + b2 * b2;
      q3 += a3 * a3 + b3 * b3;
    }
    if (i < d) {
      // Odd dimension: the last row of L alone.
      const li = i * d;
      const yi = i * ROWS;
      let s0 = y[yi]!,
        s1 = y[yi + 1]!,
        s2 = y[yi + 2]!,
        s3 = y[yi + 3]!;
      for (let k = 0, yk = 0; k < i; k++, yk += ROWS) {
        const l = lower[li + k]!;
        s0 -= l * y[yk]!;
        s1 -= l * y[yk + 1]!;
        s2 -= l * y[yk + 2]!;
        s3 -= l * y[yk + 3]!;
      }
      const dl = lower[li + i]!;
      s0 /= dl;
      s1 /= dl;
      s2 /= dl;
      s3 /= dl;
      q0 += s0 * s0;
      q1 += s1 * s1;
      q2 += s2 * s2;
      q3 += s3 * s3;
    }
    out[r0] = q0;
    if (rb > 1) out[r0 + 1] = q1;
    if (rb > 2) out[r0 + 2] = q2;
    if (rb > 3) out[r0 + 3] = q3;
  }
  return out;
}

/** L2 norm of `data[offset .. offset + d)`, or 1 for a zero row (so that it stays zero when divided). */
export function rowNorm(data: ArrayLike<number>, offset: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) {
    const v = data[offset + k]!;
    s += v * v;
  }
  return s === 0 ? 1 : Math.sqrt(s);
}

/** Rows per call of the WebAssembly `trsm` kernel. */
const WASM_ROWS = 8;

function scoreWasm(
  kernels: WasmKernels,
  lower: Float64Array,
  mean: Float64Array,
  data: Float32Array | Float64Array,
  rows: number,
  d: number,
  l2Normalize: boolean,
  out: Float64Array,
): Float64Array {
  const dp = d + (d & 1); // even: an odd factor gets a unit diagonal row (and a zero value) appended
  const lLength = dp * dp;
  const yOffset = lLength;
  const outOffset = yOffset + dp * WASM_ROWS;
  const memory = kernels.view((outOffset + WASM_ROWS) * 8);
  memory.fill(0, 0, outOffset + WASM_ROWS);
  for (let i = 0; i < d; i++) memory.set(lower.subarray(i * d, i * d + i + 1), i * dp);
  if (dp > d) memory[d * dp + d] = 1;
  for (let r0 = 0; r0 < rows; r0 += WASM_ROWS) {
    const rb = Math.min(WASM_ROWS, rows - r0);
    for (let r = 0; r < WASM_ROWS; r++) {
      const src = (r0 + Math.min(r, rb - 1)) * d;
      const base = yOffset + r;
      if (l2Normalize) {
        const norm = rowNorm(data, src, d);
        for (let k = 0; k < d; k++) memory[base + k * WASM_ROWS] = data[src + k]! / norm - mean[k]!;
      } else {
        for (let k = 0; k < d; k++) memory[base + k * WASM_ROWS] = data[src + k]! - mean[k]!;
      }
      if (dp > d) memory[base + d * WASM_ROWS] = 0;
    }
    kernels.trsm(0, dp, yOffset * 8, outOffset * 8);
    for (let r = 0; r < rb; r++) out[r0 + r] = memory[outOffset + r]!;
  }
  return out;
}
