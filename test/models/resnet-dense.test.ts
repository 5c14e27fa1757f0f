import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng, resnet, resnetPreset } from '../../src/advanced';
import { maxAbsDiff } from '../helpers/tensors';

/** Random BatchNorm parameters and statistics, so that every layer matters. */
function randomizeBatchNorm(encoder: { getWeights(): tf.NamedTensorMap; setWeights(w: tf.NamedTensorMap): void }, seed: number): void {
  const weights = encoder.getWeights();
  const rng = createRng(seed);
  const next: tf.NamedTensorMap = {};
  for (const [name, w] of Object.entries(weights)) {
    const u = () => Float32Array.from({ length: w.size }, () => rng());
    if (name.endsWith('/gamma') || name.endsWith('/runningVar'))
      next[name] = tf.tensor(
        u().map((v) => 0.5 + v),
        w.shape,
      );
    else if (name.endsWith('/beta') || name.endsWith('/runningMean'))
      next[name] = tf.tensor(
        u().map((v) => v - 0.5),
        w.shape,
      );
    else next[name] = tf.clone(w);
  }
  encoder.setWeights(next);
  tf.dispose([weights, next]);
}

describe('patch encoders dense scoring', () => {
  it.each([
    ['patch16', 16, 3, 40, 46],
    ['patch32', 32, 3, 64, 80],
    ['patch32', 32, 1, 70, 90], // sizes that are not 32 + a multiple of 4: the last pixels belong to no patch
    ['patch48', 48, 1, 66, 59],
    ['patch64', 64, 3, 84, 78],
  ] as const)(
    '%s: one pass over an image gives the features of every %i px crop at stride 4 (%i channel(s), %i×%i px; 1e-4)',
    async (name, p, channels, height, width) => {
      const encoder = resnet(resnetPreset(name, { inputChannels: channels }), { seed: 5 });
      randomizeBatchNorm(encoder, 6);
      expect([encoder.receptiveField, encoder.totalStride, encoder.featureDim]).toEqual([p, 4, 128]);
      const image = tf.randomUniform([1, height, width, channels], 0, 1, 'float32', 7) as tf.Tensor4D;
      const dense = encoder.featureMap(image, false);
      const rows = Math.floor((height - p) / 4) + 1;
      const cols = Math.floor((width - p) / 4) + 1;
      expect(dense.shape).toEqual([1, rows, cols, 128]);
      const crops = tf.tidy(() => {
        const list: tf.Tensor4D[] = [];
        for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) list.push(tf.slice(image, [0, 4 * i, 4 * j, 0], [1, p, p, channels]));
        return tf.concat(list, 0);
      });
      const perPatch = encoder.featureMap(crops, false); // [rows · cols, 1, 1, 128]
      expect(perPatch.shape).toEqual([rows * cols, 1, 1, 128]);
      const a = await dense.data();
      const b = await perPatch.data();
      const scale = Math.max(1, ...Array.from(b, Math.abs));
      expect(maxAbsDiff(a, b) / scale).toBeLessThan(1e-4);
      // and the features are not trivially constant across positions
      expect(maxAbsDiff(a.subarray(0, 128), a.subarray(128 * (rows * cols - 1)))).toBeGreaterThan(1e-2);
      tf.dispose([image, dense, crops, perPatch]);
      encoder.dispose();
    },
  );
});
