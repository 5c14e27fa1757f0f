import { GaussianDensity, type GaussianDensityJSON } from '../density/GaussianDensity';
import { LocationDensity } from '../density/LocationDensity';
import type { GaussianDensityOptions } from '../density/gaussianDensityOptions';
import { createRng, shuffleInPlace } from '../math/random';
import type { Encoder } from '../models/types';
import { patchLayout } from './embedding';
import type { ResolvedCutPasteOptions } from './options';

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

/**
 * Throws (a plain Error, which `load` wraps in a FormatError) unless `density` can score what the
 * detector's `encoder` and `options` produce: its kind fits `options.mode` and `options.perLocation`
 * (and the saved report's `density`, when there is one), its dimension is the encoder's feature
 * dimension, and a density per location has one density per location of the patch grid.
 */
export function checkDensityFits(
  density: DetectorDensity,
  options: ResolvedCutPasteOptions,
  encoder: Encoder,
  reported?: DetectorDensity['kind'],
): void {
  const { kind } = density;
  const modeKinds = options.mode === 'image' ? ['image'] : options.perLocation === 'auto' ? ['shared', 'per-location'] : [options.perLocation ? 'per-location' : 'shared'];
  if (!modeKinds.includes(kind)) {
    throw new Error(`density.kind '${kind}' does not fit options.mode '${options.mode}' with perLocation ${String(options.perLocation)} (allowed: ${modeKinds.join(', ')})`);
  }
  if (reported !== undefined && reported !== kind) throw new Error(`density.kind '${kind}' differs from report.density '${reported}'`);
  const dimension = kind === 'per-location' ? density.density.dimension : density.gde.dimension;
  if (dimension !== encoder.featureDim) {
    throw new Error(`the density's dimension ${dimension} differs from the encoder's feature dimension ${encoder.featureDim}`);
  }
  if (kind === 'per-location') {
    const [height, width] = options.imageSize;
    const grid = patchLayout(encoder, height, width, options.patchSize, options.stride);
    const locations = grid.rows * grid.cols;
    if (density.density.locations !== locations) {
      throw new Error(
        `density.locations is ${density.density.locations} but options.imageSize ${height}×${width}, patchSize ${options.patchSize} and stride ${options.stride} give a ${grid.rows}×${grid.cols} grid of ${locations} locations`,
      );
    }
  }
}
