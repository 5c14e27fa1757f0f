import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng, linearClassifier, pretextPixels, projectionHead, resnet, trainSelfSupervised } from '../../src/advanced';
import { probePretext, visibleCopiesOf, VISIBLE_CHANGE } from '../../src/train/pretextProbe';
import type { PretextModel } from '../../src/train/step';
import { expectNoLeak } from '../helpers/tensors';
import { stripeImages } from '../helpers/textures';
import { TINY_IMAGE_ENCODER } from '../helpers/tinyDetectors';

/** A batch of two flat originals (0.5) and one copy of each, each copy changed on `changed` pixels by `delta`. */
function batchWith(
  changed: number[],
  delta: number,
): { images: { data: Float32Array; batch: number; height: number; width: number; channels: number }; labels: Int32Array } {
  const [h, w, c] = [8, 8, 3];
  const size = h * w * c;
  const data = new Float32Array(4 * size).fill(0.5);
  changed.forEach((count, copy) => {
    for (let p = 0; p < count; p++) for (let k = 0; k < c; k++) data[(2 + copy) * size + p * c + k] = 0.5 + delta;
  });
  return { images: { data, batch: 4, height: h, width: w, channels: c }, labels: Int32Array.from([0, 0, 1, 1]) };
}

describe('visibleCopiesOf', () => {
  it('counts every original, and a copy only when enough pixels changed by enough', () => {
    const { images, labels } = batchWith([12, 2], 0.2);
    expect(Array.from(visibleCopiesOf(images, labels, Int32Array.from([0, 1, 0, 1])))).toEqual([1, 1, 1, 0]);
  });

  it('does not count a copy whose change is below VISIBLE_CHANGE', () => {
    const { images, labels } = batchWith([40, 40], VISIBLE_CHANGE / 2);
    expect(Array.from(visibleCopiesOf(images, labels, Int32Array.from([0, 1, 0, 1])))).toEqual([1, 1, 0, 0]);
  });

  it('compares each copy with its own original (union batches reorder them)', () => {
    const x = stripeImages(6, 16, 16, 3, 2);
    const pixels = { data: x.dataSync().slice() as Float32Array, batch: 6, height: 16, width: 16, channels: 3 };
    x.dispose();
    const batch = pretextPixels(pixels, 'union', createRng(3));
    expect(Array.from(batch.sources!.subarray(0, 6))).toEqual([0, 1, 2, 3, 4, 5]);
    expect([...batch.sources!.subarray(6)].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    // Each copy differs from its own original only inside its patch or scar: far fewer pixels than from another image.
    const size = 16 * 16 * 3;
    for (let i = 6; i < 12; i++) {
      const own = batch.sources![i]!;
      let diff = 0;
      for (let k = 0; k < size; k++) diff += Math.abs(batch.images.data[i * size + k]! - pixels.data[own * size + k]!) > 1e-6 ? 1 : 0;
      expect(diff).toBeLessThan(size / 2);
    }
  });
});

describe('probePretext', () => {
  /** A stand-in network that always answers class 0 (normal). */
  const alwaysNormal = (classes: number): PretextModel => ({
    encoder: { features: (x: tf.Tensor4D) => tf.zeros([x.shape[0], 2]) } as unknown as PretextModel['encoder'],
    head: { apply: (f: tf.Tensor2D) => f } as unknown as PretextModel['head'],
    classifier: {
      outputDim: classes,
      apply: (f: tf.Tensor2D) => tf.concat([tf.ones([f.shape[0], 1]), tf.zeros([f.shape[0], classes - 1])], 1),
    } as unknown as PretextModel['classifier'],
  });

  it('scores a network that always says "normal" at chance: right on every original, wrong on every copy', async () => {
    const { images, labels } = batchWith([12, 2], 0.2);
    const batch = { images, labels, sources: Int32Array.from([0, 1, 0, 1]) };
    await expectNoLeak(async () => {
      const probe = await probePretext(alwaysNormal(2), () => batch, 3);
      expect(probe.samples).toBe(12);
      expect(probe.accuracy).toBe(0.5);
      expect(probe.visibleFraction).toBe(0.5);
      // balanced: every original right (1), the one visible copy per batch wrong (0).
      expect(probe.visibleAccuracy).toBe(0.5);
      expect(probe.nearChance).toBe(true); // 0.5 on a 2-way task is chance
    });
  });

  it('refuses batches without their sources', async () => {
    const { images, labels } = batchWith([12, 2], 0.2);
    await expect(probePretext(alwaysNormal(2), () => ({ images, labels }), 1)).rejects.toThrow(TypeError);
  });
});

describe('trainSelfSupervised: held-out pretext accuracy', () => {
  const model = (seed: number): PretextModel => ({
    encoder: resnet(TINY_IMAGE_ENCODER, { seed }),
    head: projectionHead({ inputDim: 8, widths: [8] }, { seed }),
    classifier: linearClassifier({ inputDim: 8, classes: 3 }, { seed }),
  });

  it('reports probeBatches × 3 × batchSize fresh samples, leaves training unchanged, and leaks nothing', async () => {
    const x = stripeImages(6, 24, 24, 3, 5);
    await expectNoLeak(async () => {
      const [a, b] = [model(1), model(1)];
      const with8 = await trainSelfSupervised(a, x, { steps: 3, batchSize: 4, seed: 2, workers: 0, probeBatches: 2 });
      const without = await trainSelfSupervised(b, x, { steps: 3, batchSize: 4, seed: 2, workers: 0, probeBatches: 0 });
      expect(with8.heldOut?.samples).toBe(2 * 3 * 4);
      expect(without.heldOut).toBeUndefined();
      expect(with8.finalLoss).toBe(without.finalLoss);
      for (const k of ['accuracy', 'visibleAccuracy', 'visibleFraction'] as const) {
        expect(with8.heldOut![k]).toBeGreaterThanOrEqual(0);
        expect(with8.heldOut![k]).toBeLessThanOrEqual(1);
      }
      for (const m of [a, b]) [m.encoder, m.head, m.classifier].forEach((n) => n.dispose());
    });
    x.dispose();
  });

  it('refuses a bad probeBatches', async () => {
    const x = stripeImages(2, 24, 24, 3, 5);
    const m = model(1);
    await expect(trainSelfSupervised(m, x, { steps: 1, probeBatches: -1 })).rejects.toThrow(/probeBatches/);
    [m.encoder, m.head, m.classifier].forEach((n) => n.dispose());
    x.dispose();
  });
});
