import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CutPasteDetector, FormatError, type CutPasteOptions } from '../../src/index';
import { DETECTOR_FORMAT_VERSION } from '../../src/advanced';
import { saveToMemory } from '../helpers/artifacts';
import { expectNoLeak } from '../helpers/tensors';
import { objectImages } from '../helpers/textures';

const H = 40;
const W = 44;
const TINY_RESNET = {
  blocks: [1],
  widths: [8],
  strides: [1],
  padding: 'same' as const,
  stem: { channels: 8, kernel: 3, stride: 2, maxPool: false },
};

let train: tf.Tensor4D;
let test: tf.Tensor4D;
beforeAll(() => {
  train = objectImages(6, H, W, 1).images;
  test = objectImages(3, H, W, 9, true).images;
});
afterAll(() => tf.dispose([train, test]));

const kinds: [string, CutPasteOptions][] = [
  ['image mode', { mode: 'image', encoder: TINY_RESNET, headWidths: [8] }],
  ['patch mode, shared density', { mode: 'patch', encoder: 'patch32', stride: 8 }],
  ['patch mode, density per location', { mode: 'patch', encoder: 'patch32', stride: 8, perLocation: true }],
];

describe('CutPasteDetector save and load', () => {
  for (const [name, options] of kinds) {
    it(`round-trips through one ModelArtifacts with identical scores and maps (${name})`, async () => {
      const detector = await CutPasteDetector.create({ ...options, imageSize: [H, W], steps: 1, batchSize: 4, seed: 2 });
      await detector.fit(train);
      detector.setThreshold(123.5);
      const artifacts = await saveToMemory(detector);
      const doc = (artifacts.userDefinedMetadata as { cutpaste: { formatVersion: number; options: { mode: string } } }).cutpaste;
      expect(doc.formatVersion).toBe(DETECTOR_FORMAT_VERSION);
      expect(doc.options.mode).toBe(options.mode);
      const copy = await CutPasteDetector.load(tf.io.fromMemory(artifacts));
      try {
        expect(Array.from(await copy.score(test))).toEqual(Array.from(await detector.score(test)));
        const [a, b] = [await detector.scoreMaps(test), await copy.scoreMaps(test)];
        expect(Array.from(b[1]!.data)).toEqual(Array.from(a[1]!.data));
        expect(copy.threshold).toEqual({ value: 123.5, method: 'manual' });
        expect(copy.options).toEqual(detector.options);
        expect(copy.fitReport).toEqual(detector.fitReport);
      } finally {
        copy.dispose();
        detector.dispose();
      }
    });
  }

  it('refuses an unknown format version, foreign artifacts and broken weights, creating nothing', async () => {
    const detector = await CutPasteDetector.create({
      mode: 'image',
      encoder: TINY_RESNET,
      headWidths: [8],
      imageSize: [H, W],
      steps: 1,
      batchSize: 4,
    });
    await detector.fit(train);
    const artifacts = await saveToMemory(detector);
    detector.dispose();
    const before = tf.memory().numTensors;
    const doc = (artifacts.userDefinedMetadata as { cutpaste: Record<string, unknown> }).cutpaste;
    const future = { ...artifacts, userDefinedMetadata: { cutpaste: { ...doc, formatVersion: 99 } } };
    await expect(CutPasteDetector.load(tf.io.fromMemory(future))).rejects.toThrow(/format version 99 is not supported; .* reads version 1/);
    await expect(CutPasteDetector.load(tf.io.fromMemory({ ...artifacts, userDefinedMetadata: {} }))).rejects.toBeInstanceOf(FormatError);
    const truncated = { ...artifacts, weightData: (artifacts.weightData as ArrayBuffer).slice(0, 100) };
    await expect(CutPasteDetector.load(tf.io.fromMemory(truncated))).rejects.toBeInstanceOf(FormatError);
    const specs = artifacts.weightSpecs!.map((s, i) => (i === 0 ? { ...s, shape: [s.shape[0]! + 1, ...s.shape.slice(1)] } : s));
    await expect(CutPasteDetector.load(tf.io.fromMemory({ ...artifacts, weightSpecs: specs }))).rejects.toBeInstanceOf(FormatError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses to save an unfitted detector, and bad targets', async () => {
    const detector = await CutPasteDetector.create({ mode: 'image', encoder: TINY_RESNET, headWidths: [8], imageSize: [H, W] });
    await expect(
      detector.save(tf.io.withSaveHandler(async () => ({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }))),
    ).rejects.toThrow(/not fitted/);
    await expect(CutPasteDetector.load('nowhere://model')).rejects.toThrow(/no tfjs load handler/);
    detector.dispose();
  });

  it('frees every tensor it owns on dispose, and refuses use afterwards', async () => {
    await expectNoLeak(async () => {
      const detector = await CutPasteDetector.create({
        mode: 'patch',
        encoder: 'patch32',
        stride: 8,
        imageSize: [H, W],
        steps: 1,
        batchSize: 4,
      });
      await detector.fit(train);
      detector.dispose();
      await expect(detector.score(test)).rejects.toThrow(/disposed/);
      expect(() => detector.setThreshold(1)).toThrow(/disposed/);
    });
  });
});
