// The multi-threaded wasm build in Node (`useThreadedWasm`): it really runs XNNPACK on 2 threads,
// computes what the cpu backend computes (inference, a training step, a detector's fit and scores),
// starts no gradient worker under `workers: 'auto'` when the threads take the cores, refuses bad
// calls, and lets a process exit by itself.
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CutPasteDetector } from '../../src/index';
import { resnet, resnetPreset } from '../../src/advanced';
import { threadGradientWorkers } from '../../src/node/parallel/threadGradientWorkers';
import { threadedWasmThreads, useThreadedWasm } from '../../src/node/threadedWasm';
import { objectImages } from '../helpers/textures';
import { TINY_DETECTORS, TINY_SIZE } from '../helpers/tinyDetectors';
import { relativeError, runOn, values } from './crossBackend';
import { rawResnetParams, rawResnetTrainingStep, type RawResnetSpec } from './rawResnet';

beforeAll(async () => {
  expect(await useThreadedWasm({ threads: 2 })).toEqual({ threads: 2 });
  expect(threadedWasmThreads()).toBe(1); // registered, not yet initialised
  expect(await tf.setBackend('wasm')).toBe(true);
});

describe('useThreadedWasm', () => {
  it('makes the wasm backend run XNNPACK on the threads asked for', () => {
    expect(getThreadsCount()).toBe(2);
    expect(threadedWasmThreads()).toBe(2);
  });

  it('computes a patch32 dense feature map as the cpu backend does (to 1e-4)', async () => {
    const image = values([1, 64, 72, 3], 'image');
    const compute = () => {
      const encoder = resnet(resnetPreset('patch32'), { seed: 1 });
      try {
        return encoder.featureMap(tf.tensor4d(image, [1, 64, 72, 3]), false);
      } finally {
        encoder.dispose();
      }
    };
    const reference = await runOn('cpu', compute);
    const got = await runOn('wasm', compute);
    expect(relativeError(reference[0]!, got[0]!)).toBeLessThanOrEqual(1e-4);
  });

  it('trains: loss, gradients and updated weights of a raw-op ResNet step as on cpu (to 1e-4)', async () => {
    const spec: RawResnetSpec = { inChannels: 3, stemWidth: 16, stemKernel: 7, widths: [16, 32], blocks: [1, 1], classes: 3 };
    const step = rawResnetTrainingStep(spec, [6, 40, 36, 3], [0, 1, 2, 0, 1, 2]);
    const reference = await runOn('cpu', step);
    const got = await runOn('wasm', step);
    expect(got.length).toBe(reference.length);
    const params = rawResnetParams(spec);
    const names = ['loss', ...params.map((p) => `d${p.name}`), ...params.map((p) => `${p.name} after 2 steps`)];
    got.forEach((g, i) => expect(relativeError(reference[i]!, g), names[i]).toBeLessThanOrEqual(1e-4));
  });

  it.each(['image', 'patch'] as const)('fits and scores a tiny %s-mode detector as the cpu backend does (to 5e-4)', async (mode) => {
    const [H, W] = TINY_SIZE;
    const run = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      const train = objectImages(6, H, W, 1).images;
      const test = objectImages(3, H, W, 9, true).images;
      const detector = await CutPasteDetector.create({ ...TINY_DETECTORS[mode], seed: 7 });
      try {
        const report = await detector.fit(train, { workers: 0 });
        expect(report.workers).toBe(0);
        return { scores: await detector.score(test), map: (await detector.scoreMaps(test))[0]!.data };
      } finally {
        detector.dispose();
        tf.dispose([train, test]);
      }
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expect(relativeError(cpu.scores, wasm.scores)).toBeLessThanOrEqual(5e-4);
    expect(relativeError(cpu.map, wasm.map)).toBeLessThanOrEqual(5e-4);
  });

  it("leaves no core for a gradient worker under workers: 'auto' when its threads take them", async () => {
    await tf.setBackend('wasm');
    expect(threadGradientWorkers.autoWorkers('wasm')).toBe(Math.max(0, Math.min(1, availableParallelism() - 2)));
    expect(threadGradientWorkers.autoWorkers('cpu')).toBe(Math.max(0, Math.min(1, availableParallelism() - 1)));
  });

  it.each([0, 9, 1.5, -1, Number.NaN, '2' as unknown as number])('refuses threads: %s with a RangeError', async (threads) => {
    await expect(useThreadedWasm({ threads })).rejects.toThrow(RangeError);
  });

  it('refuses once the wasm backend is initialised (its tensors would be lost)', async () => {
    await expect(useThreadedWasm()).rejects.toThrow(/already initialised; call useThreadedWasm before tf.setBackend/);
    expect(getThreadsCount()).toBe(2);
  });
});

describe('a process on the threaded backend', () => {
  it('exits by itself when its work is done (the pthreads do not hold it)', () => {
    const child = fileURLToPath(new URL('../helpers/threadedWasmChild.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', child], { encoding: 'utf8', timeout: 60_000 });
    expect(run.error, 'the child did not exit within 60 s').toBeUndefined();
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe('threads 2 sum 1944');
  });
});
