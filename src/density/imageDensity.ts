import { GaussianDensity } from './GaussianDensity';
import type { DensityEntry } from './featureDensity';
import { GaussianFeatureDensity } from './gaussianFeatureDensity';

/** Density kind `image`: one Gaussian over pooled image features `[count, dimension]`. */
export const imageDensity: DensityEntry = {
  level: 'image',
  fit(features, count, _locations, dimension, options, onProgress) {
    const gde = GaussianDensity.fitMatrix(features, count, dimension, { shrinkage: options.shrinkage, l2Normalize: options.l2Normalize });
    onProgress?.(1, 1);
    return new GaussianFeatureDensity('image', gde);
  },
  fromJSON: (json) => GaussianFeatureDensity.fromJSON(json),
};
