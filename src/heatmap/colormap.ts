import { describeValue } from '../math/validate';
import { COLORMAP_TABLES } from './colormapTables';

/** Names of the built-in colour maps (matplotlib's tables, 256 entries). */
export type ColormapName = keyof typeof COLORMAP_TABLES;

/** Options of {@link applyColormap}. */
export interface ColormapOptions {
  /**
   * `[low, high]`: values ≤ low get the map's first colour, ≥ high its last. Default: the values' own
   * minimum and maximum — which makes colours incomparable across images; pass a fixed range (e.g.
   * `[0, 2 * threshold]`) to compare several heatmaps.
   */
  range?: readonly [number, number];
  /** `'jet'` (blue → red, the classic), `'turbo'` (an even-brightness jet) or `'inferno'` (black → yellow, perceptually uniform). Default `'jet'`. */
  colormap?: ColormapName;
}

const decoded = new Map<ColormapName, Uint8Array>();

/** The 256 × RGB table of a colour map (decoded once). */
export function colormapTable(name: ColormapName): Uint8Array {
  resolveColormap(name ?? 'undefined', 'colormapTable', 'name'); // throws for an unknown name (no default here)
  let table = decoded.get(name);
  if (!table) {
    const hex = COLORMAP_TABLES[name];
    table = new Uint8Array(256 * 3);
    for (let i = 0; i < table.length; i++) table[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
    decoded.set(name, table);
  }
  return table;
}

/** Validates a colour map name. */
export function resolveColormap(value: unknown, fn: string, name: string): ColormapName {
  if (value === undefined) return 'jet';
  if (typeof value === 'string' && Object.hasOwn(COLORMAP_TABLES, value)) return value as ColormapName;
  throw new RangeError(
    `${fn}: ${name} must be one of ${Object.keys(COLORMAP_TABLES)
      .map((k) => `'${k}'`)
      .join(', ')}, got ${describeValue(value)}`,
  );
}

/** Validates values (finite) and a range, returning `[low, high]` (default: the values' extrema). */
export function resolveRange(values: ArrayLike<number>, range: unknown, fn: string, name: string): [number, number] {
  let low = Infinity;
  let high = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new RangeError(`${fn}: scores must be finite, got ${v} at index ${i}`);
    if (v < low) low = v;
    if (v > high) high = v;
  }
  if (range === undefined) return values.length > 0 ? [low, high] : [0, 1];
  if (
    !Array.isArray(range) ||
    range.length !== 2 ||
    !range.every((v) => typeof v === 'number' && Number.isFinite(v)) ||
    !(range[0] < range[1])
  ) {
    throw new RangeError(
      `${fn}: ${name} must be [low, high] with finite low < high, got ${Array.isArray(range) ? `[${range.join(', ')}]` : describeValue(range)}`,
    );
  }
  return [range[0] as number, range[1] as number];
}

/**
 * Maps scores to colours: each value is normalised by `range` to [0, 1] (clamped) and looked up in a
 * 256-colour table. Pure JavaScript (no Node, no tfjs).
 *
 * @param values any number of finite scores (e.g. a `ScoreMap`'s `data`)
 * @returns RGB bytes, `values.length × 3`
 * @throws RangeError for a non-finite value, an invalid range or an unknown colour map
 * @example
 * const rgb = applyColormap(map.data, { range: [0, 2 * detector.threshold!.value], colormap: 'turbo' });
 */
export function applyColormap(values: ArrayLike<number>, options: ColormapOptions = {}): Uint8Array {
  const fn = 'applyColormap';
  const table = colormapTable(resolveColormap(options.colormap, fn, 'options.colormap'));
  const [low, high] = resolveRange(values, options.range, fn, 'options.range');
  const scale = high > low ? 255 / (high - low) : 0;
  const out = new Uint8Array(values.length * 3);
  for (let i = 0; i < values.length; i++) {
    const k = Math.round(Math.min(255, Math.max(0, (values[i]! - low) * scale))) * 3;
    out[i * 3] = table[k]!;
    out[i * 3 + 1] = table[k + 1]!;
    out[i * 3 + 2] = table[k + 2]!;
  }
  return out;
}
