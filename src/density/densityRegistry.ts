import { Registry } from '../math/registry';
import type { DensityEntry } from './featureDensity';
import { imageDensity } from './imageDensity';
import { locationDensityEntry } from './locationDensityEntry';
import { sharedDensity } from './sharedDensity';

/** The registered density kinds, in registration order (the built-ins first). */
const registry = new Registry<DensityEntry>(
  'registerDensity',
  "{ level: 'image' | 'patch', fit, fromJSON }",
  (e) => {
    const d = e as Partial<DensityEntry>;
    return (d.level === 'image' || d.level === 'patch') && typeof d.fit === 'function' && typeof d.fromJSON === 'function';
  },
  [
    ['image', imageDensity],
    ['shared', sharedDensity],
    ['per-location', locationDensityEntry],
  ],
);

/**
 * Registers `entry` under `kind` (or, with `undefined`, unregisters `kind`), so detectors can fit it
 * and `load` reads its saves back by kind.
 *
 * @returns the entry registered under `kind` before, if any
 * @throws TypeError when `kind` is not a non-empty string of at most 64 characters or `entry` is not a `DensityEntry`
 * @example
 * registerDensity('diagonal', { level: 'patch', fit: fitDiagonal, fromJSON: diagonalFromJSON });
 */
export function registerDensity(kind: string, entry: DensityEntry | undefined): DensityEntry | undefined {
  return registry.register(kind, entry);
}

/**
 * The entry registered under `kind`, or `undefined`.
 * @example
 * const density = densityFor('shared')!.fit(features, count, locations, dimension, options);
 */
export function densityFor(kind: string): DensityEntry | undefined {
  return registry.get(kind);
}

/**
 * The registered kinds, in registration order; with `level`, only those of that level.
 * @example
 * densityKinds('patch'); // ['shared', 'per-location']
 */
export function densityKinds(level?: DensityEntry['level']): string[] {
  return registry
    .entries()
    .filter(([, entry]) => level === undefined || entry.level === level)
    .map(([kind]) => kind);
}
