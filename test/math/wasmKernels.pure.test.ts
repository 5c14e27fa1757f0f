import { afterEach, describe, expect, it } from 'vitest';
import { GaussianDensity } from '../../src/density/index';
import { createRng, empiricalCovarianceMatrix, ledoitWolf } from '../../src/math/index';
import { buildKernelModule, setWasmKernelsEnabled, wasmKernels } from '../../src/math/wasmKernels';
import fixture from '../fixtures/ledoit-wolf.json';
import { expectAllClose, toRows } from '../helpers/close';

function randomMatrix(rows: number, cols: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = rng() * (1 + (i % cols)) + 0.2 * (out[i - 1] ?? 0);
  return out;
}

/** Runs `fn` once with the SIMD kernels and once with the plain TypeScript loops. */
function bothPaths<T>(fn: () => T): { wasm: T; js: T } {
  setWasmKernelsEnabled(true);
  const wasm = fn();
  setWasmKernelsEnabled(false);
  const js = fn();
  setWasmKernelsEnabled(true);
  return { wasm, js };
}

afterEach(() => setWasmKernelsEnabled(true));

describe('WebAssembly SIMD kernels', () => {
  it('are available on this Node, so the fast path is the one the other tests exercise', () => {
    expect(WebAssembly.validate(buildKernelModule())).toBe(true);
    expect(buildKernelModule().length).toBeLessThan(4096); // synchronous compile is allowed in browsers
    expect(wasmKernels()).not.toBeNull();
  });

  for (const [rows, cols] of [
    [3, 1],
    [9, 5],
    [300, 7],
    [40, 64],
    [700, 33],
  ] as const) {
    it(`give the scatter matrix of the TypeScript loops for ${rows} rows × ${cols} columns`, () => {
      const data = randomMatrix(rows, cols, rows + cols);
      const { wasm, js } = bothPaths(() => empiricalCovarianceMatrix(data, rows, cols));
      expectAllClose(wasm.covariance, js.covariance, 1e-12, 1e-15, 'covariance');
      expect(Array.from(wasm.mean)).toEqual(Array.from(js.mean));
    });
  }

  for (const [dim, l2Normalize] of [
    [1, false],
    [6, false],
    [7, true],
    [64, false],
    [33, true],
  ] as const) {
    it(`score like the TypeScript loops at dimension ${dim}${l2Normalize ? ' with L2 normalisation' : ''}, for any row count`, () => {
      const train = randomMatrix(200, dim, dim);
      const test = randomMatrix(19, dim, dim + 1); // 19: a ragged last block of 8 and of 4
      const gde = GaussianDensity.fitMatrix(train, 200, dim, { l2Normalize });
      for (const m of [1, 3, 8, 19]) {
        const { wasm, js } = bothPaths(() => gde.scoreMatrix(test.subarray(0, m * dim), m));
        expectAllClose(wasm, js, 1e-11, 0, `scores of ${m} rows`);
      }
    });
  }

  it('leave the plain TypeScript path matching scikit-learn too', () => {
    setWasmKernelsEnabled(false);
    for (const c of fixture.cases) {
      const est = ledoitWolf(toRows(c.data, c.rows, c.cols));
      expectAllClose(est.covariance, c.covariance, 1e-9, 1e-12, `${c.name} covariance`);
      const gde = GaussianDensity.fit(toRows(c.data, c.rows, c.cols));
      expectAllClose(gde.score(toRows(c.heldOut, 6, c.cols)), c.mahalanobis, 1e-9, 0, `${c.name} mahalanobis`);
    }
  });
});
