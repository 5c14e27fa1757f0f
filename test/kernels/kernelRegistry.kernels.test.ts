// How the fills and the wasm override are registered, replaced and restored.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  KERNEL_FILLS,
  KERNEL_OVERRIDES,
  isKernelOverridden,
  registerKernelFills,
  restoreBackendKernels,
  useKernelOverrides,
} from '../../src/kernels/index';
import { expectNoLeak } from '../helpers/tensors';
import { relativeError, runOn, values } from './crossBackend';

describe('registerKernelFills', () => {
  it("never replaces the cpu backend's own kernels", () => {
    const before = KERNEL_FILLS.map((f) => tf.getKernel(f.kernelName, 'cpu'));
    expect(before.every((k) => k !== undefined)).toBe(true);
    expect(registerKernelFills('cpu')).toEqual([]);
    KERNEL_FILLS.forEach((f, i) => expect(tf.getKernel(f.kernelName, 'cpu')).toBe(before[i]));
  });

  it('has registered every fill for wasm, which has none of these kernels of its own', () => {
    for (const f of KERNEL_FILLS) expect(tf.getKernel(f.kernelName, 'wasm')?.kernelFunc, f.kernelName).toBe(f.kernelFunc);
    expect(registerKernelFills('wasm')).toEqual([]);
  });

  it('registers every fill, once, for a backend that lacks them, loaded or not', () => {
    const name = 'cutpaste-test-backend';
    expect(registerKernelFills(name)).toEqual(KERNEL_FILLS.map((f) => f.kernelName));
    expect(registerKernelFills(name)).toEqual([]);
    for (const f of KERNEL_FILLS) tf.unregisterKernel(f.kernelName, name);
  });

  it('rejects an empty backend name with a TypeError', () => {
    expect(() => registerKernelFills('')).toThrow(TypeError);
    expect(() => useKernelOverrides('')).toThrow(/backendName/);
  });
});

describe('the wasm Conv2DBackpropInput override', () => {
  it('is listed for wasm only; cpu gets only a Conv2DBackpropFilter override (restored in this file)', () => {
    expect(KERNEL_OVERRIDES.map((o) => `${o.backendName}/${o.kernelName}`)).toEqual([
      'wasm/Conv2DBackpropInput',
      'cpu/Conv2DBackpropFilter',
    ]);
    expect(isKernelOverridden('Conv2DBackpropInput', 'cpu')).toBe(false);
    expect(isKernelOverridden('Conv2DBackpropFilter', 'cpu')).toBe(false);
    expect(restoreBackendKernels('cpu')).toEqual([]);
  });

  it("can be turned off and on, and wasm's own kernel gives the same gradients", async () => {
    const xs = [2, 9, 8, 5];
    const [xv, wv, rv] = [values(xs, 1), values([3, 3, 5, 6], 2), values([2, 5, 4, 6], 3)];
    const dx = () => {
      const r = tf.tensor(rv, [2, 5, 4, 6]);
      const w = tf.tensor4d(wv, [3, 3, 5, 6]);
      return tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, w, 2, 'same'), r)))(
        tf.tensor4d(xv, xs as [number, number, number, number]),
      );
    };
    await tf.setBackend('wasm'); // this file loads wasm after the fills: the override applies on selection
    expect(isKernelOverridden('Conv2DBackpropInput', 'wasm')).toBe(true);
    const [ours] = await runOn('wasm', dx);
    expect(restoreBackendKernels('wasm')).toEqual(['Conv2DBackpropInput']);
    expect(isKernelOverridden('Conv2DBackpropInput', 'wasm')).toBe(false);
    // Selecting the backend again must not bring the override back once restored.
    await tf.setBackend('cpu');
    const [own] = await runOn('wasm', dx);
    expect(isKernelOverridden('Conv2DBackpropInput', 'wasm')).toBe(false);
    expect(useKernelOverrides('wasm')).toEqual(['Conv2DBackpropInput']);
    expect(useKernelOverrides('wasm')).toEqual([]);
    expect(isKernelOverridden('Conv2DBackpropInput', 'wasm')).toBe(true);
    expect(relativeError(own!, ours!)).toBeLessThanOrEqual(1e-4);
  });
});

describe('the fills on wasm', () => {
  it('leave no tensors behind', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor4d(values([2, 7, 6, 4], 4), [2, 7, 6, 4]);
    const w = tf.tensor4d(values([3, 3, 4, 2], 5), [3, 3, 4, 2]);
    const d = tf.tensor4d(values([3, 3, 4, 1], 6), [3, 3, 4, 1]);
    const ids = tf.tensor1d([1, 0, 1], 'int32');
    const c = tf.tensor1d([1, 2, 3, 4]);
    const ones = tf.ones([3, 2]);
    await expectNoLeak(() => {
      tf.dispose(tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, [1, 2], 'valid')))([x, w]));
      tf.dispose(
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')))([x, d]),
      );
      tf.dispose(tf.einsum('bhwc,c->bhw', x, c));
      tf.dispose(tf.unsortedSegmentSum(ones, ids, 2));
      tf.dispose(tf.grad((a: tf.Tensor) => tf.sum(tf.gather(a, ids)))(ones));
    });
    tf.dispose([x, w, d, ids, c, ones]);
  });
});
