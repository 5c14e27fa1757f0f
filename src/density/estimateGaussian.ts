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
 * A Ledoit-Wolf shrinkage at or below this is rounding noise around 0 (measured ≤ 1e-14 on two rows),
 * not evidence: Ledoit-Wolf's β ≥ 0 is 0 only for rows that are ±one vector, and any other data give a
 * shrinkage many orders of magnitude above this (≈ (n − 2)/n for n ≤ d rows of random features). (The
 * other way to get 0, a covariance that already is a multiple of I, is left unchanged by shrinkage 1.)
 */
const NO_EVIDENCE = 1e-9;

/**
 * Mean and covariance of `n` rows of `d` features (row-major), L2-normalising rows first when asked,
 * with Ledoit-Wolf or fixed shrinkage. Shared by `GaussianDensity` and `LocationDensity`. No argument
 * checks (callers validate).
 *
 * Ledoit-Wolf is scikit-learn's `LedoitWolf` wherever that gives a usable (positive definite) covariance.
 * Where it cannot — two rows, or rows that are ±one vector (two images, each repeated) — its shrinkage
 * is 0 and its covariance rank 1; the estimate then uses shrinkage 1, Ledoit-Wolf's own target
 * `trace(S)/d · I` (every training row then scores exactly d), and reports `shrinkage: 1`.
 */
export function estimateGaussian(
  data: Float32Array | Float64Array,
  n: number,
  d: number,
  options: Readonly<Required<GaussianDensityOptions>>,
): GaussianEstimate {
  const x = options.l2Normalize ? l2NormalizeRows(data, n, d) : data;
  if (options.shrinkage === 'ledoit-wolf') {
    const estimate = ledoitWolfUnchecked(x, n, d);
    if (d === 1 || estimate.shrinkage > NO_EVIDENCE) return estimate;
    // Ledoit-Wolf's β is 0 (up to rounding) exactly when the centred rows are ±one vector of one length:
    // always with 2 rows. Its shrinkage is then 0 and the covariance rank 1 (singular): use its target.
    shrinkInPlace(estimate.covariance, d, 1);
    return { ...estimate, shrinkage: 1 };
  }
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

/**
 * Why a covariance from {@link estimateGaussian} could not be factorised, for the error message (the
 * text after the pivot): "no spread" only when the rows really have none (total variance 0, or below
 * float64 rounding of their values), else the singular empirical covariance of shrinkage 0.
 */
export function singularCovarianceHint(estimate: GaussianEstimate, n: number, d: number, shrinkage: 'ledoit-wolf' | number): string {
  let variance = 0;
  let size = 0;
  for (let i = 0; i < d; i++) {
    variance += estimate.covariance[i * d + i]!;
    size += estimate.mean[i]! ** 2;
  }
  if (!(variance > 1e-24 * Math.max(size, 1e-300))) {
    return `; the rows have no spread (total variance ${variance}), so no covariance can be estimated`;
  }
  if (shrinkage === 0) {
    return (
      `; the empirical covariance (shrinkage 0) of ${n} rows × ${d} features is singular ` +
      `whenever rows ≤ features or features are linearly dependent: use shrinkage 'ledoit-wolf' or a number in (0, 1]`
    );
  }
  return `; the covariance of ${n} rows × ${d} features (shrinkage ${estimate.shrinkage}) is too close to singular to factorise`;
}
