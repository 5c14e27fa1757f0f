import seedrandom from 'seedrandom';

/** A source of uniform random numbers in [0, 1). Every random function of the library takes one. */
export type Rng = () => number;

/**
 * A seeded generator (seedrandom's `alea`: fast, 32-bit state, the same stream on every platform).
 *
 * @example
 * const rng = createRng(42);
 * rng(); // 0.5315...
 */
export function createRng(seed: number | string): Rng {
  if (typeof seed === 'number' && !Number.isFinite(seed)) {
    throw new RangeError(`createRng: seed must be a finite number or a string, got ${seed}`);
  }
  if (typeof seed !== 'number' && typeof seed !== 'string') {
    throw new TypeError(
      `createRng: seed must be a finite number or a string, got ${typeof seed === 'object' && seed !== null ? 'an object' : String(seed)}`,
    );
  }
  return seedrandom.alea(String(seed));
}

/** Uniform in [low, high). */
export function uniform(rng: Rng, low: number, high: number): number {
  return low + (high - low) * rng();
}

/** Integer uniform in [low, high] (both ends included). */
export function randomInt(rng: Rng, low: number, high: number): number {
  return low + Math.floor(rng() * (high - low + 1));
}

/** Log-uniform in [low, high): the log of the result is uniform. */
export function logUniform(rng: Rng, low: number, high: number): number {
  return Math.exp(uniform(rng, Math.log(low), Math.log(high)));
}

/** Fisher–Yates shuffle of `array` in place, driven by `rng`; returns the array. */
export function shuffleInPlace<T>(array: T[], rng: Rng): T[] {
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = array[i]!;
    array[i] = array[j]!;
    array[j] = t;
  }
  return array;
}
