/**
 * Data-parallel training in the core, with an in-process gradient-worker provider (each "worker" a
 * `gradientReplica` on this thread): batch splitting, the averaged step, determinism, `workers: 0`,
 * the `'auto'` rules, errors and tensor hygiene. Real threads: test/node/threadGradientWorkers.test.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError } from '../../src/index';
import { AUTO_WORKERS_MIN_STEPS } from '../../src/train/options';
import {
  gradientReplica,
  linearClassifier,
  projectionHead,
  registerGradientWorkerProvider,
  resnet,
  trainSelfSupervised,
  type GradientWorkerProvider,
  type PretextModel,
  type ReplicaSpec,
  type TrainOptions,
} from '../../src/advanced';
import { splitPretext } from '../../src/train/parallelStep';
import { expectNoLeak, maxAbsDiff } from '../helpers/tensors';
import { stripeImages } from '../helpers/textures';

const TINY = { blocks: [1, 1], widths: [8, 16], strides: [1, 2], stem: { channels: 8, kernel: 3, stride: 1, maxPool: false as const } };

function tinyModel(classes: number, headWidths: number[] = [16, 16]) {
  const encoder = resnet(TINY, { seed: 4 });
  const head = projectionHead({ inputDim: encoder.featureDim, widths: headWidths }, { seed: 4 });
  const classifier = linearClassifier({ inputDim: head.outputDim, classes }, { seed: 4 });
  const model: PretextModel = { encoder, head, classifier };
  return { model, dispose: () => [encoder, head, classifier].forEach((m) => m.dispose()) };
}

interface Log {
  starts: { count: number; backend: string; spec: ReplicaSpec }[];
  requests: number;
  disposed: number;
}

/** Workers on this thread: each a gradientReplica; `failAt` makes the n-th gradients call reject. */
function inlineProvider(log: Log, options: { auto?: number; failAt?: number; failStart?: boolean } = {}): GradientWorkerProvider {
  return {
    autoWorkers: () => options.auto ?? 1,
    async start(count, spec, backend) {
      log.starts.push({ count, backend, spec });
      if (options.failStart) throw new Error('inline worker: could not start');
      const replicas = Array.from({ length: count }, () => gradientReplica(structuredClone(spec)));
      return {
        size: count,
        async gradients(requests) {
          log.requests++;
          if (log.requests === options.failAt) throw new Error('inline worker: crashed');
          return Promise.all(requests.map((r, i) => replicas[i]!.gradients(r)));
        },
        async dispose() {
          log.disposed++;
          replicas.forEach((r) => r.dispose());
        },
      };
    },
  };
}

const newLog = (): Log => ({ starts: [], requests: 0, disposed: 0 });

async function weightsOf(model: PretextModel): Promise<Float32Array[]> {
  const maps = [model.encoder.getWeights(), model.head.getWeights(), model.classifier.getWeights()];
  const out = await Promise.all(maps.flatMap((m) => Object.values(m).map(async (t) => (await t.data()) as Float32Array)));
  maps.forEach((m) => tf.dispose(m));
  return out;
}

async function run(options: TrainOptions, classes = 2, headWidths?: number[]) {
  const images = stripeImages(6, 18, 14, 3, 5);
  const { model, dispose } = tinyModel(classes, headWidths);
  const losses: number[] = [];
  try {
    const report = await trainSelfSupervised(model, images, {
      variant: 'binary',
      steps: 3,
      batchSize: 4,
      seed: 7,
      colorJitter: 0,
      ...options,
      onProgress: (p) => losses.push(p.loss),
    });
    return { report, losses, weights: await weightsOf(model) };
  } finally {
    dispose();
    images.dispose();
  }
}

afterEach(() => {
  registerGradientWorkerProvider(undefined);
});

describe('splitPretext', () => {
  it('deals the originals round-robin with their augmented copies, so every part has every class', () => {
    const [h, w, c, n] = [3, 2, 1, 5];
    const data = Float32Array.from({ length: 3 * n * h * w * c }, (_, i) => Math.floor(i / (h * w * c))); // pixel value = image index
    const labels = Int32Array.from({ length: 3 * n }, (_, i) => Math.floor(i / n));
    const parts = splitPretext({ images: { data, batch: 3 * n, height: h, width: w, channels: c }, labels }, n, 2);
    const imageIds = (p: (typeof parts)[number]) => Array.from({ length: p.images.batch }, (_, k) => p.images.data[k * h * w * c]);
    expect(imageIds(parts[0]!)).toEqual([0, 2, 4, 5, 7, 9, 10, 12, 14]);
    expect(Array.from(parts[0]!.labels)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2]);
    expect(imageIds(parts[1]!)).toEqual([1, 3, 6, 8, 11, 13]);
    expect(Array.from(parts[1]!.labels)).toEqual([0, 0, 1, 1, 2, 2]);
    expect([parts[1]!.images.height, parts[1]!.images.width]).toEqual([h, w]);
  });

  it('refuses more parts than originals', () => {
    const pixels = { images: { data: new Float32Array(4), batch: 4, height: 1, width: 1, channels: 1 }, labels: new Int32Array(4) };
    expect(() => splitPretext(pixels, 2, 3)).toThrow(/cannot split 4 images of 2 originals into 3 parts/);
  });
});

describe('trainSelfSupervised with gradient workers', () => {
  it('takes the same steps as one thread when no layer uses batch statistics', async () => {
    // Frozen encoder BatchNorm and a head without hidden layers: the loss is a plain mean over images,
    // so the size-weighted average of the parts' gradients is the whole batch's gradient.
    const options = { freezeBatchNorm: true, steps: 4 };
    const single = await run({ ...options, workers: 0 }, 2, [8]);
    const log = newLog();
    const parallel = await run({ ...options, workers: 1, workerProvider: inlineProvider(log) }, 2, [8]);
    expect(parallel.report.workers).toBe(1);
    expect(log.requests).toBe(4);
    expect(maxAbsDiff(parallel.losses, single.losses)).toBeLessThan(1e-5);
    parallel.weights.forEach((w, i) => expect(maxAbsDiff(w, single.weights[i]!)).toBeLessThan(1e-5));
    expect(single.weights[0]).not.toEqual((await run({ ...options, steps: 1, workers: 0 }, 2, [8])).weights[0]); // the steps did move the weights
  });

  it('differs from one thread with BatchNorm (statistics per part) but repeats exactly with the same seed', async () => {
    const single = await run({ workers: 0 });
    const a = await run({ workers: 1, workerProvider: inlineProvider(newLog()) });
    const b = await run({ workers: 1, workerProvider: inlineProvider(newLog()) });
    expect(a.losses).toEqual(b.losses);
    a.weights.forEach((w, i) => expect(w).toEqual(b.weights[i]));
    expect(maxAbsDiff(a.losses, single.losses)).toBeGreaterThan(1e-6);
  });

  it('sends the run spec once: architecture, start weights, phase shapes and the backend', async () => {
    const log = newLog();
    await run({ workers: 1, workerProvider: inlineProvider(log), variant: '3way' }, 3);
    expect(log.starts).toHaveLength(1);
    const { count, backend, spec } = log.starts[0]!;
    expect([count, backend, spec.classes, spec.freezeBatchNorm]).toEqual([1, tf.getBackend(), 3, false]);
    expect(spec.encoder.kind).toBe('resnet');
    expect(spec.head.widths).toEqual([16, 16]);
    expect(spec.shapes.head.length).toBe(4 + 2 + 2); // two Dense (kernel, bias) with one BatchNorm (γ, β), then the classifier
    expect(spec.shapes.all.length).toBeGreaterThan(spec.shapes.head.length);
    expect(log.disposed).toBe(1);
  });

  it('runs on the calling thread alone with workers: 0, even with a provider registered', async () => {
    const unregistered = await run({});
    const log = newLog();
    registerGradientWorkerProvider(inlineProvider(log));
    const off = await run({ workers: 0, steps: AUTO_WORKERS_MIN_STEPS, batchSize: 2 });
    const offShort = await run({});
    expect(log.starts).toHaveLength(0);
    expect(off.report.workers).toBe(0);
    expect(offShort.losses).toEqual(unregistered.losses);
    offShort.weights.forEach((w, i) => expect(w).toEqual(unregistered.weights[i]));
  });

  it("uses the registered provider for 'auto' from AUTO_WORKERS_MIN_STEPS steps on, capped below batchSize", async () => {
    const log = newLog();
    registerGradientWorkerProvider(inlineProvider(log, { auto: 8 }));
    const short = await run({ steps: AUTO_WORKERS_MIN_STEPS - 1, batchSize: 2 });
    expect(short.report.workers).toBe(0);
    const long = await run({ steps: AUTO_WORKERS_MIN_STEPS, batchSize: 3 });
    expect(long.report.workers).toBe(2); // batchSize 3: one original for each worker and for this thread
    expect(log.starts.map((s) => s.count)).toEqual([2]);
    expect(log.disposed).toBe(1);
  });

  it('refuses workers it cannot honour, before training', async () => {
    await expect(run({ workers: 1 })).rejects.toThrow(/option workers 1 needs a gradient-worker provider: import 'cutpaste\/node'/);
    const provider = inlineProvider(newLog());
    await expect(run({ workers: 4, workerProvider: provider })).rejects.toThrow(/workers must be smaller than batchSize \(4\).*got 4/);
    await expect(run({ workers: 1.5, workerProvider: provider })).rejects.toThrow(RangeError);
    await expect(run({ workers: -1 })).rejects.toThrow(/option workers must be 'auto' or an integer in \[0, 64\], got -1/);
    await expect(run({ workers: 1, workerProvider: {} as GradientWorkerProvider })).rejects.toThrow(
      /option workerProvider must be a GradientWorkerProvider/,
    );
    const images = stripeImages(4, 16, 16, 3, 1);
    const { model, dispose } = tinyModel(2);
    const custom: PretextModel = {
      ...model,
      head: Object.assign(Object.create(model.head) as typeof model.head, { toConfig: () => ({ kind: 'mine' }) }),
    };
    await expect(
      trainSelfSupervised(custom, images, { variant: 'binary', steps: 1, batchSize: 4, workers: 1, workerProvider: provider }),
    ).rejects.toThrow(/needs networks a worker can rebuild/);
    dispose();
    images.dispose();
  });

  it('stops the workers and leaks no tensor when a worker fails, fails to start, or the run is aborted', async () => {
    const crashed = newLog();
    await expectNoLeak(() =>
      expect(run({ steps: 5, workers: 1, workerProvider: inlineProvider(crashed, { failAt: 2 }) })).rejects.toThrow(
        /inline worker: crashed/,
      ),
    );
    expect(crashed.disposed).toBe(1);
    const neverStarted = newLog();
    await expectNoLeak(() =>
      expect(run({ workers: 1, workerProvider: inlineProvider(neverStarted, { failStart: true }) })).rejects.toThrow(/could not start/),
    );
    expect(neverStarted.disposed).toBe(0);
    const aborted = newLog();
    const controller = new AbortController();
    const images = stripeImages(6, 16, 16, 3, 2);
    const { model, dispose } = tinyModel(2);
    await expectNoLeak(() =>
      expect(
        trainSelfSupervised(model, images, {
          variant: 'binary',
          steps: 10,
          batchSize: 4,
          workers: 1,
          workerProvider: inlineProvider(aborted),
          signal: controller.signal,
          onProgress: (p) => p.step === 2 && controller.abort(),
        }),
      ).rejects.toThrow(AbortError),
    );
    expect([aborted.requests, aborted.disposed]).toEqual([2, 1]);
    dispose();
    images.dispose();
  });

  it('leaves the tensor count unchanged over a parallel run', async () => {
    const images = stripeImages(6, 16, 16, 3, 3);
    const { model, dispose } = tinyModel(3);
    // probeBatches: 0: the held-out probe runs the model in inference mode, which caches folded
    // BatchNorm weights until the model is disposed (test/train/pretextProbe.test.ts covers it).
    await expectNoLeak(() =>
      trainSelfSupervised(model, images, { steps: 3, batchSize: 4, workers: 1, workerProvider: inlineProvider(newLog()), probeBatches: 0 }),
    );
    dispose();
    images.dispose();
  });
});
