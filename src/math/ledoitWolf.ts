import { centredScatter, shrinkInPlace, type CovarianceEstimate } from './covariance';
import { rowsToMatrix } from './rowsToMatrix';
import { checkMatrix, checkPositiveInteger } from './validate';

/** A Ledoit-Wolf estimate: mean, shrunk covariance and the shrinkage used. */
export interface LedoitWolfEstimate extends CovarianceEstimate {
  /** The Ledoit-Wolf shrinkage coefficient in [0, 1]. */
  readonly shrinkage: number;
}

/**
 * Ledoit-Wolf shrunk covariance of rows of features: the same estimate as scikit-learn's
 * `LedoitWolf().fit(X)` (assume_centered=False) — `location_`, `covariance_` and `shrinkage_` —
 * for any number of rows ≥ 2, including fewer rows than features.
 *
 * @param rows `[n, d]`: n ≥ 2 equal-length rows of finite numbers
 * @returns mean `[d]`, covariance `[d, d]` row-major, shrinkage in [0, 1]
 * @example
 * const { mean, covariance, shrinkage } = ledoitWolf([[1, 2], [2, 1], [4, 5]]);
 */
export function ledoitWolf(rows: readonly ArrayLike<number>[]): LedoitWolfEstimate {
  const { data, rows: n, cols } = rowsToMatrix('ledoitWolf', 'rows', rows, 2);
  return ledoitWolfUnchecked(data, n, cols);
}

/**
 * {@link ledoitWolf} on a flat row-major matrix (`data[r * cols + c]`), the layout a feature extractor
 * fills: no per-row arrays, Float32 inputs are accumulated in Float64.
 *
 * @param data `[rows, cols]` row-major, finite
 * @param rows n ≥ 2
 * @param cols d ≥ 1
 * @example
 * const features = new Float32Array(100 * 512); // filled by the encoder
 * const { covariance } = ledoitWolfMatrix(features, 100, 512);
 */
export function ledoitWolfMatrix(data: Float32Array | Float64Array, rows: number, cols: number): LedoitWolfEstimate {
  const fn = 'ledoitWolfMatrix';
  checkPositiveInteger(fn, 'rows', rows);
  checkPositiveInteger(fn, 'cols', cols);
  if (rows < 2) throw new RangeError(`${fn}: rows must be at least 2 to estimate a covariance, got ${rows}`);
  checkMatrix(fn, 'data', data, rows, cols);
  return ledoitWolfUnchecked(data, rows, cols);
}

/**
 * The estimate itself. scikit-learn's `ledoit_wolf_shrinkage` on centred X (n × d) computes
 *   μ = trace(S)/d with S = XᵀX/n,
 *   β' = Σ_ij ((X∘X)ᵀ(X∘X))_ij,  δ' = Σ_ij ((XᵀX)_ij)² / n²,
 *   β = (β'/n − δ') / (d·n),  δ = (δ' − 2μ·trace(S) + d·μ²) / d,
 *   shrinkage = min(β, δ)/δ (0 when β = 0),
 * splitting the d × d products into 1000-column blocks only to save memory. Here β' is taken in O(n·d)
 * through the identity Σ_ij ((X∘X)ᵀ(X∘X))_ij = Σ_k (Σ_i X_ki²)², and δ' from the scatter matrix that the
 * covariance needs anyway: the same quantities, summed in a different order.
 */
export function ledoitWolfUnchecked(data: Float32Array | Float64Array, n: number, d: number): LedoitWolfEstimate {
  const { mean, scatter, sumSquaredRowNorms } = centredScatter(data, n, d);
  const covariance = scatter; // divided by n in place below
  let delta_ = 0;
  for (let i = 0; i < covariance.length; i++) {
    const v = covariance[i]!;
    delta_ += v * v;
    covariance[i] = v / n;
  }
  if (d === 1) return { mean, covariance, shrinkage: 0 }; // scikit-learn: one feature, no shrinkage
  delta_ /= n * n;
  let trace = 0;
  for (let i = 0; i < d; i++) trace += covariance[i * d + i]!;
  const mu = trace / d;
  let beta = (1 / (d * n)) * (sumSquaredRowNorms / n - delta_);
  let delta = delta_ - 2 * mu * trace + d * mu * mu;
  delta /= d;
  beta = Math.min(beta, delta);
  const shrinkage = beta === 0 ? 0 : beta / delta;
  shrinkInPlace(covariance, d, shrinkage);
  return { mean, covariance, shrinkage };
}
