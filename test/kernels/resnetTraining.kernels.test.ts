// A small raw-op ResNet trains on wasm (with the fills) exactly as on cpu.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeak } from '../helpers/tensors';
import { relativeError, runOn } from './crossBackend';
import { rawResnetParams, rawResnetTrainingStep, type RawResnetSpec } from './rawResnet';

const spec: RawResnetSpec = { inChannels: 3, stemWidth: 8, stemKernel: 7, widths: [8, 16], blocks: [1, 1], classes: 3 };
const params = rawResnetParams(spec);
const trainingStep = rawResnetTrainingStep(spec, [4, 22, 18, 3], [0, 2, 1, 2]); // non-square

describe('a raw-op ResNet training step', () => {
  it('runs on wasm and gives the cpu backend’s loss, gradients and updated weights to 1e-4', async () => {
    const reference = await runOn('cpu', trainingStep);
    const got = await runOn('wasm', trainingStep);
    const n = params.length;
    expect(got.length).toBe(1 + 2 * n);
    expect(relativeError(reference[0]!, got[0]!), 'loss').toBeLessThanOrEqual(1e-5);
    params.forEach((p, i) => {
      expect(relativeError(reference[1 + i]!, got[1 + i]!), `d${p.name}`).toBeLessThanOrEqual(1e-4);
      expect(relativeError(reference[1 + n + i]!, got[1 + n + i]!), `${p.name} after 2 steps`).toBeLessThanOrEqual(1e-4);
    });
    // The gradients are not trivially zero.
    expect(Math.max(...Array.from(got[1]!, Math.abs))).toBeGreaterThan(1e-4);
  });

  it('leaves no tensors behind on wasm (optimizer state and variables disposed, the rest in a tidy)', async () => {
    await tf.setBackend('wasm');
    // allow 1: tfjs 4.22's MomentumOptimizer.dispose() does not dispose the kept -learningRate scalar
    // its SGD base made (it overrides dispose without calling super), one per optimizer.
    await expectNoLeak(() => tf.tidy(() => tf.dispose(trainingStep())), 1);
  });
});
