import { GaussianDensity, type GaussianDensityJSON } from '../density/GaussianDensity';
import { LocationDensity } from '../density/LocationDensity';
import type { GaussianDensityOptions } from '../density/gaussianDensityOptions';
import { createRng, shuffleInPlace } from '../math/random';

/**
 * The fitted density of a detector:
 * - `image`: one GDE over pooled image features;
 * - `shared`: one GDE over patch embeddings, shared by every grid location (textures);
 * - `per-location`: one GDE per grid location (aligned objects).
 */
export type DetectorDensity =
  | { kind: 'image'; gde: GaussianDensity }
  | { kind: 'shared'; gde: GaussianDensity }
  | { kind: 'per-location'; density: LocationDensity };

/** The JSON part of a density (per-location arrays travel as weights, see persistence). */
export type DetectorDensityJSON =
  | { kind: 'image' | 'shared'; gde: GaussianDensityJSON }
  | { kind: 'per-location'; locations: number; dimension: number; l2Normalize: boolean };

/**
 * Fits the density to training features.
 *
 * @param features `[count, dimension]` (image) or `[count, locations, dimension]` (patch).
 * @param maxRows shared patch density: a seeded subsample of at most this many rows is used.
 */
export function fitDensity(
  kind: DetectorDensity['kind'],
  features: Float32Array,
  count: number,
  locations: number,
  dimension: number,
  options: Readonly<Required<GaussianDensityOptions>> & { maxRows: number; seed: number | string },
  onProgress?: (done: number, total: number) => void,
): DetectorDensity {
  const gdeOptions = { shrinkage: options.shrinkage, l2Normalize: options.l2Normalize };
  if (kind === 'image') {
    const gde = GaussianDensity.fitMatrix(features, count, dimension, gdeOptions);
    onProgress?.(1, 1);
    return { kind, gde };
  }
  if (kind === 'per-location') {
    const density = LocationDensity.fit(features, count, locations, dimension, gdeOptions, (done) => {
      if (done % 64 === 0 || done === locations) onProgress?.(done, locations);
    });
    return { kind, density };
  }
  const total = count * locations;
  let rows = features;
  let n = total;
  if (total > options.maxRows) {
    const picked = shuffleInPlace(Array.from({ length: total }, (_, i) => i), createRng(`${options.seed}/density`))
      .slice(0, options.maxRows)
      .sort((a, b) => a - b);
    rows = new Float32Array(picked.length * dimension);
    picked.forEach((row, i) => rows.set(features.subarray(row * dimension, (row + 1) * dimension), i * dimension));
    n = picked.length;
  }
  const gde = GaussianDensity.fitMatrix(rows, n, dimension, gdeOptions);
  onProgress?.(1, 1);
  return { kind, gde };
}

/**
 * Scores features under the density: `[count]` (image) or `[count, locations]` (patch), float32.
 */
export function scoreDensity(density: DetectorDensity, features: Float32Array, count: number, locations: number): Float32Array {
  if (density.kind === 'per-location') return density.density.score(features, count);
  const rows = density.kind === 'image' ? count : count * locations;
  return Float32Array.from(density.gde.scoreMatrix(features, rows));
}

/** The JSON-able description of a density (per-location arrays are saved as weights). */
export function densityToJSON(density: DetectorDensity): DetectorDensityJSON {
  if (density.kind === 'per-location') {
    const { locations, dimension, l2Normalize } = density.density;
    return { kind: 'per-location', locations, dimension, l2Normalize };
  }
  return { kind: density.kind, gde: density.gde.toJSON() };
}
