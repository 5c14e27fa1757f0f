import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resnet, resnetPreset, type ResNetEncoder } from '../../src/advanced';
import { expectNoLeak, maxAbsDiff } from '../helpers/tensors';
import { formulaUniform, formulaWeights } from './formulaWeights';

interface Fixture {
  keys: [string, number[]][];
  parameterCount: number;
  input: { batch: number; height: number; width: number; channels: number; tensorIndex: number };
  evalFeatures: number[];
  trainFeatures: number[];
  runningAfterTrain: Record<string, { runningMean: number[]; runningVar: number[] }>;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/resnet18-torch.json', import.meta.url), 'utf8')) as Fixture;

/** |a − b| ≤ tol · max(1, |b|) element-wise, reported as the worst ratio. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return worst;
}

describe('resnet18 against torchvision (fixture from make-resnet-fixture.py)', () => {
  let weights: tf.NamedTensorMap;
  let images: tf.Tensor4D;

  beforeAll(() => {
    weights = formulaWeights(fixture.keys);
    const { batch, height, width, channels, tensorIndex } = fixture.input;
    images = tf.tensor4d(Float32Array.from(formulaUniform(tensorIndex, batch * height * width * channels)), [
      batch,
      height,
      width,
      channels,
    ]);
  });
  afterAll(() => {
    tf.dispose(weights);
    images.dispose();
  });

  it('has exactly torchvision’s weights: one name per state_dict entry, same shapes, same parameter count', () => {
    const encoder = resnet(resnetPreset('resnet18'));
    const ours = encoder.getWeights();
    expect(Object.keys(ours).sort()).toEqual(Object.keys(weights).sort());
    for (const [name, w] of Object.entries(weights)) expect(ours[name]!.shape, name).toEqual(w.shape);
    expect(encoder.parameterCount).toBe(fixture.parameterCount);
    expect(encoder.parameterCount).toBe(11_176_512);
    tf.dispose(ours);
    encoder.dispose();
  });

  it('gives torchvision’s eval-mode pooled features, folded and unfolded', async () => {
    for (const foldBatchNorm of [true, false]) {
      const encoder = resnet(resnetPreset('resnet18'), { foldBatchNorm });
      encoder.setWeights(weights);
      const features = encoder.features(images, false);
      expect(features.shape).toEqual([2, 512]);
      expect(relErr(await features.data(), fixture.evalFeatures), `foldBatchNorm ${foldBatchNorm}`).toBeLessThan(1e-4);
      features.dispose();
      encoder.dispose();
    }
  });

  it('matches torch in train mode: batch statistics in the forward pass, running statistics after commit', async () => {
    const encoder: ResNetEncoder = resnet(resnetPreset('resnet18'));
    encoder.setWeights(weights);
    const features = encoder.features(images, true);
    expect(relErr(await features.data(), fixture.trainFeatures)).toBeLessThan(1e-4);
    features.dispose();
    // Before the commit the running statistics are still the loaded ones.
    const before = encoder.getWeights();
    expect(maxAbsDiff(await before['encoder/bn1/runningVar']!.data(), await weights['encoder/bn1/runningVar']!.data())).toBe(0);
    tf.dispose(before);
    await expectNoLeak(() => encoder.commitBatchNormStats(), 0);
    const after = encoder.getWeights();
    const ourBn = (torchName: string) =>
      torchName.startsWith('layer')
        ? `encoder/${torchName.replace(/^(layer\d\.\d)\./, '$1/').replace('downsample.1', 'downsample/bn')}`
        : `encoder/${torchName}`;
    for (const [torchName, ref] of Object.entries(fixture.runningAfterTrain)) {
      const name = ourBn(torchName);
      expect(relErr(await after[`${name}/runningMean`]!.data(), ref.runningMean), `${name} mean`).toBeLessThan(1e-4);
      expect(relErr(await after[`${name}/runningVar`]!.data(), ref.runningVar), `${name} var`).toBeLessThan(1e-4);
    }
    tf.dispose(after);
    encoder.dispose();
  });
});
