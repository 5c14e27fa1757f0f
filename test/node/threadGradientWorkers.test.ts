/**
 * Gradient workers on real threads (`worker_threads`, `cutpaste/node`): a worker computes what this
 * thread computes, a parallel run trains and repeats exactly, and failures and aborts leave no thread
 * running and no tensor behind. Each test starts its own worker (≈ 1–2 s from the TypeScript sources).
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, CutPasteDetector } from '../../src/node/index';
import {
  linearClassifier,
  projectionHead,
  registeredGradientWorkerProvider,
  resnet,
  trainSelfSupervised,
  type PretextModel,
} from '../../src/advanced';
import { threadGradientWorkers } from '../../src/node/parallel/threadGradientWorkers';
import { liveGradientWorkers } from '../../src/node/parallel/threadGradientWorkers';
import { splitPretext } from '../../src/train/parallelStep';
import { pretextPixels } from '../../src/train/pretext';
import { phaseVariables, replicaArchitecture, replicaSpec } from '../../src/train/replica';
import { stepGradients } from '../../src/train/step';
import { createRng } from '../../src/math/random';
import { expectNoLeak } from '../helpers/tensors';
import { stripeImages } from '../helpers/textures';
import { TINY_DETECTORS } from '../helpers/tinyDetectors';

const TINY = { blocks: [1, 1], widths: [8, 16], strides: [1, 2], stem: { channels: 8, kernel: 3, stride: 1, maxPool: false as const } };

function tinyModel(classes: number) {
  const encoder = resnet(TINY, { seed: 2 });
  const head = projectionHead({ inputDim: encoder.featureDim, widths: [16, 16] }, { seed: 2 });
  const classifier = linearClassifier({ inputDim: 16, classes }, { seed: 2 });
  const model: PretextModel = { encoder, head, classifier };
  return { model, dispose: () => [encoder, head, classifier].forEach((m) => m.dispose()) };
}

afterEach(() => {
  expect(liveGradientWorkers()).toHaveLength(0);
});

describe('threadGradientWorkers', () => {
  it('is registered by importing cutpaste/node, for the single-threaded backends only', () => {
    expect(registeredGradientWorkerProvider()).toBe(threadGradientWorkers);
    expect(threadGradientWorkers.autoWorkers('webgl')).toBe(0);
    expect(threadGradientWorkers.autoWorkers('tensorflow')).toBe(0);
    expect(threadGradientWorkers.autoWorkers(tf.getBackend())).toBeLessThanOrEqual(1);
  });

  it('computes in a worker thread the gradients this thread computes for the same half batch', async () => {
    const { model, dispose } = tinyModel(3);
    const images = stripeImages(4, 20, 18, 3, 6);
    const originals = { data: (await images.data()) as Float32Array, batch: 4, height: 20, width: 18, channels: 3 };
    const [, half] = splitPretext(pretextPixels(originals, '3way', createRng(1)), 4, 2);
    const spec = await replicaSpec(model, replicaArchitecture(model)!, 3, false);
    const variables = phaseVariables(model, 'all', false);
    const weights = await Promise.all(variables.map(async (v) => Float32Array.from((await v.data()) as Float32Array)));
    const workers = await threadGradientWorkers.start(1, spec, tf.getBackend());
    try {
      const [theirs] = await workers.gradients([
        { phase: 'all', encoderTrains: true, weights, images: half!.images, labels: half!.labels },
      ]);
      const x = tf.tensor4d(half!.images.data, [6, 20, 18, 3]);
      const y = tf.tensor1d(half!.labels, 'int32');
      const mine = stepGradients(model, x, y, { variables, classes: 3, encoderTrains: true });
      const [loss, accuracy] = [(await mine.loss.data())[0]!, (await mine.accuracy.data())[0]!];
      expect(theirs!.loss).toBeCloseTo(loss, 5);
      expect(theirs!.correct).toBe(Math.round(accuracy * 6));
      expect(theirs!.grads).toHaveLength(variables.length);
      for (const [i, v] of variables.entries()) {
        const own = (await mine.grads[v.name]!.data()) as Float32Array;
        const scale = Math.max(1e-3, ...Array.from(own, Math.abs));
        const diff = Math.max(...Array.from(own, (g, k) => Math.abs(g - theirs!.grads[i]![k]!)));
        expect(diff / scale, `gradient of ${v.name}`).toBeLessThan(1e-5);
      }
      tf.dispose([x, y, mine.loss, mine.accuracy, mine.grads]);
      model.encoder.commitBatchNormStats();
      model.head.commitBatchNormStats();
    } finally {
      await workers.dispose();
      dispose();
      images.dispose();
    }
  });

  it('trains in parallel: the loss falls, the same seed repeats exactly, and nothing leaks', async () => {
    const images = stripeImages(8, 18, 16, 3, 7);
    const train = async (steps: number) => {
      const { model, dispose } = tinyModel(3);
      const losses: number[] = [];
      const report = await trainSelfSupervised(model, images, {
        steps,
        batchSize: 6,
        learningRate: 0.05,
        seed: 3,
        colorJitter: 0,
        workers: 1,
        onProgress: (p) => losses.push(p.loss),
      });
      dispose();
      return { report, losses };
    };
    const long = await expectNoLeak(() => train(20));
    expect(long.report.workers).toBe(1);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(long.losses.slice(-5))).toBeLessThan(mean(long.losses.slice(0, 5)) * 0.85);
    const [a, b] = [await train(3), await train(3)];
    expect(a.losses).toEqual(b.losses);
    images.dispose();
  });

  it('fails the run with an Error when a worker dies, stopping every worker and leaking nothing', async () => {
    const images = stripeImages(6, 16, 16, 3, 1);
    const { model, dispose } = tinyModel(2);
    await expectNoLeak(() =>
      expect(
        trainSelfSupervised(model, images, {
          variant: 'binary',
          steps: 8,
          batchSize: 4,
          workers: 1,
          onProgress: (p) => {
            if (p.step === 2) for (const w of liveGradientWorkers()) void w.terminate();
          },
        }),
      ).rejects.toThrow(/^gradient worker 0 exited unexpectedly \(exit code 1\)$/),
    );
    dispose();
    images.dispose();
  });

  it('stops the workers when the run is aborted', async () => {
    const images = stripeImages(6, 16, 16, 3, 1);
    const { model, dispose } = tinyModel(2);
    const controller = new AbortController();
    const seen: number[] = [];
    await expectNoLeak(() =>
      expect(
        trainSelfSupervised(model, images, {
          variant: 'binary',
          steps: 8,
          batchSize: 4,
          workers: 1,
          signal: controller.signal,
          onProgress: (p) => {
            seen.push(liveGradientWorkers().length);
            if (p.step === 2) controller.abort();
          },
        }),
      ).rejects.toThrow(AbortError),
    );
    expect(seen).toEqual([1, 1]);
    dispose();
    images.dispose();
  });

  it('reports a worker-side error with its message, and refuses backends it cannot run', async () => {
    const { model, dispose } = tinyModel(2);
    const spec = await replicaSpec(model, replicaArchitecture(model)!, 2, false);
    await expect(threadGradientWorkers.start(1, spec, 'webgl')).rejects.toThrow(
      /run on wasm or cpu, not on the webgl backend; use workers: 0/,
    );
    const workers = await threadGradientWorkers.start(1, spec, tf.getBackend());
    try {
      const images = { data: new Float32Array(2 * 16 * 16 * 3), batch: 2, height: 16, width: 16, channels: 3 };
      await expect(
        workers.gradients([{ phase: 'head', encoderTrains: false, weights: [], images, labels: new Int32Array(2) }]),
      ).rejects.toThrow(/^gradient worker 0: gradientReplica\.gradients: request\.weights must hold 8 arrays \(phase 'head'\), got 0$/);
    } finally {
      await workers.dispose();
      dispose();
    }
  });

  it('helps CutPasteDetector.fit through FitOptions.workers', async () => {
    const images = stripeImages(4, 48, 56, 3, 9);
    const detector = await CutPasteDetector.create({ ...TINY_DETECTORS.patch, seed: 1 });
    try {
      const threads = (workers: number) => async () => {
        const seen = new Set<number>();
        const report = await detector.fit(images, {
          workers,
          onProgress: (p) => p.stage === 'train' && seen.add(liveGradientWorkers().length),
        });
        expect(Number.isFinite(report.finalLoss)).toBe(true);
        return [...seen];
      };
      expect(await threads(1)()).toEqual([1]);
      expect(await threads(0)()).toEqual([0]);
      await expect(detector.fit(images, { workers: 'two' as unknown as number })).rejects.toThrow(
        /options\.workers must be 'auto' or an integer in \[0, 64\], got "two"/,
      );
    } finally {
      detector.dispose();
      images.dispose();
    }
  });
});
