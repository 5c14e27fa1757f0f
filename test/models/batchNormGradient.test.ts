import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { batchNormTraining } from '../../src/models/batchNorm';
import { expectNoLeak, maxAbsDiff } from '../helpers/tensors';

describe('batchNormTraining', () => {
  for (const shape of [
    [6, 5, 7, 4],
    [9, 3],
  ]) {
    it(`has the gradients of tf.moments + tf.batchNorm for input, γ and β (shape [${shape.join(', ')}])`, async () => {
      const x = tf.randomNormal(shape, 0.5, 2, 'float32', 1);
      const weights = tf.randomNormal(shape, 0, 1, 'float32', 2); // a loss that weights outputs unevenly
      const c = shape.at(-1)!;
      const gamma = tf.randomUniform([c], 0.5, 1.5, 'float32', 3) as tf.Tensor1D;
      const beta = tf.randomUniform([c], -1, 1, 'float32', 4) as tf.Tensor1D;
      const axes = shape.slice(0, -1).map((_, i) => i);
      const reference = (xs: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const { mean, variance } = tf.moments(xs, axes);
        return tf.sum(tf.mul(tf.batchNorm(xs, mean, variance, b as tf.Tensor1D, g as tf.Tensor1D, 1e-5), weights));
      };
      const recorded: tf.Tensor[] = [];
      const ours = (xs: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
        tf.sum(
          tf.mul(
            batchNormTraining(xs, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5, (m, v) => recorded.push(tf.keep(m), tf.keep(v))),
            weights,
          ),
        );
      const expected = tf.grads(reference)([x, gamma, beta]);
      const got = await expectNoLeak(() => tf.grads(ours)([x, gamma, beta]), 3 + 2);
      for (let i = 0; i < 3; i++) {
        const scale = Math.max(1, ...Array.from(expected[i]!.dataSync()).map(Math.abs));
        expect(maxAbsDiff(got[i]!.dataSync(), expected[i]!.dataSync()) / scale, `gradient ${i}`).toBeLessThan(1e-4);
      }
      const { mean, variance } = tf.moments(x, axes);
      expect(maxAbsDiff(recorded[0]!.dataSync(), mean.dataSync())).toBeLessThan(1e-5);
      expect(maxAbsDiff(recorded[1]!.dataSync(), variance.dataSync())).toBeLessThan(1e-4);
      tf.dispose([x, weights, gamma, beta, ...expected, ...got, ...recorded, mean, variance]);
    });
  }
});
