import { describeValue } from '../math/validate';
import { KIND_DEFINITIONS } from './kinds';

/** The procedural categories {@link synthesizeCategory} can generate. */
export type SyntheticKind = keyof typeof KIND_DEFINITIONS;

/** Options of {@link synthesizeCategory} and {@link createSyntheticCategory}. */
export interface SyntheticCategoryOptions {
  /** Which category to generate (see {@link listSyntheticKinds}). Required. */
  readonly kind: SyntheticKind;
  /** Seed of everything: the product's look and every sample. Same seed → identical bytes. Default 0. */
  readonly seed?: number | string;
  /** Number of normal training images (`train/good`). Integer ≥ 0. Default 60. */
  readonly trainCount?: number;
  /** Number of test images, normal and defective together. Integer ≥ 0. Default 40. */
  readonly testCount?: number;
  /**
   * Image size in pixels: one number (square) or `[height, width]`, each an integer in [32, 4096]. Default: the
   * kind's own size (`defaultSize` of {@link listSyntheticKinds}): 256 × 256, `ceramic` 256 × 320.
   */
  readonly imageSize?: number | readonly [number, number];
  /** Fraction of the test images that carry a defect, in [0, 1]; rounded to a count. Default 0.5. */
  readonly defectFraction?: number;
  /**
   * How hard the defects are to see, in [0, 1]. 0.5 (default): sizes from ~0.1 % to ~10 % of the image
   * (median ≈ 0.7 %) and contrasts from subtle to strong. Lower values scale every defect up (×1.6 at 0);
   * higher values scale them down (×0.63 at 1) and fade them (to half their contrast at 1).
   */
  readonly difficulty?: number;
  /** Restrict defects to these types of the kind (non-empty subset). Default: all of the kind's types. */
  readonly defectTypes?: readonly string[];
}

/** {@link SyntheticCategoryOptions} with every default filled in and the size split into height and width. */
export interface ResolvedSyntheticOptions {
  readonly kind: SyntheticKind;
  readonly seed: number | string;
  readonly trainCount: number;
  readonly testCount: number;
  readonly height: number;
  readonly width: number;
  readonly defectFraction: number;
  readonly difficulty: number;
  readonly defectTypes: readonly string[];
}

/** Default values of {@link SyntheticCategoryOptions}. */
export const SYNTHETIC_DEFAULTS = Object.freeze({
  seed: 0,
  trainCount: 60,
  testCount: 40,
  imageSize: 256,
  defectFraction: 0.5,
  difficulty: 0.5,
});

/** Smallest and largest allowed image side, in pixels. */
export const SYNTHETIC_SIZE_RANGE = Object.freeze([32, 4096] as const);

/** A kind as listed to users: name, channels, texture or object, defect types, default size. */
export interface SyntheticKindInfo {
  readonly kind: SyntheticKind;
  readonly channels: 1 | 3;
  readonly category: 'texture' | 'object';
  readonly defectTypes: readonly string[];
  /** The size used when no `imageSize` is given, `[height, width]` in pixels. */
  readonly defaultSize: readonly [number, number];
}

/**
 * The available kinds with their channels and defect types.
 *
 * @example
 * listSyntheticKinds().map((k) => k.kind); // ['carpet', 'wood', …]
 */
export function listSyntheticKinds(): SyntheticKindInfo[] {
  return (Object.keys(KIND_DEFINITIONS) as SyntheticKind[]).map((kind) => {
    const d = KIND_DEFINITIONS[kind];
    const side = SYNTHETIC_DEFAULTS.imageSize;
    const defaultSize: readonly [number, number] = d.defaultSize ?? [side, side];
    return { kind, channels: d.channels, category: d.category, defectTypes: [...d.defectTypes], defaultSize };
  });
}

/**
 * Copies `options`, fills the defaults and validates every field; returns a frozen object. Errors are
 * `RangeError` (or `TypeError` for a value of the wrong kind) naming the option, the value and what is allowed.
 *
 * @example
 * resolveSyntheticOptions({ kind: 'wood', imageSize: [128, 192] }).height; // 128
 */
export function resolveSyntheticOptions(options: SyntheticCategoryOptions, fn = 'synthesizeCategory'): ResolvedSyntheticOptions {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${fn}: options must be an object with at least { kind }, got ${describeValue(options)}`);
  }
  const kinds = Object.keys(KIND_DEFINITIONS);
  const kind = options.kind;
  if (typeof kind !== 'string' || !kinds.includes(kind)) {
    throw new RangeError(`${fn}: options.kind must be one of ${kinds.map((k) => `'${k}'`).join(', ')}, got ${describeValue(kind)}`);
  }
  const seed = options.seed ?? SYNTHETIC_DEFAULTS.seed;
  if (!(typeof seed === 'string' || (typeof seed === 'number' && Number.isFinite(seed)))) {
    throw new RangeError(`${fn}: options.seed must be a finite number or a string, got ${describeValue(seed)}`);
  }
  const trainCount = count(fn, 'trainCount', options.trainCount ?? SYNTHETIC_DEFAULTS.trainCount);
  const testCount = count(fn, 'testCount', options.testCount ?? SYNTHETIC_DEFAULTS.testCount);
  const [height, width] = size(fn, options.imageSize ?? KIND_DEFINITIONS[kind].defaultSize ?? SYNTHETIC_DEFAULTS.imageSize);
  const defectFraction = options.defectFraction ?? SYNTHETIC_DEFAULTS.defectFraction;
  if (typeof defectFraction !== 'number' || !(defectFraction >= 0 && defectFraction <= 1)) {
    throw new RangeError(`${fn}: options.defectFraction must be a number in [0, 1], got ${describeValue(defectFraction)}`);
  }
  const difficulty = options.difficulty ?? SYNTHETIC_DEFAULTS.difficulty;
  if (typeof difficulty !== 'number' || !(difficulty >= 0 && difficulty <= 1)) {
    throw new RangeError(`${fn}: options.difficulty must be a number in [0, 1], got ${describeValue(difficulty)}`);
  }
  const allTypes = KIND_DEFINITIONS[kind].defectTypes;
  let defectTypes: readonly string[] = allTypes;
  if (options.defectTypes !== undefined) {
    const list = options.defectTypes;
    const allowed = `a non-empty list of ${kind}'s defect types (${allTypes.map((t) => `'${t}'`).join(', ')})`;
    const given: unknown = list; // checked as unknown: Array.isArray(list) would narrow list to any[]
    if (!Array.isArray(given) || given.length === 0) {
      throw new RangeError(`${fn}: options.defectTypes must be ${allowed}, got ${describeValue(list)}`);
    }
    for (const t of list) {
      if (!allTypes.includes(t)) throw new RangeError(`${fn}: options.defectTypes must be ${allowed}, got ${describeValue(t)}`);
    }
    defectTypes = allTypes.filter((t) => list.includes(t));
  }
  return Object.freeze({
    kind,
    seed,
    trainCount,
    testCount,
    height,
    width,
    defectFraction,
    difficulty,
    defectTypes: Object.freeze([...defectTypes]),
  });
}

function count(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 1_000_000) {
    throw new RangeError(`${fn}: options.${name} must be an integer in [0, 1000000], got ${describeValue(value)}`);
  }
  return value;
}

function size(fn: string, value: unknown): [number, number] {
  const [lo, hi] = SYNTHETIC_SIZE_RANGE;
  const allowed = `an integer in [${lo}, ${hi}] or [height, width] of such integers`;
  const side = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
  if (side(value)) return [value, value];
  if (Array.isArray(value) && value.length === 2 && side(value[0]) && side(value[1])) return [value[0], value[1]];
  const shown = Array.isArray(value) ? `[${value.map(describeValue).join(', ')}]` : describeValue(value);
  throw new RangeError(`${fn}: options.imageSize must be ${allowed}, got ${shown}`);
}
