import { describe, expect, it } from 'vitest';
import { CholeskyDecomposition, Matrix, solve } from 'ml-matrix';
import { cholesky, createRng, NotPositiveDefiniteError, solveLower, solveLowerTransposed } from '../../src/math/index';
import { expectAllClose } from '../helpers/close';

/** A random symmetric positive definite matrix d×d: BᵀB/m + 0.05·I. */
function randomSpd(d: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const m = d + 3;
  const b = Array.from({ length: m }, () => Array.from({ length: d }, () => rng() - 0.5));
  const a = new Matrix(b).transpose().mmul(new Matrix(b)).div(m);
  for (let i = 0; i < d; i++) a.set(i, i, a.get(i, i) + 0.05);
  return Float64Array.from(a.to1DArray());
}

describe('cholesky', () => {
  for (const d of [1, 2, 5, 8, 13, 37]) {
    it(`agrees with ml-matrix's CholeskyDecomposition at dimension ${d}`, () => {
      const a = randomSpd(d, d);
      const l = cholesky(a, d);
      const reference = new CholeskyDecomposition(
        new Matrix(Array.from({ length: d }, (_, i) => Array.from(a.subarray(i * d, i * d + d)))),
      );
      expect(reference.isPositiveDefinite()).toBe(true);
      expectAllClose(l, reference.lowerTriangularMatrix.to1DArray(), 1e-12, 1e-14, 'L');
    });
  }

  it('returns a lower-triangular factor whose product L·Lᵀ gives back the matrix', () => {
    const d = 23;
    const a = randomSpd(d, 99);
    const l = cholesky(a, d);
    const lm = new Matrix(Array.from({ length: d }, (_, i) => Array.from(l.subarray(i * d, i * d + d))));
    for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) expect(l[i * d + j]).toBe(0);
    expectAllClose(lm.mmul(lm.transpose()).to1DArray(), a, 1e-12, 1e-14, 'L·Lᵀ');
  });

  it('throws a NotPositiveDefiniteError (a RangeError) naming the failing row for a singular matrix', () => {
    // Rank 1: [[1, 2], [2, 4]] → the pivot of row 1 is 0.
    const err = (() => {
      try {
        cholesky(new Float64Array([1, 2, 2, 4]), 2);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(NotPositiveDefiniteError);
    expect(err).toBeInstanceOf(RangeError);
    expect((err as NotPositiveDefiniteError).row).toBe(1);
    expect((err as Error).message).toMatch(/cholesky: matrix must be symmetric positive definite, but the pivot of row 1 is 0/);
  });

  it('throws for an indefinite matrix and for a non-symmetric one', () => {
    expect(() => cholesky(new Float64Array([1, 0, 0, -1]), 2)).toThrow(/pivot of row 1 is -1/);
    expect(() => cholesky(new Float64Array([2, 1, 0, 2]), 2)).toThrow(
      /must be symmetric, got matrix\[1\]\[0\] = 0 but matrix\[0\]\[1\] = 1/,
    );
  });

  it('rejects a matrix of the wrong size, type or with NaN', () => {
    expect(() => cholesky(new Float64Array(5), 2)).toThrow(RangeError);
    expect(() => cholesky([1, 0, 0, 1] as unknown as Float64Array, 2)).toThrow(/cholesky: matrix must be a Float64Array, got Array\(4\)/);
    expect(() => cholesky(new Float64Array([1, NaN, NaN, 1]), 2)).toThrow(/NaN at row 0, column 1/);
    expect(() => cholesky(new Float64Array(4), 0)).toThrow(/dimension must be a positive integer, got 0/);
  });
});

describe('solveLower and solveLowerTransposed', () => {
  it('solve A·x = b through the factor like ml-matrix solve()', () => {
    const d = 17;
    const a = randomSpd(d, 5);
    const rng = createRng(8);
    const b = Array.from({ length: d }, () => rng() * 2 - 1);
    const l = cholesky(a, d);
    const x = solveLowerTransposed(l, d, solveLower(l, d, b));
    const am = new Matrix(Array.from({ length: d }, (_, i) => Array.from(a.subarray(i * d, i * d + d))));
    const reference = solve(am, Matrix.columnVector(b)).to1DArray();
    expectAllClose(x, reference, 1e-10, 1e-12, 'x');
  });

  it('solve small triangular systems exactly', () => {
    const l = new Float64Array([2, 0, 1, 1]);
    expect(Array.from(solveLower(l, 2, [2, 3]))).toEqual([1, 2]);
    expect(Array.from(solveLowerTransposed(l, 2, [4, 2]))).toEqual([1, 2]);
  });

  it('reject a zero diagonal and a right-hand side of the wrong length', () => {
    expect(() => solveLower(new Float64Array([0, 0, 1, 1]), 2, [1, 1])).toThrow(/non-zero diagonal, got lower\[0\]\[0\] = 0/);
    expect(() => solveLower(new Float64Array([1, 0, 1, 1]), 2, [1])).toThrow(/b must have length dimension = 2, got length 1/);
    expect(() => solveLowerTransposed(new Float64Array([1, 0, 1, 1]), 2, [1, Infinity])).toThrow(
      /b\[1\] must be a finite number, got Infinity/,
    );
  });
});
