import { createRng, type Rng } from '../math/random';
import { capText, checkNumberInRange, describeValue } from '../math/validate';

/** A closed interval `[min, max]` of an option (a sampling range). */
export type Range = readonly [number, number];

const isTensorLike = (value: object): value is { dtype: string; shape: number[] } =>
  'dtype' in value && 'shape' in value && Array.isArray((value as { shape: unknown }).shape);

/**
 * How the ops' error messages show a received value: {@link describeValue} (the numeric core's), plus
 * what option values need: arrays by their contents (`[0.9, 0.1]`, cut at {@link capText}'s length),
 * tensors by dtype and shape, plain objects by their keys.
 */
export function show(value: unknown): string {
  if (Array.isArray(value)) return capText(`[${value.map(show).join(', ')}]`);
  if (typeof value === 'object' && value !== null && isTensorLike(value)) {
    return `a ${value.dtype} tensor of shape [${value.shape.join(', ')}]`;
  }
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return capText(`an object with keys ${Object.keys(value).join(', ') || '(none)'}`);
  }
  return describeValue(value);
}

/** Bounds for {@link checkRange}: the allowed interval and whether its ends are allowed. */
export interface Bounds {
  min: number;
  max: number;
  /** Whether `min` itself is allowed. Default true. */
  minInclusive?: boolean;
  /** Whether `max` itself is allowed. Default true. */
  maxInclusive?: boolean;
}

const describe = (b: Bounds): string =>
  `${b.min} ${b.minInclusive === false ? '<' : '≤'} min ≤ max ${b.maxInclusive === false ? '<' : '≤'} ${b.max}`;

const inBounds = (v: number, b: Bounds): boolean =>
  (b.minInclusive === false ? v > b.min : v >= b.min) && (b.maxInclusive === false ? v < b.max : v <= b.max);

/** Checks a `[min, max]` option (finite, ordered, inside `bounds`) and returns a frozen copy. */
export function checkRange(op: string, name: string, value: unknown, bounds: Bounds): Range {
  const ok =
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((v) => typeof v === 'number' && Number.isFinite(v)) &&
    (value[0] as number) <= (value[1] as number) &&
    inBounds(value[0] as number, bounds) &&
    inBounds(value[1] as number, bounds);
  if (!ok) {
    throw new RangeError(`${op}: options.${name} must be [min, max] with ${describe(bounds)}, got ${show(value)}`);
  }
  return Object.freeze([value[0], value[1]] as [number, number]);
}

/**
 * Checks a number option inside `bounds` ({@link checkNumberInRange} with the ops' {@link Bounds}):
 * a `TypeError` for a value that is not a number, a `RangeError` for one outside the bounds or NaN.
 */
export function checkNumber(op: string, name: string, value: unknown, bounds: Bounds): number {
  const ends = { minExclusive: bounds.minInclusive === false, maxExclusive: bounds.maxInclusive === false };
  return checkNumberInRange(op, name, value, bounds.min, bounds.max, ends);
}

/**
 * Checks the `centre` option of the pasting ops: the middle fraction of each side, in (0, 1], where a
 * pasted patch's centre is drawn (default 1: anywhere the patch fits).
 */
export function checkCentre(op: string, value: unknown): number {
  return value === undefined ? 1 : checkNumber(op, 'centre', value, { min: 0, max: 1, minInclusive: false });
}

/** Checks a size option: a positive integer or `[height, width]` of positive integers. */
export function checkSize(op: string, name: string, value: unknown): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 1)) {
    throw new RangeError(`${op}: ${name} must be a positive integer or [height, width] of positive integers, got ${show(value)}`);
  }
  return [pair[0] as number, pair[1] as number];
}

/** Rejects option keys the op does not know (catches typos such as `aspectRatio`). */
export function checkKeys(op: string, options: unknown, known: readonly string[], name = 'options'): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${op}: ${name} must be an object, got ${show(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(`${op}: unknown option "${key}"; allowed: ${known.join(', ')}`);
    }
  }
}

let unseededCalls = 0;

/**
 * The generator an op uses: `rng` when given, otherwise a fresh generator seeded from the clock and
 * a call counter, so that calls without `rng` differ from each other and are not reproducible.
 * Pass `rng` (e.g. `createRng(seed)`) for reproducible output.
 */
export function resolveRng(op: string, rng: unknown): Rng {
  if (rng === undefined) return createRng(`cutpaste-ops:${Date.now()}:${++unseededCalls}`);
  if (typeof rng !== 'function') {
    throw new TypeError(`${op}: options.rng must be a function returning numbers in [0, 1), got ${show(rng)}`);
  }
  return rng as Rng;
}
