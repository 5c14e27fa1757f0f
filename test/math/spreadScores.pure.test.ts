import { describe, expect, it } from 'vitest';
import { spreadScores, type PatchGridGeometry } from '../../src/advanced';

const grid: PatchGridGeometry = { rows: 3, cols: 4, patchHeight: 8, patchWidth: 6, strideY: 4, strideX: 3, height: 18, width: 17 };

describe('spreadScores', () => {
  it('turns a constant grid into a constant map, borders included', () => {
    const map = spreadScores(new Array(12).fill(2.5), grid, 2);
    expect(map).toHaveLength(18 * 17);
    expect(map.every((v) => Math.abs(v - 2.5) < 1e-6)).toBe(true);
  });

  it('puts one high patch’s score at its centre, fading with distance, with weights of a Gaussian', () => {
    const scores = new Array(12).fill(0);
    scores[1 * 4 + 2] = 10; // patch at rows 4…11, cols 6…11
    const map = spreadScores(scores, grid, 2);
    const at = (y: number, x: number) => map[y * 17 + x]!;
    expect(at(7, 8)).toBeGreaterThan(at(4, 6));
    expect(at(0, 0)).toBe(0);
    // Pixel (7, 8): covered by patches (r, c) with r·4 ≤ 7 < r·4+8 and c·3 ≤ 8 < c·3+6, i.e. r ∈ {0, 1}, c ∈ {1, 2}.
    const g = (i: number, size: number) => Math.exp(-((i - (size - 1) / 2) ** 2) / 8);
    const w = (r: number, c: number) => g(7 - 4 * r, 8) * g(8 - 3 * c, 6);
    const expected = (10 * w(1, 2)) / (w(0, 1) + w(0, 2) + w(1, 1) + w(1, 2));
    expect(at(7, 8)).toBeCloseTo(expected, 5);
  });

  it('rejects grids that do not fit, wrong score counts and bad sigmas', () => {
    expect(() => spreadScores(new Array(12).fill(0), { ...grid, rows: 4 }, 2)).toThrow(/does not fit/);
    expect(() => spreadScores(new Array(11).fill(0), grid, 2)).toThrow(/scores must have length/);
    expect(() => spreadScores(new Array(12).fill(0), grid, 0)).toThrow(/sigma must be a finite number > 0, got 0/);
    expect(() => spreadScores([NaN, ...new Array<number>(11).fill(0)], grid, 1)).toThrow(/scores\[0\]/);
  });
});
