// The depthwise-convolution, einsum and segment-sum fills on wasm against the cpu backend's kernels.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { segmentSum } from '../../src/kernels/unsortedSegmentSum';
import { expectNoLeak } from '../helpers/tensors';
import { expectSameOnBothBackends, runOn, values } from './crossBackend';

describe('depthwise conv2d gradients on wasm', () => {
  const cases: Array<[[number, number, number, number], number, number, number | [number, number], 'same' | 'valid' | number]> = [
    [[2, 9, 7, 3], 3, 1, 1, 'same'],
    [[1, 8, 11, 4], 3, 2, 2, 'same'],
    [[2, 10, 9, 2], 5, 1, 2, 'valid'],
    [[1, 7, 6, 5], 1, 3, [1, 2], 'valid'],
    [[3, 6, 8, 1], 3, 1, 1, 1],
  ];
  for (const [xs, k, multiplier, strides, pad] of cases) {
    it(`equal the cpu backend's: x [${xs.join(',')}], ${k}×${k}, multiplier ${multiplier}, stride ${String(strides)}, pad ${pad}`, async () => {
      const fs = [k, k, xs[3], multiplier] as [number, number, number, number];
      const info = tf.backend_util.computeConv2DInfo(xs, fs, strides, 1, pad, undefined, true);
      const rs = [xs[0], info.outHeight, info.outWidth, xs[3] * multiplier];
      const [xv, wv, rv] = [values(xs, 1), values(fs, 2), values(rs, 3)];
      await expectSameOnBothBackends(() => {
        const r = tf.tensor(rv, rs);
        const f = (x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, pad), r));
        return tf.grads(f)([tf.tensor4d(xv, xs), tf.tensor4d(wv, fs)]);
      });
    });
  }

  it('separable conv2d trains on wasm as on cpu', async () => {
    const [xv, dv, pv] = [values([2, 8, 6, 3], 4), values([3, 3, 3, 2], 5), values([1, 1, 6, 4], 6)];
    await expectSameOnBothBackends(() => {
      const f = (x: tf.Tensor, d: tf.Tensor, p: tf.Tensor) =>
        tf.sum(tf.square(tf.separableConv2d(x as tf.Tensor4D, d as tf.Tensor4D, p as tf.Tensor4D, 2, 'same')));
      return tf.grads(f)([tf.tensor4d(xv, [2, 8, 6, 3]), tf.tensor4d(dv, [3, 3, 3, 2]), tf.tensor4d(pv, [1, 1, 6, 4])]);
    });
  });
});

describe('the Einsum fill', () => {
  it('makes tf.image.rgbToGrayscale work on wasm, equal to cpu', async () => {
    const v = values([2, 5, 3, 3], 7);
    await expectSameOnBothBackends(() => tf.image.rgbToGrayscale(tf.tensor4d(v, [2, 5, 3, 3])), 1e-6);
  });

  it('computes matrix products, transposes and batched contractions as cpu does', async () => {
    const [a, b, c] = [values([3, 4], 8), values([4, 5], 9), values([2, 3, 4], 10)];
    await expectSameOnBothBackends(
      () => [
        tf.einsum('ij,jk->ik', tf.tensor2d(a, [3, 4]), tf.tensor2d(b, [4, 5])),
        tf.einsum('ij->ji', tf.tensor2d(a, [3, 4])),
        tf.einsum('bij,jk->bik', tf.tensor3d(c, [2, 3, 4]), tf.tensor2d(b, [4, 5])),
        tf.einsum('ij,ij->i', tf.tensor2d(a, [3, 4]), tf.tensor2d(a, [3, 4])),
        tf.einsum('i,j->ij', tf.tensor1d(a.slice(0, 3)), tf.tensor1d(b.slice(0, 4))),
      ],
      1e-6,
    );
  });

  it('returns a new tensor for an identity equation and leaks nothing', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const y = await expectNoLeak(() => tf.einsum('ij->ij', x), 1);
    y.dispose();
    expect(x.isDisposed).toBe(false);
    expect(Array.from(x.dataSync())).toEqual([1, 2, 3, 4]);
    x.dispose();
  });
});

describe('the UnsortedSegmentSum fill', () => {
  it('sums rows by segment on wasm as cpu does, dropping out-of-range ids', async () => {
    const v = values([6, 2, 3], 11);
    const ids = [2, 0, 2, -1, 1, 5];
    await expectSameOnBothBackends(() => tf.unsortedSegmentSum(tf.tensor3d(v, [6, 2, 3]), tf.tensor1d(ids, 'int32'), 4), 1e-6);
  });

  it('gives tf.gather a gradient on wasm', async () => {
    const v = values([5, 3], 12);
    await expectSameOnBothBackends(() => {
      const w = tf.tensor(values([4, 3], 13), [4, 3]);
      return tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.gather(x, [4, 0, 4, 2]), w)))(tf.tensor2d(v, [5, 3]));
    }, 1e-6);
  });

  it('keeps int32 values and dtype', async () => {
    const [got] = await runOn('wasm', () => {
      const out = tf.unsortedSegmentSum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), tf.tensor1d([1, 1, 0], 'int32'), 2);
      expect(out.dtype).toBe('int32');
      return out;
    });
    expect(Array.from(got!)).toEqual([5, 6, 4, 6]);
  });

  it('rejects a bad segment count or mismatched ids with RangeError', () => {
    const x = tf.ones([3, 2]);
    const ids = tf.tensor1d([0, 1, 0], 'int32');
    expect(() => segmentSum(x, ids, -1)).toThrow(RangeError);
    expect(() => segmentSum(x, tf.tensor1d([0, 1], 'int32'), 2)).toThrow(/prefix/);
    tf.dispose([x, ids]);
  });
});
