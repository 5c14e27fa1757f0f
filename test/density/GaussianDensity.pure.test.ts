import { describe, expect, it } from 'vitest';
import { Matrix, solve } from 'ml-matrix';
import { GaussianDensity } from '../../src/density/index';
import { createRng, NotPositiveDefiniteError } from '../../src/math/index';
import fixture from '../fixtures/ledoit-wolf.json';
import shrunk from '../fixtures/shrunk-covariance.json';
import { expectAllClose, toRows } from '../helpers/close';

// Mahalanobis distances against scikit-learn's `.mahalanobis` (which uses the pseudo-inverse): 1e-9 relative.
describe('GaussianDensity', () => {
  for (const c of fixture.cases) {
    it(`scores held-out rows like scikit-learn's LedoitWolf().mahalanobis for ${c.name}`, () => {
      const gde = GaussianDensity.fit(toRows(c.data, c.rows, c.cols));
      expect(gde.dimension).toBe(c.cols);
      expect(gde.shrinkageMethod).toBe('ledoit-wolf');
      expectAllClose([gde.shrinkage], [c.shrinkage], 1e-9, 1e-15, 'shrinkage');
      expectAllClose(gde.mean, c.mean, 1e-12, 1e-12, 'mean');
      expectAllClose(gde.score(toRows(c.heldOut, 6, c.cols)), c.mahalanobis, 1e-9, 0, 'mahalanobis');
    });
  }

  for (const c of shrunk.cases) {
    it(`scores like scikit-learn with a fixed shrinkage of ${c.shrinkage}`, () => {
      const gde = GaussianDensity.fit(toRows(shrunk.data, shrunk.rows, shrunk.cols), { shrinkage: c.shrinkage });
      expect(gde.shrinkage).toBe(c.shrinkage);
      expect(gde.shrinkageMethod).toBe('fixed');
      expectAllClose(gde.covariance, c.covariance, 1e-10, 1e-12, 'covariance');
      expectAllClose(gde.score(toRows(shrunk.heldOut, 10, shrunk.cols)), c.mahalanobis, 1e-8, 0, 'mahalanobis');
    });
  }

  it('L2-normalises fitted and scored rows when asked, like sklearn normalize() before LedoitWolf', () => {
    const ref = shrunk.l2Normalized;
    const gde = GaussianDensity.fit(toRows(shrunk.data, shrunk.rows, shrunk.cols), { l2Normalize: true });
    expectAllClose([gde.shrinkage], [ref.shrinkage], 1e-9, 0, 'shrinkage');
    expectAllClose(gde.covariance, ref.covariance, 1e-9, 1e-14, 'covariance');
    expectAllClose(gde.score(toRows(shrunk.heldOut, 10, shrunk.cols)), ref.mahalanobis, 1e-8, 0, 'mahalanobis');
    const flat = gde.scoreMatrix(Float64Array.from(shrunk.heldOut), 10);
    expectAllClose(flat, ref.mahalanobis, 1e-8, 0, 'mahalanobis (flat)');
  });

  it('agrees with an independent solve (ml-matrix) for a dimension that is odd and many rows', () => {
    const rng = createRng(21);
    const d = 11;
    const train = Array.from({ length: 50 }, () => Array.from({ length: d }, (_, c) => rng() * (1 + c)));
    const test = Array.from({ length: 7 }, () => Array.from({ length: d }, () => rng() * 5));
    const gde = GaussianDensity.fit(train);
    const sigma = new Matrix(Array.from({ length: d }, (_, i) => Array.from(gde.covariance.subarray(i * d, i * d + d))));
    const mu = gde.mean;
    const expected = test.map((row) => {
      const z = row.map((v, i) => v - mu[i]!);
      const w = solve(sigma, Matrix.columnVector(z)).to1DArray();
      return z.reduce((s, v, i) => s + v * w[i]!, 0);
    });
    expectAllClose(gde.score(test), expected, 1e-10, 0, 'mahalanobis');
  });

  it('scores a flat Float32Array exactly like the same rows given as arrays', () => {
    const c = fixture.cases[0]!;
    const gde = GaussianDensity.fitMatrix(Float32Array.from(c.data), c.rows, c.cols);
    const rows = toRows(c.heldOut, 6, c.cols);
    expect(Array.from(gde.scoreMatrix(Float32Array.from(c.heldOut), 6))).toEqual(Array.from(gde.score(rows)));
    expect(Array.from(GaussianDensity.fit(toRows(c.data, c.rows, c.cols)).score(rows))).toEqual(Array.from(gde.score(rows)));
    expect(gde.score([]).length).toBe(0);
  });

  it('round-trips through JSON text with bit-identical scores', () => {
    const c = fixture.cases[1]!;
    const gde = GaussianDensity.fit(toRows(c.data, c.rows, c.cols), { l2Normalize: true });
    const text = JSON.stringify(gde);
    const copy = GaussianDensity.fromJSON(JSON.parse(text));
    const rows = toRows(c.heldOut, 6, c.cols);
    expect(Array.from(copy.score(rows))).toEqual(Array.from(gde.score(rows)));
    expect(copy.dimension).toBe(gde.dimension);
    expect(copy.shrinkage).toBe(gde.shrinkage);
    expect(copy.l2Normalize).toBe(true);
    expect(JSON.parse(text)).toMatchObject({ format: 'cutpaste.GaussianDensity', version: 1, dimension: c.cols });
  });

  it('refuses the empirical covariance (shrinkage 0) with fewer rows than features, explaining why', () => {
    const c = fixture.cases[1]!; // 10 rows × 25 features
    const fit = () => GaussianDensity.fit(toRows(c.data, c.rows, c.cols), { shrinkage: 0 });
    expect(fit).toThrow(NotPositiveDefiniteError);
    expect(fit).toThrow(RangeError);
    expect(fit).toThrow(/shrinkage 0\) of 10 rows × 25 features is singular.*use shrinkage 'ledoit-wolf'/);
  });

  it('refuses rows without spread', () => {
    expect(() =>
      GaussianDensity.fit([
        [1, 2],
        [1, 2],
        [1, 2],
      ]),
    ).toThrow(/no spread/);
  });

  it('fits two rows with Ledoit-Wolf, whose own shrinkage (0) leaves a singular covariance, with shrinkage 1', () => {
    const rows = [
      [1, 2, 3, 4],
      [2, 0, 1, 5],
    ];
    const gde = GaussianDensity.fit(rows);
    expect(gde.shrinkage).toBe(1);
    expect(gde.shrinkageMethod).toBe('ledoit-wolf');
    // trace(S)/d · I: each training row scores exactly d, their midpoint 0.
    expect(Array.from(gde.score([...rows, [1.5, 1, 2, 4.5]])).map((s) => Number(s.toFixed(9)))).toEqual([4, 4, 0]);
    // Two images each given twice: the same degenerate case.
    expect(GaussianDensity.fit([...rows, ...rows]).shrinkage).toBe(1);
  });

  it('says "no spread" only when the rows have none', () => {
    const singular = () =>
      GaussianDensity.fit(
        [
          [1, 2, 3],
          [2, 4, 5],
        ],
        { shrinkage: 0 },
      );
    expect(singular).toThrow(/shrinkage 0\) of 2 rows × 3 features is singular/);
    expect(singular).not.toThrow(/no spread/);
    expect(() =>
      GaussianDensity.fit(
        [
          [1, 2],
          [1, 2],
        ],
        { shrinkage: 0.5 },
      ),
    ).toThrow(/the rows have no spread \(total variance 0\)/);
  });

  it('rejects bad options, bad rows and bad JSON with messages naming the argument', () => {
    const rows = [
      [1, 2],
      [2, 1],
      [0, 0],
    ];
    expect(() => GaussianDensity.fit(rows, { shrinkage: 1.5 })).toThrow(/options.shrinkage must be a number in \[0, 1\], got 1.5/);
    expect(() => GaussianDensity.fit(rows, { shrinkage: 'oas' as never })).toThrow(TypeError);
    expect(() => GaussianDensity.fit(rows, { l2Normalize: 1 as never })).toThrow(/l2Normalize must be a boolean, got 1/);
    expect(() => GaussianDensity.fit([[1, 2]])).toThrow(/GaussianDensity.fit: rows must contain at least 2 rows, got 1/);
    expect(() =>
      GaussianDensity.fit([
        [1, 2],
        [1, 2, 3],
      ]),
    ).toThrow(/rows\[1\] must have length 2 \(the length of rows\[0\]\), got length 3/);
    expect(() =>
      GaussianDensity.fit([
        [1, 2],
        [1, NaN],
      ]),
    ).toThrow(/rows\[1\]\[1\] must be a finite number, got NaN/);
    expect(() => GaussianDensity.fitMatrix(new Float32Array(3), 1, 3)).toThrow(/rows must be at least 2/);
    const gde = GaussianDensity.fit(rows);
    expect(() => gde.score([[1, 2, 3]])).toThrow(/rows\[0\] must have length 2 \(the fitted dimension\), got length 3/);
    expect(() => gde.score([[1, Infinity]])).toThrow(/rows\[0\]\[1\] must be a finite number, got Infinity/);
    expect(() => gde.scoreMatrix(new Float32Array(5), 2)).toThrow(/data must have length rows × cols = 2 × 2 = 4, got length 5/);
    expect(() => gde.scoreMatrix(new Float64Array([0, 0, -Infinity, 0]), 2)).toThrow(/-Infinity at row 1, column 0/);
    const json = gde.toJSON();
    expect(() => GaussianDensity.fromJSON({ ...json, version: 2 })).toThrow(/json.version must be 1.*got 2/);
    expect(() => GaussianDensity.fromJSON({ ...json, format: 'x' })).toThrow(/json.format must be 'cutpaste.GaussianDensity'/);
    expect(() => GaussianDensity.fromJSON({ ...json, mean: [1] })).toThrow(/json.mean must have length dimension = 2, got length 1/);
    expect(() => GaussianDensity.fromJSON({ ...json, covariance: [1, 0.5, 0.4, 1] })).toThrow(/json.covariance must be symmetric/);
    expect(() => GaussianDensity.fromJSON({ ...json, covariance: [1, 2, 2, 1] })).toThrow(NotPositiveDefiniteError);
    expect(() => GaussianDensity.fromJSON('{}')).toThrow(/json must be an object/);
  });
});
