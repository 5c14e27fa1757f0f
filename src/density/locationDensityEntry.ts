import type { DensityEntry, DensityJSON, FeatureDensity } from './featureDensity';
import { LocationDensity } from './LocationDensity';

/** The weights a `per-location` density is saved as, in this order. */
const WEIGHTS = { means: 'density/means', factors: 'density/factors', shrinkage: 'density/shrinkage' } as const;

/** A {@link LocationDensity} as a {@link FeatureDensity}: saved as `{ kind, locations, dimension, l2Normalize }` plus three weights. */
class PerLocationDensity implements FeatureDensity {
  readonly kind = 'per-location';
  constructor(readonly density: LocationDensity) {}

  get dimension(): number {
    return this.density.dimension;
  }

  get locations(): number {
    return this.density.locations;
  }

  score(features: Float32Array, count: number): Float32Array {
    return this.density.score(features, count);
  }

  toJSON(): DensityJSON {
    const { locations, dimension, l2Normalize } = this.density;
    return { kind: this.kind, locations, dimension, l2Normalize };
  }

  toWeights(): Record<string, Float32Array> {
    const a = this.density.toArrays();
    return { [WEIGHTS.means]: a.means, [WEIGHTS.factors]: a.factors, [WEIGHTS.shrinkage]: a.shrinkage };
  }
}

/** Density kind `per-location`: one Gaussian per grid location (aligned objects; `LocationDensity`). */
export const locationDensityEntry: DensityEntry = {
  level: 'patch',
  fit(features, count, locations, dimension, options, onProgress) {
    const gde = { shrinkage: options.shrinkage, l2Normalize: options.l2Normalize };
    return new PerLocationDensity(
      LocationDensity.fit(features, count, locations, dimension, gde, (done) => {
        if (done % 64 === 0 || done === locations) onProgress?.(done, locations);
      }),
    );
  },
  fromJSON(json, weights) {
    const [means, factors, shrinkage] = Object.values(WEIGHTS).map((name) => {
      const data = weights[name];
      if (!data) throw new Error(`the weight '${name}' is missing`);
      return data;
    });
    const { locations, dimension, l2Normalize } = json as DensityJSON & { locations: number; dimension: number; l2Normalize: boolean };
    return new PerLocationDensity(
      LocationDensity.fromArrays({ locations, dimension, l2Normalize, means: means!, factors: factors!, shrinkage: shrinkage! }),
    );
  },
};
