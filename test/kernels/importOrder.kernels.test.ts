// Importing cutpaste's kernel fills before the wasm backend package: nothing is lost or overwritten.
// This file imports the wasm package itself, after the fills (vitest runs each file in its own module graph).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { describe, expect, it, vi } from 'vitest';
import { KERNEL_FILLS, isKernelOverridden } from '../../src/kernels/index';

describe('importing the wasm backend after cutpaste', () => {
  it('keeps the fills, logs no "already registered" warning, and applies the override when wasm is selected', async () => {
    expect(tf.engine().registryFactory.wasm, 'wasm must not be loaded yet in this file').toBeUndefined();
    for (const f of KERNEL_FILLS) expect(tf.getKernel(f.kernelName, 'wasm')?.kernelFunc).toBe(f.kernelFunc);

    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await import('@tensorflow/tfjs-backend-wasm');
    const warnings = warn.mock.calls.map((c) => String(c[0]));
    warn.mockRestore();
    expect(warnings.filter((w) => w.includes('already registered'))).toEqual([]);

    for (const f of KERNEL_FILLS) expect(tf.getKernel(f.kernelName, 'wasm')?.kernelFunc).toBe(f.kernelFunc);
    expect(isKernelOverridden('Conv2DBackpropInput', 'wasm')).toBe(false);
    tf.env().set('IS_TEST', true);
    expect(await tf.setBackend('wasm')).toBe(true);
    expect(isKernelOverridden('Conv2DBackpropInput', 'wasm')).toBe(true);

    const x = tf.tensor4d(
      Array.from({ length: 2 * 6 * 5 * 2 }, (_, i) => Math.sin(i)),
      [2, 6, 5, 2],
    );
    const w = tf.tensor4d(
      Array.from({ length: 3 * 3 * 2 * 3 }, (_, i) => Math.cos(i)),
      [3, 3, 2, 3],
    );
    const grads = () => {
      const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')));
      return tf
        .grads(f)([x, w])
        .map((g) => Array.from(g.dataSync()));
    };
    const onWasm = grads();
    await tf.setBackend('cpu');
    const onCpu = grads();
    onCpu.forEach((ref, i) => ref.forEach((v, j) => expect(onWasm[i]![j]!).toBeCloseTo(v, 3)));
  });
});
