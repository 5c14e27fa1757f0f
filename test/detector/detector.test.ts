import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, CutPasteDetector, StateError, type FitProgress, type RawImage } from '../../src/index';
import { embedPatches, patchLayout } from '../../src/detector/embedding';
import { resnet, resnetPreset } from '../../src/models/index';
import { expectNoLeak, maxAbsDiff } from '../helpers/tensors';
import { objectImages } from '../helpers/textures';

const H = 40;
const W = 44;
const small = {
  mode: 'patch' as const,
  encoder: 'patch32' as const,
  stride: 8,
  imageSize: [H, W] as [number, number],
  steps: 1,
  batchSize: 4,
};

let train: tf.Tensor4D;
let test: tf.Tensor4D;
let fitted: CutPasteDetector;
beforeAll(async () => {
  train = objectImages(6, H, W, 1).images;
  test = objectImages(4, H, W, 9, true).images;
  fitted = await CutPasteDetector.create(small);
  await fitted.fit(train);
});
afterAll(() => {
  fitted.dispose();
  tf.dispose([train, test]);
});

describe('CutPasteDetector options', () => {
  it('fills the fast preset in patch mode and the paper preset in image mode', async () => {
    const fast = await CutPasteDetector.create();
    expect(fast.options).toMatchObject({
      preset: 'fast',
      mode: 'patch',
      encoder: 'patch32',
      imageSize: [256, 256],
      patchSize: 32,
      stride: 8,
      variant: '3way',
    });
    expect(fast.patchLayout).toMatchObject({ rows: 29, cols: 29, dense: true, subsample: 2 });
    fast.dispose();
    const paper = await CutPasteDetector.create({ preset: 'paper', imageSize: [64, 96] });
    expect(paper.options).toMatchObject({
      mode: 'image',
      encoder: 'resnet18',
      steps: 65_536,
      batchSize: 32,
      learningRate: 0.03,
      imageSize: [64, 96],
    });
    paper.dispose();
  });

  it('rejects invalid options with a RangeError naming the option and the allowed values', async () => {
    await expect(CutPasteDetector.create({ preset: 'slow' as never })).rejects.toThrow(
      /option preset must be 'fast' or 'paper', got "slow"/,
    );
    await expect(CutPasteDetector.create({ mode: 'pixel' as never })).rejects.toThrow(/option mode must be 'image' or 'patch'/);
    await expect(CutPasteDetector.create({ steps: 1.5 })).rejects.toThrow(/option steps must be an integer ≥ 1, got 1.5/);
    await expect(CutPasteDetector.create({ stride: 64 })).rejects.toThrow(/option stride must be an integer in \[1, patchSize = 32\]/);
    await expect(CutPasteDetector.create({ encoder: 'resnet50' as never })).rejects.toThrow(/option encoder must be one of 'resnet18'/);
    await expect(CutPasteDetector.create({ strides: 4 } as never)).rejects.toThrow(/unknown option/);
    await expect(CutPasteDetector.create({ imageSize: 8 })).rejects.toBeInstanceOf(RangeError);
  });
});

describe('CutPasteDetector scoring', () => {
  it('gives each image the same score alone as in a batch', async () => {
    const all = await fitted.score(test);
    const one = await fitted.score(tf.slice(test, [2, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D);
    expect(Math.abs(one[0]! - all[2]!) / all[2]!).toBeLessThan(1e-5);
  });

  it('takes arrays of tensors and raw pixels of any size, returning maps at each image’s own size', async () => {
    const raw: RawImage = { data: new Uint8Array(30 * 50 * 4).fill(128), width: 50, height: 30 };
    const gray = tf.fill([60, 36, 1], 0.4) as tf.Tensor3D;
    const maps = await fitted.scoreMaps([raw, gray]);
    expect(maps.map((m) => [m.height, m.width])).toEqual([
      [30, 50],
      [60, 36],
    ]);
    expect(maps.every((m) => m.data.every(Number.isFinite))).toBe(true);
    gray.dispose();
  });

  it('does not grow the tensor count over 100 score calls', async () => {
    const image = tf.slice(test, [0, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
    await fitted.score(image);
    await expectNoLeak(async () => {
      for (let i = 0; i < 100; i++) await fitted.score(image);
    });
    image.dispose();
  });

  it('predicts with the provisional threshold from fit, then with calibrated ones', async () => {
    expect(fitted.threshold?.method).toBe('fit');
    const scores = await fitted.score(test);
    const predictions = await fitted.predict(test);
    expect(predictions.map((p) => p.score)).toEqual(Array.from(scores));
    expect(predictions.map((p) => p.isAnomalous)).toEqual(Array.from(scores, (s) => s >= fitted.threshold!.value));
    expect(predictions[0]!.map?.height).toBe(H);
    const q = await fitted.calibrate(test, { quantile: 0.5 });
    expect(q.method).toBe('quantile');
    expect((await fitted.predict(test)).filter((p) => p.isAnomalous)).toHaveLength(2);
    const best = await fitted.calibrateWithLabels(test, [0, 1, 0, 1]);
    expect(best.method).toBe('f1-max');
    expect(Array.from(scores)).toContain(best.value);
  });
});

describe('CutPasteDetector input errors', () => {
  it('names the problem: rank, channels, NaN, empty input, one training image, not fitted', async () => {
    const fresh = await CutPasteDetector.create(small);
    await expect(fresh.score(test)).rejects.toBeInstanceOf(StateError);
    await expect(fresh.score(test)).rejects.toThrow(/not fitted; call fit\(\) or load\(\) first/);
    await expect(fresh.fit(tf.slice(train, [0, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D)).rejects.toThrow(
      /at least 2 normal images, got 1/,
    );
    await expect(fitted.score(tf.zeros([H, W, 3]) as never)).rejects.toThrow(/tf.Tensor4D .* got a tensor of rank 3/);
    await expect(fitted.score(tf.zeros([1, H, W, 2]) as tf.Tensor4D)).rejects.toThrow(
      /2 channels; allowed: 1 \(gray\), 3 \(RGB\) or 4 \(RGBA\)/,
    );
    await expect(fitted.score(tf.fill([1, H, W, 3], NaN) as tf.Tensor4D)).rejects.toThrow(/NaN or Infinity/);
    await expect(fitted.score([])).rejects.toThrow(/images is empty/);
    await expect(fitted.score([{ data: new Float32Array([0, NaN, 0]), width: 3, height: 1, channels: 1 }])).rejects.toThrow(
      /images\[0\]\.data\[1\] is NaN/,
    );
    await expect(fitted.score([{ data: new Uint8Array(10), width: 3, height: 3 }])).rejects.toThrow(/channels/);
    fresh.dispose();
  });
});

describe('CutPasteDetector fit', () => {
  it('reports progress through training, embedding and density, and stops on abort leaving the detector as it was', async () => {
    const detector = await CutPasteDetector.create({ ...small, steps: 3 });
    const stages = new Set<string>();
    await detector.fit(train, { onProgress: (p: FitProgress) => stages.add(p.stage) });
    expect([...stages]).toEqual(['train', 'embed', 'density']);
    const before = await detector.score(test);
    const controller = new AbortController();
    const run = detector.fit(train, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.stage === 'train' && p.step === 1) controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(AbortError);
    expect(Array.from(await detector.score(test))).toEqual(Array.from(before));
    detector.dispose();
  });
});

describe('dense patch embedding', () => {
  it('gives the same embeddings in one fully-convolutional pass as cropping every patch', async () => {
    const encoder = resnet(resnetPreset('patch32'), { seed: 4 });
    const images = objectImages(2, 44, 52, 3).images;
    const dense = patchLayout(encoder, 44, 52, 32, 4);
    expect(dense.dense).toBe(true);
    const a = await embedPatches(encoder, images, dense, 2);
    const b = await embedPatches(encoder, images, { ...dense, dense: false }, 2);
    expect(a.length).toBe(2 * dense.rows * dense.cols * encoder.featureDim);
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-4);
    encoder.dispose();
    images.dispose();
  });
});
