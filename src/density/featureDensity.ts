import type { GaussianDensity } from './GaussianDensity';
import type { GaussianDensityOptions } from './gaussianDensityOptions';

/**
 * A fitted density over feature vectors, as a detector uses it: scores features, writes itself as a
 * JSON part (plus large arrays as weights) and is read back by the {@link DensityEntry} registered
 * under its `kind` (`registerDensity`).
 *
 * Feature layout: `[count, locations, dimension]` row-major (`locations` = 1 for pooled image features).
 */
export interface FeatureDensity {
  /** The kind it is registered under; `densityFor(kind)` reads it back. */
  readonly kind: string;
  /** Feature dimension d it scores. */
  readonly dimension: number;
  /** Grid locations it holds one density for; `undefined` when one density serves every location. */
  readonly locations?: number;
  /** The single Gaussian behind it, when there is one (image mode's GradCAM maps need it). */
  readonly gaussian?: GaussianDensity;
  /**
   * Scores of `count` images' features `[count, locations, dimension]`: `[count, locations]`, float32,
   * larger = more anomalous.
   */
  score(features: Float32Array, count: number, locations: number): Float32Array;
  /** The JSON part of a save (`kind` first); what `DensityEntry.fromJSON` restores. */
  toJSON(): DensityJSON;
  /** Arrays saved as weights (float32), by weight name (`density/…`); absent when the JSON holds everything. */
  toWeights?(): Readonly<Record<string, Float32Array>>;
  /** Frees what the density owns (tensors); absent when it owns nothing but JS memory. */
  dispose?(): void;
}

/** The JSON part of a saved {@link FeatureDensity}: its kind and whatever its entry reads back. */
export interface DensityJSON {
  readonly kind: string;
  readonly [field: string]: unknown;
}

/** What a density is fitted with (a detector's resolved options). */
export interface DensityFitOptions extends Readonly<Required<GaussianDensityOptions>> {
  /** A density that pools every location's rows uses a seeded subsample of at most this many rows. */
  readonly maxRows: number;
  /** Seed of that subsample. */
  readonly seed: number | string;
}

/** How a density kind is fitted and read back; registered with `registerDensity(kind, entry)`. */
export interface DensityEntry {
  /** `'image'`: fits pooled image features (`locations` = 1); `'patch'`: patch features of a grid. */
  readonly level: 'image' | 'patch';
  /**
   * Fits a density to normal features `[count, locations, dimension]` (callers validate the sizes).
   * @param onProgress called with (done, total) as the fit goes (at least once, at the end).
   */
  fit(
    features: Float32Array,
    count: number,
    locations: number,
    dimension: number,
    options: DensityFitOptions,
    onProgress?: (done: number, total: number) => void,
  ): FeatureDensity;
  /**
   * Restores a density from its `toJSON()` and its `toWeights()` arrays (every saved weight named
   * `density/…`). Throws an Error naming the field when they are not a valid density of this kind.
   */
  fromJSON(json: DensityJSON, weights: Readonly<Record<string, Float32Array>>): FeatureDensity;
}
