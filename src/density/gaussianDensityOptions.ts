import { checkNumberInRange, describeValue } from '../math/validate';

/** Options of `GaussianDensity.fit`. */
export interface GaussianDensityOptions {
  /**
   * Covariance shrinkage. `'ledoit-wolf'` (default): the Ledoit-Wolf coefficient, as scikit-learn's
   * `LedoitWolf`, except where that covariance is singular (two rows: shrinkage 0), which gets
   * shrinkage 1. A number s in [0, 1]: scikit-learn's `ShrunkCovariance(shrinkage=s)`,
   * `(1 − s)·Σ + s·(trace(Σ)/d)·I`; 0 is the empirical covariance, which must then be positive definite
   * (it is not when rows ≤ features).
   */
  readonly shrinkage?: 'ledoit-wolf' | number;
  /**
   * Divide every row by its L2 norm before fitting, and every scored row likewise (default false).
   * A zero row stays zero, as with scikit-learn's `normalize`.
   */
  readonly l2Normalize?: boolean;
}

/** Defaults of {@link GaussianDensityOptions}. */
export const GAUSSIAN_DENSITY_DEFAULTS: Readonly<Required<GaussianDensityOptions>> = Object.freeze({
  shrinkage: 'ledoit-wolf',
  l2Normalize: false,
});

/**
 * Validates and fills {@link GaussianDensityOptions}; returns a frozen copy.
 *
 * @example
 * resolveGaussianDensityOptions({ shrinkage: 0.1 }); // { shrinkage: 0.1, l2Normalize: false }
 */
export function resolveGaussianDensityOptions(options: GaussianDensityOptions = {}): Readonly<Required<GaussianDensityOptions>> {
  const fn = 'GaussianDensity.fit';
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${fn}: options must be an object, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'shrinkage' && key !== 'l2Normalize')
      throw new TypeError(`${fn}: unknown option "${key}"; allowed: shrinkage, l2Normalize`);
  }
  const shrinkage = options.shrinkage ?? GAUSSIAN_DENSITY_DEFAULTS.shrinkage;
  if (shrinkage !== 'ledoit-wolf') {
    if (typeof shrinkage !== 'number') {
      throw new TypeError(`${fn}: options.shrinkage must be 'ledoit-wolf' or a number in [0, 1], got ${describeValue(shrinkage)}`);
    }
    checkNumberInRange(fn, 'options.shrinkage', shrinkage, 0, 1);
  }
  const l2Normalize = options.l2Normalize ?? GAUSSIAN_DENSITY_DEFAULTS.l2Normalize;
  if (typeof l2Normalize !== 'boolean') {
    throw new TypeError(`${fn}: options.l2Normalize must be a boolean, got ${describeValue(l2Normalize)}`);
  }
  return Object.freeze({ shrinkage, l2Normalize });
}
