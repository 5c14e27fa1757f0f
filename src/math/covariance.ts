import { checkMatrix, checkNumberInRange, checkPositiveInteger, describeValue } from './validate';
import { wasmKernels, type WasmKernels } from './wasmKernels';

/** Rows processed per pass of the Gram kernel: a `[cols, CHUNK]` Float64 transpose buffer (≈1 MiB at 512 columns). */
const CHUNK = 256;

/** Column means and the centred scatter matrix of a data matrix (internal to the covariance estimators). */
export interface CentredScatter {
  /** Column means, length `cols`. */
  readonly mean: Float64Array;
  /** `XcᵀXc` (Xc = data minus mean), row-major `[cols, cols]`, exactly symmetric, not divided by n. */
  readonly scatter: Float64Array;
  /** `Σ_k (Σ_i Xc[k][i]²)²`: the sum over rows of the squared row norms (Ledoit-Wolf's β term). */
  readonly sumSquaredRowNorms: number;
}

/**
 * Mean and centred scatter `XcᵀXc` of a row-major `[rows, cols]` matrix, accumulated in Float64.
 * Cache-friendly: rows are centred and transposed in chunks of {@link CHUNK}, then 4×4 blocks of the
 * lower triangle only are formed (each loaded value feeds four products) and the upper triangle is
 * mirrored: ≈ rows·cols²/2 multiply-adds. Runs in the WebAssembly SIMD `gram` kernel where available
 * (wasmKernels.ts), else in {@link accumulateLowerGram} (16 scalar register accumulators).
 * No input validation (callers validate).
 */
export function centredScatter(data: Float32Array | Float64Array, rows: number, cols: number): CentredScatter {
  const mean = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const offset = r * cols;
    for (let c = 0; c < cols; c++) mean[c]! += data[offset + c]!;
  }
  for (let c = 0; c < cols; c++) mean[c]! /= rows;

  const padded = (cols + 3) & ~3; // pad to a multiple of 4 with zero columns
  const chunk = Math.min(CHUNK, rows);
  const kernels = wasmKernels();
  const { acc, sumSquaredRowNorms } = kernels
    ? scatterWasm(kernels, data, rows, cols, mean, padded, chunk)
    : scatterJs(data, rows, cols, mean, padded, chunk);

  const scatter = new Float64Array(cols * cols);
  for (let i = 0; i < cols; i++) {
    for (let j = 0; j <= i; j++) {
      const v = acc[i * padded + j]!;
      scatter[i * cols + j] = v;
      scatter[j * cols + i] = v;
    }
  }
  return { mean, scatter, sumSquaredRowNorms };
}

interface Accumulated {
  /** `[padded, padded]`: the scatter matrix on and below the diagonal (4×4 blocks). */
  readonly acc: Float64Array;
  readonly sumSquaredRowNorms: number;
}

/** Plain TypeScript: chunks transposed to `t[col][k]`, then {@link accumulateLowerGram}. */
function scatterJs(
  data: Float32Array | Float64Array,
  rows: number,
  cols: number,
  mean: Float64Array,
  padded: number,
  chunk: number,
): Accumulated {
  const t = new Float64Array(padded * chunk); // [padded, chunk]: column c of the chunk is row c of t
  const acc = new Float64Array(padded * padded);
  let sumSquaredRowNorms = 0;
  for (let k0 = 0; k0 < rows; k0 += chunk) {
    const kb = Math.min(chunk, rows - k0);
    for (let k = 0; k < kb; k++) {
      const offset = (k0 + k) * cols;
      let norm = 0;
      for (let c = 0; c < cols; c++) {
        const v = data[offset + c]! - mean[c]!;
        t[c * chunk + k] = v;
        norm += v * v;
      }
      sumSquaredRowNorms += norm * norm;
    }
    accumulateLowerGram(t, chunk, kb, padded, acc);
  }
  return { acc, sumSquaredRowNorms };
}

/**
 * WebAssembly SIMD: chunks transposed into panels of 4 columns, `t[panel][k][4]`, in the module's
 * memory, followed by the accumulator; the `gram` kernel adds each 4×4 block of the lower triangle.
 */
function scatterWasm(
  kernels: WasmKernels,
  data: Float32Array | Float64Array,
  rows: number,
  cols: number,
  mean: Float64Array,
  padded: number,
  chunk: number,
): Accumulated {
  const panels = padded / 4;
  const panelStride = chunk * 4; // doubles per panel
  const tLength = panels * panelStride;
  const accOffset = tLength; // in doubles
  const memory = kernels.view((tLength + padded * padded) * 8);
  memory.fill(0, 0, tLength + padded * padded);
  let sumSquaredRowNorms = 0;
  for (let k0 = 0; k0 < rows; k0 += chunk) {
    const kb = Math.min(chunk, rows - k0);
    for (let k = 0; k < kb; k++) {
      const offset = (k0 + k) * cols;
      let norm = 0;
      for (let c = 0; c < cols; c++) {
        const v = data[offset + c]! - mean[c]!;
        memory[(c >> 2) * panelStride + k * 4 + (c & 3)] = v;
        norm += v * v;
      }
      sumSquaredRowNorms += norm * norm;
    }
    kernels.gram(0, kb, panels, panelStride * 8, accOffset * 8, padded);
  }
  return { acc: memory.slice(accOffset, accOffset + padded * padded), sumSquaredRowNorms };
}

/** acc[i][j] += Σ_k t[i][k]·t[j][k] for the 4×4 blocks on and below the diagonal (k < kb). */
function accumulateLowerGram(t: Float64Array, stride: number, kb: number, padded: number, acc: Float64Array): void {
  for (let i = 0; i < padded; i += 4) {
    const a0 = i * stride;
    const a1 = a0 + stride;
    const a2 = a1 + stride;
    const a3 = a2 + stride;
    for (let j = 0; j <= i; j += 4) {
      const b0 = j * stride;
      const b1 = b0 + stride;
      const b2 = b1 + stride;
      const b3 = b2 + stride;
      let s00 = 0,
        s01 = 0,
        s02 = 0,
        s03 = 0,
        s10 = 0,
        s11 = 0,
        s12 = 0,
        s13 = 0;
      let s20 = 0,
        s21 = 0,
        s22 = 0,
        s23 = 0,
        s30 = 0,
        s31 = 0,
        s32 = 0,
        s33 = 0;
      for (let k = 0; k < kb; k++) {
        const x0 = t[a0 + k]!,
          x1 = t[a1 + k]!,
          x2 = t[a2 + k]!,
          x3 = t[a3 + k]!;
        const y0 = t[b0 + k]!,
          y1 = t[b1 + k]!,
          y2 = t[b2 + k]!,
          y3 = t[b3 + k]!;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
        s20 += x2 * y0;
        s21 += x2 * y1;
        s22 += x2 * y2;
        s23 += x2 * y3;
        s30 += x3 * y0;
        s31 += x3 * y1;
        s32 += x3 * y2;
        s33 += x3 * y3;
      }
      let c = i * padded + j;
      acc[c]! += s00;
      acc[c + 1]! += s01;
      acc[c + 2]! += s02;
      acc[c + 3]! += s03;
      c += padded;
      acc[c]! += s10;
      acc[c + 1]! += s11;
      acc[c + 2]! += s12;
      acc[c + 3]! += s13;
      c += padded;
      acc[c]! += s20;
      acc[c + 1]! += s21;
      acc[c + 2]! += s22;
      acc[c + 3]! += s23;
      c += padded;
      acc[c]! += s30;
      acc[c + 1]! += s31;
      acc[c + 2]! += s32;
      acc[c + 3]! += s33;
    }
  }
}

/** A covariance estimate: mean and row-major covariance. */
export interface CovarianceEstimate {
  /** Column means, length `cols`. */
  readonly mean: Float64Array;
  /** Covariance, row-major `[cols, cols]`, symmetric. */
  readonly covariance: Float64Array;
}

/**
 * The maximum-likelihood (biased, divided by n) covariance of a row-major `[rows, cols]` matrix:
 * scikit-learn's `empirical_covariance(X)` / `EmpiricalCovariance().fit(X).covariance_`.
 *
 * @example
 * const { mean, covariance } = empiricalCovarianceMatrix(new Float64Array([0, 0, 2, 2]), 2, 2);
 * // mean [1, 1], covariance [1, 1, 1, 1]
 */
export function empiricalCovarianceMatrix(data: Float32Array | Float64Array, rows: number, cols: number): CovarianceEstimate {
  const fn = 'empiricalCovarianceMatrix';
  checkPositiveInteger(fn, 'rows', rows);
  checkPositiveInteger(fn, 'cols', cols);
  checkMatrix(fn, 'data', data, rows, cols);
  if (rows < 2) throw new RangeError(`${fn}: rows must be at least 2 to estimate a covariance, got ${rows}`);
  const { mean, scatter } = centredScatter(data, rows, cols);
  for (let i = 0; i < scatter.length; i++) scatter[i]! /= rows;
  return { mean, covariance: scatter };
}

/**
 * Shrinks a covariance towards a scaled identity, like scikit-learn's `shrunk_covariance`:
 * `(1 − s)·Σ + s·(trace(Σ)/d)·I`. Returns a new array; `covariance` is not modified.
 *
 * @param covariance row-major `[dimension, dimension]`
 * @param shrinkage s in [0, 1] (0 keeps Σ, 1 gives the scaled identity)
 * @example
 * shrunkCovariance(new Float64Array([2, 1, 1, 4]), 2, 0.5); // [2.5, 0.5, 0.5, 3.5]
 */
export function shrunkCovariance(covariance: Float64Array, dimension: number, shrinkage: number): Float64Array {
  const fn = 'shrunkCovariance';
  checkPositiveInteger(fn, 'dimension', dimension);
  if (!(covariance instanceof Float64Array)) {
    throw new TypeError(`${fn}: covariance must be a Float64Array, got ${describeValue(covariance)}`);
  }
  checkMatrix(fn, 'covariance', covariance, dimension, dimension);
  checkNumberInRange(fn, 'shrinkage', shrinkage, 0, 1);
  return shrinkInPlace(covariance.slice(), dimension, shrinkage);
}

/** `(1 − s)·Σ + s·(trace(Σ)/d)·I` computed in place, in scikit-learn's order of operations. */
export function shrinkInPlace(covariance: Float64Array, dimension: number, shrinkage: number): Float64Array {
  let trace = 0;
  for (let i = 0; i < dimension; i++) trace += covariance[i * dimension + i]!;
  const mu = trace / dimension;
  const keep = 1 - shrinkage;
  for (let i = 0; i < covariance.length; i++) covariance[i]! *= keep;
  const add = shrinkage * mu;
  for (let i = 0; i < dimension; i++) covariance[i * dimension + i]! += add;
  return covariance;
}
