import { createRng, shuffleInPlace } from '../math/random';
import { GaussianDensity } from './GaussianDensity';
import type { DensityEntry } from './featureDensity';
import { GaussianFeatureDensity } from './gaussianFeatureDensity';

/**
 * Density kind `shared`: one Gaussian over the patch features of every grid location (textures),
 * fitted on a seeded subsample of at most `options.maxRows` rows (`${seed}/density`).
 */
export const sharedDensity: DensityEntry = {
  level: 'patch',
  fit(features, count, locations, dimension, options, onProgress) {
    const total = count * locations;
    let rows = features;
    let n = total;
    if (total > options.maxRows) {
      const picked = shuffleInPlace(
        Array.from({ length: total }, (_, i) => i),
        createRng(`${options.seed}/density`),
      )
        .slice(0, options.maxRows)
        .sort((a, b) => a - b);
      rows = new Float32Array(picked.length * dimension);
      picked.forEach((row, i) => rows.set(features.subarray(row * dimension, (row + 1) * dimension), i * dimension));
      n = picked.length;
    }
    const gde = GaussianDensity.fitMatrix(rows, n, dimension, { shrinkage: options.shrinkage, l2Normalize: options.l2Normalize });
    onProgress?.(1, 1);
    return new GaussianFeatureDensity('shared', gde);
  },
  fromJSON: (json) => GaussianFeatureDensity.fromJSON(json),
};
