import { expect } from 'vitest';

/**
 * Asserts |actual − expected| ≤ atol + rtol·|expected| element-wise (numpy's `allclose` rule) and reports
 * the worst index. Returns the largest relative difference seen (for information).
 */
export function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol = 0, what = 'values'): number {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  let maxRel = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const diff = Math.abs(a - e);
    if (e !== 0) maxRel = Math.max(maxRel, diff / Math.abs(e));
    const excess = diff - (atol + rtol * Math.abs(e));
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess)) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    expect.fail(`${what}[${worst}] = ${actual[worst]} differs from ${expected[worst]} by more than ${atol} + ${rtol}·|expected|`);
  }
  return maxRel;
}

/** Splits a flat row-major array into `rows` arrays of `cols` numbers. */
export function toRows(data: readonly number[], rows: number, cols: number): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < rows; r++) out.push(data.slice(r * cols, (r + 1) * cols));
  return out;
}
