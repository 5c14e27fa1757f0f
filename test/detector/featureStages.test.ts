import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CutPasteDetector, FormatError, OptionError, type CutPasteOptions } from '../../src/index';
import { resnet, resnetPreset } from '../../src/advanced';
import { embedPatches, featureDimension, featureStagesOf, patchLayout } from '../../src/detector/embedding';
import type { Encoder } from '../../src/models/types';
import { createSyntheticCategory } from '../../src/synthetic';
import { editDocument, saveToMemory } from '../helpers/artifacts';
import { TINY_PATCH_ENCODER } from '../helpers/tinyDetectors';

const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

/** Seeded random images `[count, height, width, 3]` in [0, 1]. */
function images(count: number, height: number, width: number): tf.Tensor4D {
  return tf.randomUniform([count, height, width, 3], 0, 1, 'float32', 11) as tf.Tensor4D;
}

/**
 * `featureStages`: which encoder stages' maps, each averaged over a patch, make the features the
 * density sees (default `'last'`: the encoder's own features).
 */
describe('featureStages', () => {
  it("resolves 'last', and stage numbers that end with the last, to the encoder's own features", () => {
    const patch32 = resnet(resnetPreset('patch32'), { seed: 1 });
    expect(featureStagesOf(patch32, 'last')).toBeUndefined();
    expect(featureStagesOf(patch32, [2])).toBeUndefined(); // the last, named
    expect(featureStagesOf(patch32, [1])).toEqual([1]);
    expect(featureStagesOf(patch32, [1, 2])).toEqual([1, 2]);
    expect(featureDimension(patch32, [1])).toBe(64);
    expect(featureDimension(patch32, [1, 2])).toBe(192);
    expect(featureDimension(patch32, undefined)).toBe(128);
    expect(() => featureStagesOf(patch32, [3])).toThrow(OptionError);
    expect(() => featureStagesOf(patch32, [3])).toThrow(/stage numbers in \[1, 2\] \(the encoder patch32 has 2 stages\)/);
    const foreign = { name: 'user-model', featureDim: 32 } as unknown as Encoder;
    expect(featureStagesOf(foreign, 'last')).toBeUndefined();
    expect(() => featureStagesOf(foreign, [1])).toThrow(/'last' with the encoder user-model/);
    patch32.dispose();
  });

  it('gives the same stacked features in one dense pass as averaging each cropped patch', async () => {
    for (const name of ['patch32', 'patch48'] as const) {
      const encoder = resnet(resnetPreset(name), { seed: 4 });
      const size = encoder.receptiveField;
      const batch = images(2, size + 8, size + 12);
      const dense = patchLayout(encoder, size + 8, size + 12, size, 4);
      expect(dense.dense).toBe(true);
      for (const stages of [[1], [1, encoder.config.blocks.length]]) {
        const a = await embedPatches(encoder, batch, dense, 2, undefined, stages);
        const b = await embedPatches(encoder, batch, { ...dense, dense: false }, 2, undefined, stages);
        expect(a.length).toBe(2 * dense.rows * dense.cols * featureDimension(encoder, stages));
        expect(maxAbsDiff(a, b)).toBeLessThan(1e-4);
      }
      // Stacked with the last stage, the last part is the encoder's own features.
      const last = await embedPatches(encoder, batch, dense, 2);
      const both = await embedPatches(encoder, batch, dense, 2, undefined, [1, encoder.config.blocks.length]);
      const d = encoder.featureDim;
      const d1 = encoder.config.widths[0]!;
      const tail = new Float32Array(last.length);
      for (let row = 0; row < last.length / d; row++) tail.set(both.subarray(row * (d + d1) + d1, (row + 1) * (d + d1)), row * d);
      expect(maxAbsDiff(tail, last)).toBeLessThan(1e-5);
      batch.dispose();
      encoder.dispose();
    }
  });

  it('refuses stages the encoder lacks at create, and stage numbers in image mode', async () => {
    await expect(CutPasteDetector.create({ featureStages: [3] })).rejects.toThrow(OptionError);
    await expect(CutPasteDetector.create({ featureStages: [2, 1] })).rejects.toThrow(/increasing stage numbers/);
    await expect(CutPasteDetector.create({ mode: 'image', featureStages: [1] })).rejects.toThrow(/'last' in image mode/);
    for (const mode of ['image', 'patch'] as const) {
      const detector = await CutPasteDetector.create({ mode });
      expect(detector.options.featureStages).toBe('last');
      detector.dispose();
    }
  });

  describe('in a fitted detector', () => {
    const category = createSyntheticCategory({ kind: 'carpet', seed: 3, trainCount: 12, testCount: 4, imageSize: 64 });
    const train = [...category.trainImages()];
    const test = [...category.testSamples()].map((s) => s.image);
    const options: CutPasteOptions = {
      imageSize: 64,
      encoder: TINY_PATCH_ENCODER,
      headWidths: [8],
      batchSize: 4,
      steps: 2,
      seed: 1,
      fusion: 'none',
      alignObjects: false,
    };

    it('fits its density on the stages it names, and a save reloads to the same scores', async () => {
      const dims: number[] = [];
      const scores: number[][] = [];
      for (const featureStages of [[1], 'last', [1, 2]] as const) {
        const detector = await CutPasteDetector.create({ ...options, featureStages });
        await detector.fit(train, { workers: 0 });
        const artifacts = await saveToMemory(detector);
        const density = JSON.stringify((artifacts.userDefinedMetadata as { cutpaste: { density: unknown } }).cutpaste.density);
        dims.push(Number(/"dimension":(\d+)/.exec(density)?.[1]));
        const before = Array.from(await detector.score(test));
        scores.push(before);
        const loaded = await CutPasteDetector.load(tf.io.fromMemory(artifacts));
        expect(Array.from(await loaded.score(test))).toEqual(before);
        loaded.dispose();
        detector.dispose();
      }
      expect(dims).toEqual([8, 16, 24]); // TINY_PATCH_ENCODER's widths: [8, 16]
      expect(scores[0]).not.toEqual(scores[1]);
    });

    it("loads a save without the option as 'last' (saves before it scored the last stage), and refuses one whose density does not fit", async () => {
      const detector = await CutPasteDetector.create({ ...options, featureStages: 'last' });
      await detector.fit(train, { workers: 0 });
      const before = Array.from(await detector.score(test));
      const artifacts = await saveToMemory(detector);
      const old = editDocument(artifacts, (doc) => delete (doc.options as Record<string, unknown>).featureStages);
      const loaded = await CutPasteDetector.load(tf.io.fromMemory(old));
      expect(loaded.options.featureStages).toBe('last');
      expect(Array.from(await loaded.score(test))).toEqual(before);
      loaded.dispose();
      const doctored = editDocument(artifacts, (doc) => ((doc.options as Record<string, unknown>).featureStages = [1]));
      await expect(CutPasteDetector.load(tf.io.fromMemory(doctored))).rejects.toThrow(FormatError);
      await expect(CutPasteDetector.load(tf.io.fromMemory(doctored))).rejects.toThrow(
        /dimension 16 differs from the 8 of the encoder's features/,
      );
      detector.dispose();
    });
  });
});
