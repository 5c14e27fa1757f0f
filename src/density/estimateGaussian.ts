import { centredScatter, shrinkInPlace } from '../math/covariance';
import { ledoitWolfUnchecked } from '../math/ledoitWolf';
import { rowNorm } from '../math/mahalanobis';
import type { GaussianDensityOptions } from './gaussianDensityOptions';

/** A Gaussian's mean and (shrunk) covariance, with the shrinkage used. */
export interface GaussianEstimate {
  mean: Float64Array;
  /** Row-major d×d. */
  covariance: Float64Array;
  shrinkage: number;
}

/**
 * Mean and covariance of `n` rows of `d` features (row-major), L2-normalising rows first when asked,
 * with Ledoit-Wolf or fixed shrinkage. Shared by `GaussianDensity` and `LocationDensity`. No argument
 * checks (callers validate).
 */
export function estimateGaussian(
  data: Float32Array | Float64Array,
  n: number,
  d: number,
  options: Readonly<Required<GaussianDensityOptions>>,
): GaussianEstimate {
  const x = options.l2Normalize ? l2NormalizeRows(data, n, d) : data;
  if (options.shrinkage === 'ledoit-wolf') return ledoitWolfUnchecked(x, n, d);
  const { mean, scatter } = centredScatter(x, n, d);
  for (let i = 0; i < scatter.length; i++) scatter[i]! /= n;
  shrinkInPlace(scatter, d, options.shrinkage);
  return { mean, covariance: scatter, shrinkage: options.shrinkage };
}

/** A Float64 copy of `data` with every row divided by its L2 norm (zero rows stay zero). */
export function l2NormalizeRows(data: Float32Array | Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n * d);
  for (let r = 0; r < n; r++) {
    const offset = r * d;
    const norm = rowNorm(data, offset, d);
    for (let c = 0; c < d; c++) out[offset + c] = data[offset + c]! / norm;
  }
  return out;
}
