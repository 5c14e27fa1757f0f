import { choleskyUnchecked, type NotPositiveDefiniteError } from '../math/cholesky';
import { squaredMahalanobisUnchecked } from '../math/mahalanobis';
import { rowsToMatrix } from '../math/rowsToMatrix';
import {
  checkMatrix,
  checkNonNegativeInteger,
  checkNumberInRange,
  checkPositiveInteger,
  describeValue,
  isArrayLike,
} from '../math/validate';
import { estimateGaussian, singularCovarianceHint } from './estimateGaussian';
import { resolveGaussianDensityOptions, type GaussianDensityOptions } from './gaussianDensityOptions';

/** The JSON form of a {@link GaussianDensity} (`JSON.stringify` round-trips every number exactly). */
export interface GaussianDensityJSON {
  /** Always `'cutpaste.GaussianDensity'`. */
  readonly format: typeof FORMAT;
  /** Format version, currently 1. */
  readonly version: number;
  /** Number of features d. */
  readonly dimension: number;
  /** How the shrinkage was chosen. */
  readonly shrinkageMethod: 'ledoit-wolf' | 'fixed';
  /** The shrinkage coefficient used, in [0, 1]. */
  readonly shrinkage: number;
  /** Whether rows are L2-normalised before fitting and scoring. */
  readonly l2Normalize: boolean;
  /** Mean, length d. */
  readonly mean: number[];
  /** Covariance, row-major d×d. */
  readonly covariance: number[];
}

const FORMAT = 'cutpaste.GaussianDensity';
const VERSION = 1;

/**
 * A Gaussian density estimator (GDE) over feature vectors: the CutPaste anomaly scorer. Fitted on
 * normal rows, it scores a row by its squared Mahalanobis distance `(x − μ)ᵀ Σ⁻¹ (x − μ)` — computed
 * through the Cholesky factor of Σ by forward substitution, never through an inverse.
 *
 * @example
 * const gde = GaussianDensity.fit(trainFeatures);            // number[][] or Float32Array[]
 * const scores = gde.score(testFeatures);                    // Float64Array, larger = more anomalous
 * const copy = GaussianDensity.fromJSON(JSON.parse(JSON.stringify(gde)));
 */
export class GaussianDensity {
  /** Number of features d. */
  readonly dimension: number;
  /** Shrinkage coefficient used, in [0, 1] (the Ledoit-Wolf estimate or the fixed value). */
  readonly shrinkage: number;
  /** How the shrinkage was chosen. */
  readonly shrinkageMethod: 'ledoit-wolf' | 'fixed';
  /** Whether rows are L2-normalised before fitting and scoring. */
  readonly l2Normalize: boolean;
  readonly #mean: Float64Array;
  readonly #covariance: Float64Array;
  readonly #factor: Float64Array;

  private constructor(
    mean: Float64Array,
    covariance: Float64Array,
    shrinkage: number,
    shrinkageMethod: 'ledoit-wolf' | 'fixed',
    l2Normalize: boolean,
    fn: string,
    hint: string,
  ) {
    this.dimension = mean.length;
    this.#mean = mean;
    this.#covariance = covariance;
    this.shrinkage = shrinkage;
    this.shrinkageMethod = shrinkageMethod;
    this.l2Normalize = l2Normalize;
    this.#factor = choleskyUnchecked(covariance, mean.length, fn, hint);
  }

  /**
   * Fits the density to rows of features `[n, d]` (n ≥ 2). With `'ledoit-wolf'`, two rows (where
   * Ledoit-Wolf's shrinkage is 0 and its covariance singular) get shrinkage 1: see `estimateGaussian`.
   *
   * @throws RangeError (a {@link NotPositiveDefiniteError}) when the covariance is not positive definite,
   *   e.g. `shrinkage: 0` with n ≤ d
   * @example
   * const gde = GaussianDensity.fit(features, { shrinkage: 'ledoit-wolf', l2Normalize: true });
   */
  static fit(rows: readonly ArrayLike<number>[], options?: GaussianDensityOptions): GaussianDensity {
    const resolved = resolveGaussianDensityOptions(options);
    const { data, rows: n, cols } = rowsToMatrix('GaussianDensity.fit', 'rows', rows, 2);
    return GaussianDensity.#fitUnchecked('GaussianDensity.fit', data, n, cols, resolved);
  }

  /**
   * {@link GaussianDensity.fit} on a flat row-major matrix `[rows, cols]` (the layout a feature extractor fills).
   *
   * @example
   * const gde = GaussianDensity.fitMatrix(features, 1000, 512, { l2Normalize: true });
   */
  static fitMatrix(data: Float32Array | Float64Array, rows: number, cols: number, options?: GaussianDensityOptions): GaussianDensity {
    const fn = 'GaussianDensity.fitMatrix';
    const resolved = resolveGaussianDensityOptions(options);
    checkPositiveInteger(fn, 'rows', rows);
    checkPositiveInteger(fn, 'cols', cols);
    if (rows < 2) throw new RangeError(`${fn}: rows must be at least 2 to fit a density, got ${rows}`);
    checkMatrix(fn, 'data', data, rows, cols);
    return GaussianDensity.#fitUnchecked(fn, data, rows, cols, resolved);
  }

  static #fitUnchecked(
    fn: string,
    data: Float32Array | Float64Array,
    n: number,
    d: number,
    options: Readonly<Required<GaussianDensityOptions>>,
  ): GaussianDensity {
    const estimate = estimateGaussian(data, n, d, options);
    const method = options.shrinkage === 'ledoit-wolf' ? 'ledoit-wolf' : 'fixed';
    const hint = singularCovarianceHint(estimate, n, d, options.shrinkage);
    return new GaussianDensity(estimate.mean, estimate.covariance, estimate.shrinkage, method, options.l2Normalize, fn, hint);
  }

  /** The mean μ (a copy), length d. */
  get mean(): Float64Array {
    return this.#mean.slice();
  }

  /** The covariance Σ (a copy), row-major d×d. */
  get covariance(): Float64Array {
    return this.#covariance.slice();
  }

  /** The lower Cholesky factor L of Σ (a copy), row-major d×d, Σ = L·Lᵀ. */
  get factor(): Float64Array {
    return this.#factor.slice();
  }

  /**
   * Squared Mahalanobis distances of rows `[m, d]` (m ≥ 0): `(x − μ)ᵀ Σ⁻¹ (x − μ)`, larger = more anomalous.
   *
   * @example
   * const gde = GaussianDensity.fit(trainFeatures);
   * const [normal, odd] = gde.score([trainFeatures[0], trainFeatures[0].map((v) => v + 1)]); // normal < odd
   */
  score(rows: readonly ArrayLike<number>[]): Float64Array {
    const { data, rows: m } = rowsToMatrix('GaussianDensity.score', 'rows', rows, 0, this.dimension);
    return squaredMahalanobisUnchecked(this.#factor, this.#mean, data, m, this.dimension, this.l2Normalize);
  }

  /**
   * {@link GaussianDensity.score} on a flat row-major matrix `[rows, dimension]`, without copying it
   * (Float32 values are widened to Float64 as they are read). The fast path for many rows.
   *
   * @example
   * const scores = gde.scoreMatrix(features, 100_000); // features: Float32Array(100_000 × 512)
   */
  scoreMatrix(data: Float32Array | Float64Array, rows: number): Float64Array {
    const fn = 'GaussianDensity.scoreMatrix';
    checkNonNegativeInteger(fn, 'rows', rows);
    checkMatrix(fn, 'data', data, rows, this.dimension);
    return squaredMahalanobisUnchecked(this.#factor, this.#mean, data, rows, this.dimension, this.l2Normalize);
  }

  /**
   * A plain JSON-able object; {@link GaussianDensity.fromJSON} restores a density that scores identically.
   *
   * @example
   * writeFileSync('gde.json', JSON.stringify(gde)); // JSON.stringify calls toJSON()
   */
  toJSON(): GaussianDensityJSON {
    return {
      format: FORMAT,
      version: VERSION,
      dimension: this.dimension,
      shrinkageMethod: this.shrinkageMethod,
      shrinkage: this.shrinkage,
      l2Normalize: this.l2Normalize,
      mean: Array.from(this.#mean),
      covariance: Array.from(this.#covariance),
    };
  }

  /**
   * Restores a density from {@link GaussianDensity.toJSON}'s object (or its `JSON.parse`d text).
   *
   * @throws TypeError/RangeError naming the field when the object is not a valid version-1 density
   * @example
   * const restored = GaussianDensity.fromJSON(JSON.parse(readFileSync('gde.json', 'utf8')));
   */
  static fromJSON(json: unknown): GaussianDensity {
    const fn = 'GaussianDensity.fromJSON';
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new TypeError(`${fn}: json must be an object made by GaussianDensity.toJSON(), got ${describeValue(json)}`);
    }
    const o = json as Record<string, unknown>;
    if (o.format !== FORMAT) {
      throw new TypeError(`${fn}: json.format must be '${FORMAT}', got ${describeValue(o.format)}`);
    }
    if (o.version !== VERSION) {
      throw new RangeError(`${fn}: json.version must be ${VERSION} (the only version this library reads), got ${describeValue(o.version)}`);
    }
    const d = checkPositiveInteger(fn, 'json.dimension', o.dimension);
    if (o.shrinkageMethod !== 'ledoit-wolf' && o.shrinkageMethod !== 'fixed') {
      throw new TypeError(`${fn}: json.shrinkageMethod must be 'ledoit-wolf' or 'fixed', got ${describeValue(o.shrinkageMethod)}`);
    }
    const shrinkage = checkNumberInRange(fn, 'json.shrinkage', o.shrinkage, 0, 1);
    if (typeof o.l2Normalize !== 'boolean') {
      throw new TypeError(`${fn}: json.l2Normalize must be a boolean, got ${describeValue(o.l2Normalize)}`);
    }
    const mean = readNumbers(fn, 'json.mean', o.mean, d, `dimension = ${d}`);
    const covariance = readNumbers(fn, 'json.covariance', o.covariance, d * d, `dimension² = ${d * d}`);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < i; j++) {
        if (covariance[i * d + j] !== covariance[j * d + i]) {
          throw new RangeError(
            `${fn}: json.covariance must be symmetric, got [${i}][${j}] = ${covariance[i * d + j]} and [${j}][${i}] = ${covariance[j * d + i]}`,
          );
        }
      }
    }
    return new GaussianDensity(mean, covariance, shrinkage, o.shrinkageMethod, o.l2Normalize, fn, '');
  }
}

function readNumbers(fn: string, arg: string, value: unknown, length: number, what: string): Float64Array {
  if (!isArrayLike(value)) throw new TypeError(`${fn}: ${arg} must be an array of numbers, got ${describeValue(value)}`);
  if (value.length !== length) throw new RangeError(`${fn}: ${arg} must have length ${what}, got length ${value.length}`);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const v = value[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new TypeError(`${fn}: ${arg}[${i}] must be a finite number, got ${describeValue(v)}`);
    }
    out[i] = v;
  }
  return out;
}
