import { describe, expect, it } from 'vitest';
import { GaussianDensity, LocationDensity } from '../../src/index';
import { createRng } from '../../src/advanced';

function features(images: number, locations: number, d: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(images * locations * d);
  for (let i = 0; i < out.length; i++) out[i] = rng() + ((i % d) % 3) * rng();
  return out;
}

function location(data: Float32Array, images: number, locations: number, d: number, l: number): Float32Array[] {
  return Array.from({ length: images }, (_, i) => data.slice((i * locations + l) * d, (i * locations + l + 1) * d));
}

describe('LocationDensity', () => {
  it('scores each location as a GaussianDensity fitted on that location alone (ridge 0), to float32 precision', () => {
    const [n, L, d] = [12, 5, 4];
    const train = features(n, L, d, 1);
    const test = features(3, L, d, 2);
    const density = LocationDensity.fit(train, n, L, d, { l2Normalize: true, ridge: 0 });
    const scores = density.score(test, 3);
    for (let l = 0; l < L; l++) {
      const reference = GaussianDensity.fit(location(train, n, L, d, l), { l2Normalize: true }).score(location(test, 3, L, d, l));
      for (let i = 0; i < 3; i++) expect(scores[i * L + l]! / reference[i]!).toBeCloseTo(1, 4);
    }
  });

  it('stays finite where normal images do not vary at all, thanks to the ridge', () => {
    const [n, L, d] = [8, 3, 4];
    const train = features(n, L, d, 3);
    for (let i = 0; i < n; i++) train.fill(0.5, (i * L + 1) * d, (i * L + 2) * d); // location 1 is constant
    expect(() => LocationDensity.fit(train, n, L, d, { ridge: 0 })).toThrow(/location 1/);
    const density = LocationDensity.fit(train, n, L, d);
    const scores = density.score(features(2, L, d, 4), 2);
    expect(scores.every(Number.isFinite)).toBe(true);
  });

  it('round-trips through toArrays/fromArrays with identical scores, and validates the arrays', () => {
    const [n, L, d] = [6, 4, 3];
    const density = LocationDensity.fit(features(n, L, d, 5), n, L, d);
    const copy = LocationDensity.fromArrays(density.toArrays());
    const test = features(2, L, d, 6);
    expect(Array.from(copy.score(test, 2))).toEqual(Array.from(density.score(test, 2)));
    const arrays = density.toArrays();
    expect(() => LocationDensity.fromArrays({ ...arrays, factors: arrays.factors.slice(1) })).toThrow(/factors must have length 24/);
    expect(() => LocationDensity.fit(features(1, L, d, 1), 1, L, d)).toThrow(/at least 2/);
    expect(() => LocationDensity.fit(features(n, L, d, 1), n, L, d, { ridge: -1 })).toThrow(/ridge/);
  });
});

describe('locationAlignment', () => {
  it('is the between-location share of the variance: 0 when every location has the same distribution, near 1 when locations differ', async () => {
    const { locationAlignment } = await import('../../src/advanced');
    const [n, L, d] = [40, 6, 3];
    const rng = createRng(9);
    const stationary = new Float32Array(n * L * d).map(() => rng());
    const aligned = stationary.map((v, i) => v * 0.01 + (Math.floor(i / d) % L)); // location l sits around l
    expect(locationAlignment(stationary, n, L, d, false)).toBeLessThan(0.05);
    expect(locationAlignment(aligned, n, L, d, false)).toBeGreaterThan(0.99);
    // By hand, d = 1, two locations, two images: values (0, 2) at location 0 and (4, 6) at location 1.
    const hand = new Float32Array([0, 4, 2, 6]); // [image][location]
    // grand mean 3; total variance (9 + 1 + 1 + 9) / 4 = 5; location means 1 and 5 → between (4 + 4) / 2 = 4.
    expect(locationAlignment(hand, 2, 2, 1, false)).toBeCloseTo(0.8, 12);
  });
});
