import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { AbortError } from '../../src/index';
import { linearClassifier, projectionHead, resnet, resnetPreset, trainSelfSupervised, type TrainProgress } from '../../src/advanced';
import { expectNoLeak } from '../helpers/tensors';
import { stripeImages } from '../helpers/textures';

function tinyModel(classes: number, seed = 1) {
  const encoder = resnet(
    {
      ...resnetPreset('resnet18-slim'),
      blocks: [1, 1],
      widths: [8, 16],
      strides: [1, 2],
      stem: { channels: 8, kernel: 3, stride: 1, maxPool: false },
    },
    { seed },
  );
  const head = projectionHead({ inputDim: encoder.featureDim, widths: [16, 16] }, { seed });
  const classifier = linearClassifier({ inputDim: 16, classes }, { seed });
  const dispose = () => [encoder, head, classifier].forEach((m) => m.dispose());
  return { model: { encoder, head, classifier }, dispose };
}

describe('trainSelfSupervised', () => {
  it('lowers the loss and raises pretext accuracy on generated textures (3-way)', async () => {
    const images = stripeImages(12, 18, 16, 3, 7);
    const { model, dispose } = tinyModel(3);
    const seen: TrainProgress[] = [];
    const steps = 30;
    try {
      const report = await trainSelfSupervised(model, images, {
        steps,
        batchSize: 6,
        learningRate: 0.05,
        seed: 3,
        colorJitter: 0,
        onProgress: (p) => seen.push(p),
      });
      expect(seen).toHaveLength(steps);
      expect(seen.map((p) => p.step)).toEqual(Array.from({ length: steps }, (_, i) => i + 1));
      const first = seen.slice(0, 5).reduce((s, p) => s + p.loss, 0) / 5;
      const last = seen.slice(-5).reduce((s, p) => s + p.loss, 0) / 5;
      expect(last).toBeLessThan(first * 0.8);
      expect(report.pretextAccuracy).toBeGreaterThan(0.5); // chance is 1/3
      expect(report.steps).toBe(steps);
      expect(report.imagesPerSecond).toBeGreaterThan(0);
      expect(seen.at(-1)!.etaSeconds).toBe(0);
      expect(seen[0]!.learningRate).toBeCloseTo(0.05, 10);
    } finally {
      dispose();
      images.dispose();
    }
  });

  it('leaves the tensor count unchanged across steps and after the run', async () => {
    const images = stripeImages(6, 16, 16, 3, 1);
    const { model, dispose } = tinyModel(2);
    try {
      const counts: number[] = [];
      await expectNoLeak(() =>
        trainSelfSupervised(model, images, {
          // probeBatches: 0: the held-out probe runs the model in inference mode, which caches folded
          // BatchNorm weights until the model is disposed (test/train/pretextProbe.test.ts covers it).
          variant: 'binary',
          steps: 12,
          batchSize: 4,
          seed: 1,
          probeBatches: 0,
          onProgress: () => counts.push(tf.memory().numTensors),
        }),
      );
      expect(new Set(counts.slice(1)).size).toBe(1);
      expect(counts[0]).toBe(counts.at(-1));
    } finally {
      dispose();
      images.dispose();
    }
  });

  it('is reproducible: the same seed gives the same losses', async () => {
    const images = stripeImages(6, 16, 16, 3, 2);
    const run = async () => {
      const { model, dispose } = tinyModel(2, 5);
      const losses: number[] = [];
      await trainSelfSupervised(model, images, {
        variant: 'union',
        steps: 4,
        batchSize: 4,
        seed: 9,
        onProgress: (p) => losses.push(p.loss),
      });
      dispose();
      return losses;
    };
    expect(await run()).toEqual(await run());
    images.dispose();
  });

  it('trains on random crops at patch level, on non-square images', async () => {
    const images = stripeImages(4, 30, 40, 3, 4);
    const { model, dispose } = tinyModel(2);
    try {
      const report = await trainSelfSupervised(model, images, {
        variant: 'scar',
        level: 'patch',
        patchSize: [16, 20],
        steps: 3,
        batchSize: 4,
      });
      expect(report.steps).toBe(3);
    } finally {
      dispose();
      images.dispose();
    }
  });

  it('stops with AbortError when its signal aborts, without leaking', async () => {
    const images = stripeImages(4, 16, 16, 3, 5);
    const { model, dispose } = tinyModel(3);
    const controller = new AbortController();
    try {
      await expectNoLeak(async () => {
        const run = trainSelfSupervised(model, images, {
          steps: 50,
          batchSize: 2,
          onProgress: (p) => {
            if (p.step === 2) controller.abort();
          },
          signal: controller.signal,
        });
        await expect(run).rejects.toBeInstanceOf(AbortError);
      });
    } finally {
      dispose();
      images.dispose();
    }
  });

  it('trains only the head during headOnlySteps, then everything', async () => {
    const images = stripeImages(4, 16, 16, 3, 6);
    const { model, dispose } = tinyModel(3);
    try {
      const before = model.encoder.getWeights();
      const phases: string[] = [];
      await trainSelfSupervised(model, images, {
        steps: 2,
        headOnlySteps: 1,
        batchSize: 2,
        fineTuneLearningRate: 0.01,
        onProgress: (p) => phases.push(p.phase),
      });
      expect(phases).toEqual(['head', 'all']);
      const after = model.encoder.getWeights();
      const changed = Object.keys(before).some((k) => tf.tidy(() => tf.any(tf.notEqual(before[k]!, after[k]!)).dataSync()[0]));
      expect(changed).toBe(true);
      tf.dispose([...Object.values(before), ...Object.values(after)]);
    } finally {
      dispose();
      images.dispose();
    }
  });

  it('rejects bad options and mismatched models with errors that name the problem', async () => {
    const images = stripeImages(2, 16, 16, 3, 5);
    const { model, dispose } = tinyModel(2);
    try {
      await expect(trainSelfSupervised(model, images, { steps: 0 })).rejects.toThrow(/steps must be an integer ≥ 1, got 0/);
      await expect(trainSelfSupervised(model, images, { variant: '4way' as never })).rejects.toThrow(/variant must be one of/);
      await expect(trainSelfSupervised(model, images, { variant: '3way' })).rejects.toThrow(/needs a classifier with 3 outputs, got 2/);
      await expect(trainSelfSupervised(model, images, { level: 'patch', patchSize: 64, variant: 'binary' })).rejects.toThrow(
        /does not fit/,
      );
      const gray = stripeImages(2, 16, 16, 1, 5);
      await expect(trainSelfSupervised(model, gray, { variant: 'binary' })).rejects.toThrow(/1 channels, the encoder expects 3/);
      gray.dispose();
    } finally {
      dispose();
      images.dispose();
    }
  });
});
