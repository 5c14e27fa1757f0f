import { GaussianDensity } from './GaussianDensity';
import type { DensityJSON, FeatureDensity } from './featureDensity';

/**
 * A {@link FeatureDensity} of one Gaussian over every row, whatever its location: the `image` and
 * `shared` kinds. Saved as `{ kind, gde: GaussianDensity.toJSON() }`.
 */
export class GaussianFeatureDensity implements FeatureDensity {
  constructor(
    readonly kind: string,
    readonly gaussian: GaussianDensity,
  ) {}

  get dimension(): number {
    return this.gaussian.dimension;
  }

  score(features: Float32Array, count: number, locations: number): Float32Array {
    return Float32Array.from(this.gaussian.scoreMatrix(features, count * locations));
  }

  toJSON(): DensityJSON {
    return { kind: this.kind, gde: this.gaussian.toJSON() };
  }

  /** Reads `{ kind, gde }` back (`GaussianDensity.fromJSON` validates `gde`). */
  static fromJSON(json: DensityJSON): GaussianFeatureDensity {
    return new GaussianFeatureDensity(json.kind, GaussianDensity.fromJSON(json.gde));
  }
}
