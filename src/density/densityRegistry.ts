import { describeValue } from '../math/validate';
import type { DensityEntry } from './featureDensity';
import { imageDensity } from './imageDensity';
import { locationDensityEntry } from './locationDensityEntry';
import { sharedDensity } from './sharedDensity';

/** The registered density kinds, in registration order (the built-ins first). */
const registry = new Map<string, DensityEntry>([
  ['image', imageDensity],
  ['shared', sharedDensity],
  ['per-location', locationDensityEntry],
]);

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
  const fn = 'registerDensity';
  if (typeof kind !== 'string' || kind.length === 0 || kind.length > 64) {
    throw new TypeError(`${fn}: kind must be a non-empty string of at most 64 characters, got ${describeValue(kind)}`);
  }
  const e = entry as Partial<DensityEntry> | undefined;
  if (
    e !== undefined &&
    (typeof e !== 'object' ||
      e === null ||
      (e.level !== 'image' && e.level !== 'patch') ||
      typeof e.fit !== 'function' ||
      typeof e.fromJSON !== 'function')
  ) {
    throw new TypeError(`${fn}: entry must be { level: 'image' | 'patch', fit, fromJSON } or undefined, got ${describeValue(entry)}`);
  }
  const previous = registry.get(kind);
  if (entry === undefined) registry.delete(kind);
  else registry.set(kind, entry);
  return previous;
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
  return [...registry].filter(([, entry]) => level === undefined || entry.level === level).map(([kind]) => kind);
}
