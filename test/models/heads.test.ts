import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { linearClassifier, projectionHead } from '../../src/advanced';
import { expectNoLeak, maxAbsDiff } from '../helpers/tensors';

const x = () => tf.randomNormal([6, 5], 0, 1, 'float32', 3) as tf.Tensor2D;

/** The head computed with plain ops from its weights: Linear → BN → ReLU, then Linear. */
function reference(w: tf.NamedTensorMap, input: tf.Tensor2D, training: boolean): tf.Tensor2D {
  return tf.tidy(() => {
    let h = tf.add(tf.matMul(input, w['head/layer0/kernel'] as tf.Tensor2D), w['head/layer0/bias']!);
    const { mean, variance } = training
      ? tf.moments(h, [0])
      : { mean: w['head/layer0/bn/runningMean']!, variance: w['head/layer0/bn/runningVar']! };
    h = tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, 1e-5)));
    h = tf.relu(tf.add(tf.mul(h, w['head/layer0/bn/gamma']!), w['head/layer0/bn/beta']!));
    return tf.add(tf.matMul(h as tf.Tensor2D, w['head/layer1/kernel'] as tf.Tensor2D), w['head/layer1/bias']!) as tf.Tensor2D;
  });
}

describe('projectionHead', () => {
  it('defaults to widths [512, 128]: Linear → BatchNorm1d → ReLU → Linear, named under "head"', () => {
    const head = projectionHead({ inputDim: 512 });
    expect([head.inputDim, head.outputDim]).toEqual([512, 128]);
    expect(head.toConfig()).toEqual({ inputDim: 512, widths: [512, 128], batchNorm: { momentum: 0.1, epsilon: 1e-5 } });
    const w = head.getWeights();
    expect(Object.fromEntries(Object.entries(w).map(([k, v]) => [k, v.shape]))).toEqual({
      'head/layer0/kernel': [512, 512],
      'head/layer0/bias': [512],
      'head/layer0/bn/gamma': [512],
      'head/layer0/bn/beta': [512],
      'head/layer0/bn/runningMean': [512],
      'head/layer0/bn/runningVar': [512],
      'head/layer1/kernel': [512, 128],
      'head/layer1/bias': [128],
    });
    expect(head.trainableVariables().length).toBe(6);
    // PyTorch's nn.Linear initialisation: uniform within ±1/√fanIn.
    expect(tf.max(tf.abs(w['head/layer0/kernel']!)).dataSync()[0]).toBeLessThanOrEqual(1 / Math.sqrt(512));
    tf.dispose(w);
    head.dispose();
  });

  it('in training normalises with batch statistics and commit updates the running ones like torch', async () => {
    const head = projectionHead({ inputDim: 5, widths: [4, 3] }, { seed: 2 });
    const input = x();
    const w = head.getWeights();
    const y = head.apply(input, true);
    const expected = reference(w, input, true);
    expect(maxAbsDiff(await y.data(), await expected.data())).toBeLessThan(1e-5);
    head.commitBatchNormStats();
    const h = tf.add(tf.matMul(input, w['head/layer0/kernel'] as tf.Tensor2D), w['head/layer0/bias']!);
    const { mean, variance } = tf.moments(h, [0]);
    const after = head.getWeights();
    const expMean = Array.from(await mean.data(), (m) => 0.1 * m);
    const expVar = Array.from(await variance.data(), (v) => 0.9 + 0.1 * ((v * 6) / 5));
    expect(maxAbsDiff(await after['head/layer0/bn/runningMean']!.data(), expMean)).toBeLessThan(1e-6);
    expect(maxAbsDiff(await after['head/layer0/bn/runningVar']!.data(), expVar)).toBeLessThan(1e-6);
    // Inference (BatchNorm folded into the Linear) uses the running statistics.
    const yEval = head.apply(input, false);
    const expEval = reference(after, input, false);
    expect(maxAbsDiff(await yEval.data(), await expEval.data())).toBeLessThan(1e-5);
    tf.dispose([input, w, y, expected, h, mean, variance, after, yEval, expEval]);
    head.dispose();
  });

  it('gives a gradient to each trainable variable', () => {
    const head = projectionHead({ inputDim: 5, widths: [4, 4, 2] });
    const input = x();
    const vars = head.trainableVariables();
    expect(vars.length).toBe(2 * 4 + 2);
    for (const training of [true, false]) {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(head.apply(input, training))), vars);
      for (const v of vars) expect(tf.sum(tf.abs(grads[v.name]!)).dataSync()[0], v.name).toBeGreaterThan(0);
      tf.dispose([value, ...Object.values(grads)]);
    }
    head.commitBatchNormStats();
    input.dispose();
    head.dispose();
  });

  it('is deterministic for a seed, round-trips its weights and leaks nothing', async () => {
    const start = tf.memory().numTensors;
    const a = projectionHead({ inputDim: 5, widths: [4, 3] }, { seed: 1, scope: 'proj' });
    const b = projectionHead({ inputDim: 5, widths: [4, 3] }, { seed: 1, scope: 'proj' });
    const c = projectionHead({ inputDim: 5, widths: [4, 3] }, { seed: 2, scope: 'proj' });
    const input = x();
    const [ya, yb, yc] = [a.apply(input, false), b.apply(input, false), c.apply(input, false)];
    expect(maxAbsDiff(await ya.data(), await yb.data())).toBe(0);
    expect(maxAbsDiff(await ya.data(), await yc.data())).toBeGreaterThan(1e-3);
    const w = a.getWeights();
    expect(Object.keys(w).every((k) => k.startsWith('proj/'))).toBe(true);
    c.setWeights(w);
    const yc2 = c.apply(input, false);
    expect(maxAbsDiff(await ya.data(), await yc2.data())).toBe(0);
    await expectNoLeak(() => {
      for (let i = 0; i < 3; i++) {
        tf.dispose(a.apply(input, true));
        a.commitBatchNormStats();
        tf.dispose(a.apply(input, false));
      }
    }, 0);
    tf.dispose([input, ya, yb, yc, yc2, w]);
    [a, b, c].forEach((h) => h.dispose());
    expect(tf.memory().numTensors).toBe(start);
  });

  it('rejects invalid configs and inputs', () => {
    expect(() => projectionHead({ inputDim: 0 })).toThrow(/config\.inputDim must be a positive integer, got 0/);
    expect(() => projectionHead({ inputDim: 4, widths: [] })).toThrow(RangeError);
    expect(() => projectionHead({ inputDim: 4, batchNorm: { momentum: 2 } })).toThrow(/batchNorm\.momentum/);
    const head = projectionHead({ inputDim: 4, widths: [3, 2] });
    const bad = tf.zeros([2, 5]) as tf.Tensor2D;
    expect(() => head.apply(bad, false)).toThrow(/must have 4 columns, got 5/);
    const one = tf.zeros([1, 4]) as tf.Tensor2D;
    expect(() => head.apply(one, true)).toThrow(/more than 1 value per channel/);
    tf.dispose([bad, one]);
    head.dispose();
  });
});

describe('linearClassifier', () => {
  it('gives logits x·kernel + bias for 2, 3 or more classes', async () => {
    for (const classes of [2, 3, 7]) {
      const c = linearClassifier({ inputDim: 5, classes }, { seed: classes });
      expect([c.inputDim, c.outputDim]).toEqual([5, classes]);
      const input = x();
      const w = c.getWeights();
      expect(Object.keys(w).sort()).toEqual(['classifier/bias', 'classifier/kernel']);
      const y = c.apply(input, true);
      const expected = tf.add(tf.matMul(input, w['classifier/kernel'] as tf.Tensor2D), w['classifier/bias']!);
      expect(y.shape).toEqual([6, classes]);
      expect(maxAbsDiff(await y.data(), await expected.data())).toBeLessThan(1e-6);
      expect(c.trainableVariables().length).toBe(2);
      expect(c.toConfig()).toEqual({ inputDim: 5, classes });
      tf.dispose([input, w, y, expected]);
      c.dispose();
    }
  });

  it('rejects fewer than 2 classes with a RangeError', () => {
    expect(() => linearClassifier({ inputDim: 5, classes: 1 })).toThrow(/config\.classes must be an integer ≥ 2.*got 1/);
    expect(() => linearClassifier({ inputDim: 2.5, classes: 2 })).toThrow(/config\.inputDim/);
  });
});
