// The conv2d gradient fills on wasm against the cpu backend's own kernels, on many geometries.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { conv2dFilterGradient } from '../../src/kernels/conv2dFilterGradient';
import { conv2dInputGradient } from '../../src/kernels/conv2dInputGradient';
import { isKernelOverridden } from '../../src/kernels/index';
import { expectNoLeak } from '../helpers/tensors';
import { expectSameOnBothBackends, relativeError, runOn, values } from './crossBackend';

type Pad = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]];

interface Case {
  x: [number, number, number, number];
  kernel: [number, number];
  outChannels: number;
  strides: number | [number, number];
  pad: Pad;
}

const cases: Case[] = [];
const inputs: Case['x'][] = [
  [1, 9, 7, 3],
  [3, 8, 11, 5],
  [2, 6, 6, 1],
];
const kernels: Case['kernel'][] = [
  [1, 1],
  [3, 3],
  [7, 7],
  [3, 2],
];
const strides: Case['strides'][] = [1, 2, [1, 2]];
const pads: Pad[] = [
  'same',
  'valid',
  1,
  3,
  [
    [0, 0],
    [2, 0],
    [1, 2],
    [0, 0],
  ],
];
for (const x of inputs) {
  for (const kernel of kernels) {
    for (const s of strides) {
      for (const pad of pads) {
        // tfjs 4.22 sizes the output of a numeric padding from the filter height and stride height on
        // both axes (conv_util.getPadAndOutInfo), so the forward conv itself is wrong there (and wasm's
        // writes out of bounds): numeric paddings only with square filters and equal strides.
        if (typeof pad === 'number' && (kernel[0] !== kernel[1] || Array.isArray(s))) continue;
        const info = tf.backend_util.computeConv2DInfo(x, [kernel[0], kernel[1], x[3], 4], s, 1, pad);
        if (info.outHeight < 1 || info.outWidth < 1) continue;
        cases.push({ x, kernel, outChannels: x[3] === 5 ? 7 : 4, strides: s, pad });
      }
    }
  }
}

const describeCase = (c: Case) =>
  `x [${c.x.join(',')}] kernel ${c.kernel.join('×')} → ${c.outChannels} stride ${String(c.strides)} pad ${JSON.stringify(c.pad)}`;

/** Gradients of Σ conv2d(x, W) ⊙ R with respect to x and W (R fixed, so dy is not uniform). */
function conv2dGrads(c: Case, seed: number): () => tf.Tensor[] {
  const filterShape = [c.kernel[0], c.kernel[1], c.x[3], c.outChannels];
  const info = tf.backend_util.computeConv2DInfo(c.x, filterShape as Case['x'], c.strides, 1, c.pad);
  const outShape = [c.x[0], info.outHeight, info.outWidth, c.outChannels];
  const xv = values(c.x, seed);
  const wv = values(filterShape, seed + 1);
  const rv = values(outShape, seed + 2);
  return () => {
    const r = tf.tensor(rv, outShape);
    const f = (x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad), r));
    return tf.grads(f)([tf.tensor4d(xv, c.x), tf.tensor4d(wv, filterShape as Case['x'])]);
  };
}

describe('conv2d gradients on wasm', () => {
  it(`equal the cpu backend's to 1e-4 on ${cases.length} geometries (strides, paddings, kernels, batch, channels)`, async () => {
    for (const [i, c] of cases.entries()) await expectSameOnBothBackends(conv2dGrads(c, i), 1e-4, describeCase(c));
  });

  it('use the library kernels there: the filter fill and the input-gradient override', async () => {
    await tf.setBackend('wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(isKernelOverridden('Conv2DBackpropInput', 'wasm')).toBe(true);
  });

  it('leave no tensors behind', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor4d(values([2, 9, 6, 3], 1), [2, 9, 6, 3]);
    const w = tf.tensor4d(values([3, 3, 3, 4], 2), [3, 3, 3, 4]);
    await expectNoLeak(() => {
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')))([x, w]);
      tf.dispose([dx!, dw!]);
    });
    tf.dispose([x, w]);
  });

  it('match the cpu backend for channels-first (NCHW) kernels too', async () => {
    const xs = [2, 3, 7, 6];
    const dys = [2, 4, 4, 3];
    const xv = values(xs, 7);
    const dyv = values(dys, 8);
    const wv = values([3, 3, 3, 4], 9);
    await expectSameOnBothBackends(() => {
      const attrs = { strides: 2, pad: 'same', dataFormat: 'NCHW', dimRoundingMode: undefined };
      const dW = tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor(xv, xs), dy: tf.tensor(dyv, dys) }, {
        ...attrs,
        filterShape: [3, 3, 3, 4],
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
      const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor(dyv, dys), filter: tf.tensor(wv, [3, 3, 3, 4]) }, {
        ...attrs,
        inputShape: xs,
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
      return [dW, dx];
    });
  });
});

/** `[k, k, ci, co]` with (d − 1) zeros between taps: the undilated filter a dilated conv equals. */
function dilateFilter(w: tf.Tensor4D, d: number): tf.Tensor4D {
  const [kh, kw, ci, co] = w.shape;
  const spread = tf.pad(tf.reshape(w, [kh, 1, kw, 1, ci, co]), [
    [0, 0],
    [0, d - 1],
    [0, 0],
    [0, d - 1],
    [0, 0],
    [0, 0],
  ]);
  const dilatedShape: [number, number, number, number] = [(kh - 1) * d + 1, (kw - 1) * d + 1, ci, co];
  return tf.slice(tf.reshape(spread, [kh * d, kw * d, ci, co]), [0, 0, 0, 0], dilatedShape) as tf.Tensor4D;
}

describe('the gradient formulations with dilation (tfjs refuses dilated conv gradients, so these are called directly)', () => {
  const dilated: Array<[Case['x'], number, number | [number, number], Pad]> = [
    [[2, 11, 9, 3], 3, 1, 'same'],
    [[1, 10, 13, 2], 3, 1, 'valid'],
    [[2, 12, 9, 3], 2, 2, 'same'],
    [
      [1, 11, 10, 1],
      3,
      [1, 2],
      [
        [0, 0],
        [2, 2],
        [1, 3],
        [0, 0],
      ],
    ],
  ];
  for (const [xs, k, s, pad] of dilated) {
    it(`match the cpu kernels on the equivalent undilated filter: x [${xs.join(',')}], ${k}×${k}, dilation 2, stride ${String(s)}, pad ${JSON.stringify(pad)}`, async () => {
      const d = 2;
      const fs: Case['x'] = [k, k, xs[3], 5];
      const info = tf.backend_util.computeConv2DInfo(xs, fs, s, d, pad);
      const dys = [xs[0], info.outHeight, info.outWidth, 5];
      const xv = values(xs, k);
      const wv = values(fs, k + 1);
      const dyv = values(dys, k + 2);
      const [refW, refX] = await runOn('cpu', () => {
        const wd = dilateFilter(tf.tensor4d(wv, fs), d);
        const attrs = { strides: s, pad, dataFormat: 'NHWC' } as unknown as tf.NamedAttrMap;
        const dWd = tf.engine().runKernel(
          'Conv2DBackpropFilter',
          { x: tf.tensor(xv, xs), dy: tf.tensor(dyv, dys) },
          {
            ...attrs,
            filterShape: wd.shape,
          },
        ) as tf.Tensor4D;
        const dX = tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor(dyv, dys), filter: wd }, { ...attrs, inputShape: xs });
        return [tf.stridedSlice(dWd, [0, 0, 0, 0], dWd.shape, [d, d, 1, 1]), dX as tf.Tensor];
      });
      for (const backend of ['cpu', 'wasm'] as const) {
        const got = await runOn(backend, () => {
          const x = tf.tensor4d(xv, xs);
          const dy = tf.tensor4d(dyv, dys as Case['x']);
          const w = tf.tensor4d(wv, fs);
          return [
            conv2dFilterGradient(x, dy, info, 'conv'),
            conv2dFilterGradient(x, dy, info, 'im2col'),
            conv2dInputGradient(dy, w, info, 'conv'),
            conv2dInputGradient(dy, w, info, 'phases'),
          ];
        });
        expect(relativeError(refW!, got[0]!), `${backend} dW conv`).toBeLessThanOrEqual(1e-4);
        expect(relativeError(refW!, got[1]!), `${backend} dW im2col`).toBeLessThanOrEqual(1e-4);
        expect(relativeError(refX!, got[2]!), `${backend} dx conv`).toBeLessThanOrEqual(1e-4);
        expect(relativeError(refX!, got[3]!), `${backend} dx phases`).toBeLessThanOrEqual(1e-4);
      }
    });
  }
});
