import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Rng } from '../math/random';

/** A closed interval `[min, max]` of an option (a sampling range). */
export type Range = readonly [number, number];

/** The shape of a validated image batch. */
export interface ImageShape {
  batch: number;
  height: number;
  width: number;
  channels: number;
}

const show = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof tf.Tensor) return `a ${value.dtype} tensor of shape [${value.shape.join(', ')}]`;
  return String(value);
};

/**
 * Checks a batch of images: a float32 `tf.Tensor4D` [batch, height, width, channels] with 1 or 3
 * channels and no empty dimension. Pixel values are not checked (that would read the data back).
 */
export function checkImages(op: string, images: unknown, name = 'images'): ImageShape {
  if (!(images instanceof tf.Tensor)) {
    throw new TypeError(`${op}: ${name} must be a tf.Tensor4D [batch, height, width, channels], got ${show(images)}`);
  }
  if (images.rank !== 4) {
    throw new RangeError(
      `${op}: ${name} must have rank 4 [batch, height, width, channels], got shape [${images.shape.join(', ')}]`,
    );
  }
  if (images.dtype !== 'float32') {
    throw new TypeError(`${op}: ${name} must be float32 (values in [0, 1]), got ${images.dtype}`);
  }
  const [batch, height, width, channels] = images.shape as [number, number, number, number];
  if (channels !== 1 && channels !== 3) {
    throw new RangeError(`${op}: ${name} must have 1 or 3 channels, got ${channels} (shape [${images.shape.join(', ')}])`);
  }
  if (batch < 1 || height < 1 || width < 1) {
    throw new RangeError(`${op}: ${name} must not be empty, got shape [${images.shape.join(', ')}]`);
  }
  return { batch, height, width, channels };
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

/** Checks a finite number option inside `[min, max]` (ends per `bounds`). */
export function checkNumber(op: string, name: string, value: unknown, bounds: Bounds): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !inBounds(value, bounds)) {
    const lo = bounds.minInclusive === false ? '(' : '[';
    const hi = bounds.maxInclusive === false ? ')' : ']';
    throw new RangeError(`${op}: ${name} must be a number in ${lo}${bounds.min}, ${bounds.max}${hi}, got ${show(value)}`);
  }
  return value;
}

/** Checks a size option: a positive integer or `[height, width]` of positive integers. */
export function checkSize(op: string, name: string, value: unknown): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : value;
  if (
    !Array.isArray(pair) ||
    pair.length !== 2 ||
    !pair.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 1)
  ) {
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
