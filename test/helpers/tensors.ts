import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** The backend this test file runs on (`cpu` or `wasm`, set by the vitest project). */
export function backendName(): string {
  return tf.getBackend();
}

/**
 * Runs `fn` (sync or async) and asserts that `tf.memory().numTensors` is the same afterwards:
 * whatever `fn` allocated it must have disposed (returned tensors included, unless `allow` says so).
 */
export async function expectNoLeak<T>(fn: () => T | Promise<T>, allow = 0): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  const after = tf.memory().numTensors;
  expect(after - before, `tensors leaked (before ${before}, after ${after})`).toBeLessThanOrEqual(allow);
  return result;
}

/** Max absolute difference between two typed arrays / tensors' data. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
