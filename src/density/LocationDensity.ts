import { choleskyUnchecked } from '../math/cholesky';
import { squaredMahalanobisUnchecked } from '../math/mahalanobis';
import { checkMatrix, checkPositiveInteger, describeValue } from '../math/validate';
import { estimateGaussian, l2NormalizeRows, singularCovarianceHint } from './estimateGaussian';
import { resolveGaussianDensityOptions, type GaussianDensityOptions } from './gaussianDensityOptions';

/** The arrays that define a {@link LocationDensity} (what `toArrays` returns and `fromArrays` takes). */
export interface LocationDensityArrays {
  locations: number;
  dimension: number;
  l2Normalize: boolean;
  /** `[locations, dimension]` means. */
  means: Float32Array;
  /** `[locations, dimension·(dimension+1)/2]`: each location's lower Cholesky factor, packed row by row. */
  factors: Float32Array;
  /** `[locations]` shrinkage coefficients used. */
  shrinkage: Float32Array;
}

/**
 * One Gaussian density per location of a feature grid (paper appendix A.5: aligned objects get a GDE
 * per patch position). Stored compactly in float32 (means and packed lower Cholesky factors) so that a
 * 57×57 grid of 128-d features fits in ~110 MB and saves exactly; scoring works in float64.
 *
 * Layout of feature data: `[images, locations, dimension]`, row-major (what a dense patch embedding
 * of each image, flattened over the grid, gives).
 *
 * @example
 * const density = LocationDensity.fit(trainFeatures, 209, 57 * 57, 128, { l2Normalize: true });
 * const scores = density.score(testFeatures, 10); // [10, 3249]
 */
export class LocationDensity {
  readonly locations: number;
  readonly dimension: number;
  readonly l2Normalize: boolean;
  readonly #means: Float32Array;
  readonly #factors: Float32Array;
  readonly #shrinkage: Float32Array;

  private constructor(arrays: LocationDensityArrays) {
    this.locations = arrays.locations;
    this.dimension = arrays.dimension;
    this.l2Normalize = arrays.l2Normalize;
    this.#means = arrays.means;
    this.#factors = arrays.factors;
    this.#shrinkage = arrays.shrinkage;
  }

  /**
   * Fits one density per location on `images` rows each (≥ 2 images).
   *
   * Locations where normal images barely vary (a plain background) would get a near-singular
   * covariance and flag every speck of noise: `options.ridge` (default 0.01) adds `ridge · v̄ · I` to
   * every location's covariance, v̄ being the mean per-feature variance over all locations — PaDiM's
   * regulariser, made scale-free. 0 turns it off.
   *
   * @param data `[images, locations, dimension]` features of normal images.
   * @param onLocation called after each location is fitted (progress), with the count done.
   */
  static fit(
    data: Float32Array,
    images: number,
    locations: number,
    dimension: number,
    options?: GaussianDensityOptions & { ridge?: number },
    onLocation?: (done: number) => void,
  ): LocationDensity {
    const fn = 'LocationDensity.fit';
    const { ridge: ridgeIn, ...gdeOptions } = options ?? {};
    const o = resolveGaussianDensityOptions(gdeOptions);
    const ridge = ridgeIn ?? 0.01;
    if (!(typeof ridge === 'number' && Number.isFinite(ridge) && ridge >= 0)) {
      throw new RangeError(`${fn}: options.ridge must be a finite number ≥ 0, got ${describeValue(ridge)}`);
    }
    checkPositiveInteger(fn, 'images', images);
    checkPositiveInteger(fn, 'locations', locations);
    checkPositiveInteger(fn, 'dimension', dimension);
    if (images < 2) throw new RangeError(`${fn}: images must be at least 2 to fit a density, got ${images}`);
    checkMatrix(fn, 'data', data, images * locations, dimension);
    const d = dimension;
    const packed = (d * (d + 1)) / 2;
    const means = new Float32Array(locations * d);
    const factors = new Float32Array(locations * packed);
    const shrinkage = new Float32Array(locations);
    const rows = new Float32Array(images * d);
    const gather = (l: number) => {
      for (let i = 0; i < images; i++) rows.set(data.subarray((i * locations + l) * d, (i * locations + l + 1) * d), i * d);
      return o.l2Normalize ? l2NormalizeRows(rows, images, d) : rows;
    };
    const floor = ridge > 0 ? ridge * meanVariance(locations, images, d, gather) : 0;
    const raw = { ...o, l2Normalize: false };
    for (let l = 0; l < locations; l++) {
      const estimate = estimateGaussian(gather(l), images, d, raw);
      for (let k = 0; k < d; k++) estimate.covariance[k * d + k]! += floor;
      const hint = ` (location ${l})${singularCovarianceHint(estimate, images, d, o.shrinkage)}${floor > 0 ? '' : '; use options.ridge > 0'}`;
      const lower = choleskyUnchecked(estimate.covariance, d, fn, hint);
      means.set(estimate.mean, l * d);
      packLower(lower, d, factors, l * packed);
      shrinkage[l] = estimate.shrinkage;
      onLocation?.(l + 1);
    }
    return new LocationDensity({ locations, dimension: d, l2Normalize: o.l2Normalize, means, factors, shrinkage });
  }

  /**
   * Squared Mahalanobis distance of every location of every image under that location's density.
   *
   * @param data `[images, locations, dimension]`.
   * @returns `[images, locations]`, row-major.
   */
  score(data: Float32Array, images: number): Float32Array {
    const fn = 'LocationDensity.score';
    checkPositiveInteger(fn, 'images', images);
    checkMatrix(fn, 'data', data, images * this.locations, this.dimension);
    const d = this.dimension;
    const L = this.locations;
    const packed = (d * (d + 1)) / 2;
    const out = new Float32Array(images * L);
    const lower = new Float64Array(d * d);
    const mean = new Float64Array(d);
    const rows = new Float64Array(images * d);
    const distances = new Float64Array(images);
    for (let l = 0; l < L; l++) {
      unpackLower(this.#factors, l * packed, d, lower);
      for (let k = 0; k < d; k++) mean[k] = this.#means[l * d + k]!;
      for (let i = 0; i < images; i++) {
        const src = (i * L + l) * d;
        for (let k = 0; k < d; k++) rows[i * d + k] = data[src + k]!;
      }
      squaredMahalanobisUnchecked(lower, mean, rows, images, d, this.l2Normalize, distances);
      for (let i = 0; i < images; i++) out[i * L + l] = distances[i]!;
    }
    return out;
  }

  /** The arrays (copies) that `fromArrays` restores exactly. */
  toArrays(): LocationDensityArrays {
    return {
      locations: this.locations,
      dimension: this.dimension,
      l2Normalize: this.l2Normalize,
      means: this.#means.slice(),
      factors: this.#factors.slice(),
      shrinkage: this.#shrinkage.slice(),
    };
  }

  /** Restores a density from `toArrays()`; validates sizes and values. */
  static fromArrays(arrays: LocationDensityArrays): LocationDensity {
    const fn = 'LocationDensity.fromArrays';
    if (typeof arrays !== 'object' || arrays === null) throw new TypeError(`${fn}: arrays must be an object, got ${describeValue(arrays)}`);
    const L = checkPositiveInteger(fn, 'arrays.locations', arrays.locations);
    const d = checkPositiveInteger(fn, 'arrays.dimension', arrays.dimension);
    if (typeof arrays.l2Normalize !== 'boolean')
      throw new TypeError(`${fn}: arrays.l2Normalize must be a boolean, got ${describeValue(arrays.l2Normalize)}`);
    const expect = (name: string, value: unknown, length: number) => {
      if (!(value instanceof Float32Array))
        throw new TypeError(`${fn}: arrays.${name} must be a Float32Array, got ${describeValue(value)}`);
      if (value.length !== length) throw new RangeError(`${fn}: arrays.${name} must have length ${length}, got ${value.length}`);
      for (let i = 0; i < value.length; i++) {
        if (!Number.isFinite(value[i]!)) throw new RangeError(`${fn}: arrays.${name}[${i}] is ${value[i]}; values must be finite`);
      }
    };
    expect('means', arrays.means, L * d);
    expect('factors', arrays.factors, (L * d * (d + 1)) / 2);
    expect('shrinkage', arrays.shrinkage, L);
    return new LocationDensity({
      ...arrays,
      means: arrays.means.slice(),
      factors: arrays.factors.slice(),
      shrinkage: arrays.shrinkage.slice(),
    });
  }
}

/** Mean over locations and features of the per-feature variance (biased), from rows gathered per location. */
function meanVariance(locations: number, n: number, d: number, gather: (l: number) => Float32Array | Float64Array): number {
  let total = 0;
  for (let l = 0; l < locations; l++) {
    const x = gather(l);
    for (let k = 0; k < d; k++) {
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const v = x[i * d + k]!;
        s += v;
        s2 += v * v;
      }
      total += Math.max(0, s2 / n - (s / n) ** 2);
    }
  }
  return total / (locations * d);
}

function packLower(lower: Float64Array, d: number, out: Float32Array, offset: number): void {
  let k = offset;
  for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) out[k++] = lower[i * d + j]!;
}

function unpackLower(packed: Float32Array, offset: number, d: number, out: Float64Array): void {
  let k = offset;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) out[i * d + j] = packed[k++]!;
  }
}
