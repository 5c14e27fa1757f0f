import { describe, expect, it } from 'vitest';
import { Matrix } from 'ml-matrix';
import { createRng, empiricalCovarianceMatrix, ledoitWolf, ledoitWolfMatrix, shrunkCovariance } from '../../src/math/index';
import fixture from '../fixtures/ledoit-wolf.json';
import shrunk from '../fixtures/shrunk-covariance.json';
import { expectAllClose, toRows } from '../helpers/close';

// Tolerances: 1e-9 relative (atol 1e-12 for entries that cancel to ~0) against scikit-learn in float64;
// the contract is 1e-6.
describe('ledoitWolf', () => {
  for (const c of fixture.cases) {
    it(`matches scikit-learn's LedoitWolf for ${c.name} (${c.rows} rows × ${c.cols} features)`, () => {
      const est = ledoitWolf(toRows(c.data, c.rows, c.cols));
      expect(est.shrinkage).toBeCloseTo(c.shrinkage, 12);
      if (c.shrinkage !== 0) expect(Math.abs(est.shrinkage - c.shrinkage) / c.shrinkage).toBeLessThan(1e-9);
      expectAllClose(est.mean, c.mean, 1e-12, 1e-12, 'mean');
      expectAllClose(est.covariance, c.covariance, 1e-9, 1e-12, 'covariance');
    });
  }

  it('gives the same estimate from a flat Float64Array, a flat Float32Array and rows', () => {
    const c = fixture.cases[0]!;
    const fromRows = ledoitWolf(toRows(c.data, c.rows, c.cols));
    const from64 = ledoitWolfMatrix(Float64Array.from(c.data), c.rows, c.cols);
    const from32 = ledoitWolfMatrix(Float32Array.from(c.data), c.rows, c.cols); // fixture data is float32-exact
    expect(Array.from(from64.covariance)).toEqual(Array.from(fromRows.covariance));
    expect(Array.from(from32.covariance)).toEqual(Array.from(fromRows.covariance));
    expect(from32.shrinkage).toBe(fromRows.shrinkage);
  });

  it('handles a dimension that is not a multiple of the 4×4 kernel block and more rows than one chunk', () => {
    // 600 rows (> 256-row chunks) × 7 features, checked against ml-matrix's covariance (an independent code).
    const rng = createRng(3);
    const rows: number[][] = [];
    for (let r = 0; r < 600; r++) rows.push(Array.from({ length: 7 }, (_, c) => rng() * (c + 1) + (r % 5)));
    const x = new Matrix(rows);
    const mean = x.mean('column');
    const centred = x.clone().subRowVector(mean);
    const reference = centred.transpose().mmul(centred).div(600);
    const { covariance } = empiricalCovarianceMatrix(Float64Array.from(rows.flat()), 600, 7);
    expectAllClose(covariance, reference.to1DArray(), 1e-12, 1e-14, 'covariance');
  });

  it('returns a symmetric covariance and a shrinkage in [0, 1]', () => {
    const c = fixture.cases[1]!;
    const { covariance, shrinkage } = ledoitWolf(toRows(c.data, c.rows, c.cols));
    for (let i = 0; i < c.cols; i++) {
      for (let j = 0; j < i; j++) expect(covariance[i * c.cols + j]).toBe(covariance[j * c.cols + i]);
    }
    expect(shrinkage).toBeGreaterThanOrEqual(0);
    expect(shrinkage).toBeLessThanOrEqual(1);
  });
});

describe('empiricalCovarianceMatrix and shrunkCovariance', () => {
  for (const c of shrunk.cases) {
    it(`match scikit-learn's ${c.shrinkage === 0 ? 'EmpiricalCovariance' : `ShrunkCovariance(shrinkage=${c.shrinkage})`}`, () => {
      const emp = empiricalCovarianceMatrix(Float64Array.from(shrunk.data), shrunk.rows, shrunk.cols);
      const cov = shrunkCovariance(emp.covariance, shrunk.cols, c.shrinkage);
      expectAllClose(emp.mean, c.mean, 1e-12, 1e-12, 'mean');
      expectAllClose(cov, c.covariance, 1e-10, 1e-12, 'covariance');
    });
  }

  it('does not modify the covariance it shrinks', () => {
    const cov = new Float64Array([2, 1, 1, 4]);
    expect(Array.from(shrunkCovariance(cov, 2, 0.5))).toEqual([2.5, 0.5, 0.5, 3.5]);
    expect(Array.from(cov)).toEqual([2, 1, 1, 4]);
  });
});
