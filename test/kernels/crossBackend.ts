/**
 * Helpers for the kernel-fill tests: run the same computation on the cpu and wasm backends from the
 * same numbers and compare. The fills are imported (and so registered) by whoever imports this.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers';
import { expect } from 'vitest';
import { createRng } from '../../src/math/random';
import { restoreBackendKernels } from '../../src/kernels/index';

tf.env().set('PROD', true);
// The reference is the cpu backend's own kernels: undo the library's cpu override (Conv2DBackpropFilter).
restoreBackendKernels('cpu');

/** Deterministic values in [-1, 1) for a shape. */
export function values(shape: number[], seed: number | string): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) out[i] = 2 * rng() - 1;
  return out;
}

/**
 * Runs `compute` on `backend` (selecting it) and returns its outputs' data; every tensor it made is
 * disposed. `compute` gets nothing and must build its inputs from plain arrays.
 */
export async function runOn(backend: 'cpu' | 'wasm', compute: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  if (!(await tf.setBackend(backend))) throw new Error(`could not select backend ${backend}`);
  return tf.tidy(() => {
    const out = compute();
    return (Array.isArray(out) ? out : [out]).map((t) => Float32Array.from(t.dataSync()));
  });
}

/** max |a − b| / max(1e-6, max |a|): the error relative to the reference's magnitude. */
export function relativeError(reference: ArrayLike<number>, got: ArrayLike<number>): number {
  expect(got.length).toBe(reference.length);
  let diff = 0;
  let scale = 1e-6;
  for (let i = 0; i < reference.length; i++) {
    diff = Math.max(diff, Math.abs(reference[i]! - got[i]!));
    scale = Math.max(scale, Math.abs(reference[i]!));
  }
  return diff / scale;
}

/** Runs `compute` on cpu then wasm and expects every output to agree to `tolerance` (relative). */
export async function expectSameOnBothBackends(compute: () => tf.Tensor | tf.Tensor[], tolerance = 1e-4, label = ''): Promise<void> {
  const reference = await runOn('cpu', compute);
  const got = await runOn('wasm', compute);
  expect(got.length).toBe(reference.length);
  reference.forEach((ref, i) => {
    expect(relativeError(ref, got[i]!), `${label} output ${i}`).toBeLessThanOrEqual(tolerance);
  });
}
