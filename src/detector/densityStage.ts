import { densityFor, densityKinds } from '../density/densityRegistry';
import type { DensityFitOptions, DensityJSON, FeatureDensity } from '../density/featureDensity';
import type { Encoder } from '../models/types';
import { featureDimension, featureStagesOf, patchLayout } from './embedding';
import type { ResolvedCutPasteOptions } from './options';

/**
 * The fitted density of a detector: a {@link FeatureDensity} of a registered kind (`registerDensity`).
 * Built in: `image` (one GDE over pooled image features), `shared` (one GDE over patch embeddings,
 * shared by every grid location: textures) and `per-location` (one GDE per grid location: aligned objects).
 */
export type DetectorDensity = FeatureDensity;

/** The JSON part of a density (large arrays travel as weights, see `FeatureDensity.toWeights`). */
export type DetectorDensityJSON = DensityJSON;

/**
 * Fits a density of the registered `kind` to training features.
 *
 * @param features `[count, dimension]` (image) or `[count, locations, dimension]` (patch).
 * @throws RangeError when no density is registered under `kind`
 */
export function fitDensity(
  kind: string,
  features: Float32Array,
  count: number,
  locations: number,
  dimension: number,
  options: DensityFitOptions,
  onProgress?: (done: number, total: number) => void,
): DetectorDensity {
  const entry = densityFor(kind);
  if (!entry) throw new RangeError(`fitDensity: no density is registered under kind '${kind}' (registered: ${densityKinds().join(', ')})`);
  return entry.fit(features, count, locations, dimension, options, onProgress);
}

/**
 * Scores features under the density: `[count]` (image) or `[count, locations]` (patch), float32.
 */
export function scoreDensity(density: DetectorDensity, features: Float32Array, count: number, locations: number): Float32Array {
  return density.score(features, count, locations);
}

/** The JSON-able description of a density (its arrays saved as weights are not part of it). */
export function densityToJSON(density: DetectorDensity): DetectorDensityJSON {
  return density.toJSON();
}

/**
 * Throws (a plain Error, which `load` wraps in a FormatError) unless `density` can score what the
 * detector's `encoder` and `options` produce: its kind fits `options.mode` and `options.perLocation`
 * (and the saved report's `density`, when there is one), its dimension is the encoder's feature
 * dimension, and a density per location has one density per location of the patch grid.
 */
export function checkDensityFits(density: DetectorDensity, options: ResolvedCutPasteOptions, encoder: Encoder, reported?: string): void {
  const { kind } = density;
  const modeKinds =
    options.mode === 'image'
      ? densityKinds('image')
      : options.perLocation === 'auto'
        ? densityKinds('patch')
        : [options.perLocation ? 'per-location' : 'shared'];
  if (!modeKinds.includes(kind)) {
    throw new Error(
      `density.kind '${kind}' does not fit options.mode '${options.mode}' with perLocation ${String(options.perLocation)} (allowed: ${modeKinds.join(', ')})`,
    );
  }
  if (reported !== undefined && reported !== kind) throw new Error(`density.kind '${kind}' differs from report.density '${reported}'`);
  const dimension = featureDimension(encoder, featureStagesOf(encoder, options.featureStages));
  if (density.dimension !== dimension) {
    throw new Error(
      `the density's dimension ${density.dimension} differs from the ${dimension} of the encoder's features (featureStages ${JSON.stringify(options.featureStages)})`,
    );
  }
  if (density.locations !== undefined) {
    const [height, width] = options.imageSize;
    const grid = patchLayout(encoder, height, width, options.patchSize, options.stride);
    const locations = grid.rows * grid.cols;
    if (density.locations !== locations) {
      throw new Error(
        `density.locations is ${density.locations} but options.imageSize ${height}×${width}, patchSize ${options.patchSize} and stride ${options.stride} give a ${grid.rows}×${grid.cols} grid of ${locations} locations`,
      );
    }
  }
}
