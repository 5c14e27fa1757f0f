import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CutPasteDetector, FormatError, OptionError, type CutPasteOptions } from '../../src/index';
import { FUSION_MIN_SIDE } from '../../src/detector/cutPasteOptionTable';
import { createSyntheticCategory } from '../../src/synthetic';
import { editDocument, saveToMemory } from '../helpers/artifacts';
import { expectNoLeak } from '../helpers/tensors';
import { TINY_PATCH_ENCODER } from '../helpers/tinyDetectors';

/** A tiny patch detector at 64 px; `steps` differ between detectors that must share their companion. */
const DETECTOR = {
  imageSize: 64,
  encoder: TINY_PATCH_ENCODER,
  headWidths: [16],
  batchSize: 4,
  seed: 2,
  fusion: 'feature-density',
} as const;

/**
 * `fusion: 'feature-density'`: an untrained multi-stage feature density beside CutPaste's patch
 * density, each map divided by the spread of its own out-of-fold training scores, the two summed.
 */
describe("fusion: 'feature-density'", () => {
  const category = createSyntheticCategory({ kind: 'board', seed: 5, trainCount: 16, testCount: 4, imageSize: 64 });
  const train = [...category.trainImages()];
  const test = [...category.testSamples()].map((s) => s.image);

  it('is the fast patch default at 256 px and more; smaller images, image mode and the paper preset have none', async () => {
    const defaultOf = async (options: CutPasteOptions) => {
      const detector = await CutPasteDetector.create(options);
      detector.dispose();
      return detector.options.fusion;
    };
    expect(await defaultOf({})).toBe('feature-density');
    expect(await defaultOf({ imageSize: [256, 320] })).toBe('feature-density');
    expect(await defaultOf({ imageSize: [FUSION_MIN_SIDE - 1, 320] })).toBe('none');
    expect(await defaultOf({ imageSize: 128, fusion: 'feature-density' })).toBe('feature-density');
    expect(await defaultOf({ mode: 'image' })).toBe('none');
    expect(await defaultOf({ preset: 'paper' })).toBe('none');
    await expect(CutPasteDetector.create({ mode: 'image', fusion: 'feature-density' })).rejects.toThrow(OptionError);
    await expect(CutPasteDetector.create({ fusion: 'both' as never })).rejects.toThrow(/option fusion must/);
  });

  it("sums each scorer's map divided by its spread: the companion's part does not depend on CutPaste's training", async () => {
    await expectNoLeak(async () => {
      const residuals: Float32Array[][] = [];
      for (const steps of [1, 3]) {
        const own = await CutPasteDetector.create({ ...DETECTOR, steps, fusion: 'none' });
        const fused = await CutPasteDetector.create({ ...DETECTOR, steps });
        await own.fit(train, { workers: 0 });
        const report = await fused.fit(train, { workers: 0 });
        const { companion } = report;
        expect(companion?.own.sd).toBeGreaterThan(0);
        expect(companion?.other.sd).toBeGreaterThan(0);
        expect(['shared', 'per-location']).toContain(companion?.density);
        const [ownMaps, fusedMaps, scores] = [await own.scoreMaps(test), await fused.scoreMaps(test), await fused.score(test)];
        // The image score is the fused map's maximum (the threshold applies to its pixels).
        fusedMaps.forEach((map, i) => expect(scores[i]).toBeCloseTo(Math.max(...map.data), 4));
        // fused − own/σ is the companion's scaled map: the same whatever CutPaste learnt; scores stay ≥ 0.
        residuals.push(fusedMaps.map((map, i) => map.data.map((v, p) => v - ownMaps[i]!.data[p]! / companion!.own.sd)));
        expect(Math.min(...scores)).toBeGreaterThanOrEqual(0);
        expect(fused.threshold!.value).toBeGreaterThan(0);
        own.dispose();
        fused.dispose();
      }
      // Training changed CutPaste's part, and the companion's part stayed put.
      residuals[0]!.forEach((map, i) => {
        let largest = 0;
        for (let p = 0; p < map.length; p++) largest = Math.max(largest, Math.abs(map[p]! - residuals[1]![i]![p]!));
        expect(largest).toBeLessThan(1e-3);
      });
    });
  });

  it('saves and loads the companion: the same scores, report and threshold; a doctored save is refused', async () => {
    const detector = await CutPasteDetector.create({ ...DETECTOR, steps: 1 });
    await detector.fit(train, { workers: 0 });
    const before = await detector.score(test);
    const artifacts = await saveToMemory(detector);
    const loaded = await CutPasteDetector.load(tf.io.fromMemory(artifacts));
    expect(Array.from(await loaded.score(test))).toEqual(Array.from(before));
    expect(loaded.fitReport?.companion).toEqual(detector.fitReport?.companion);
    expect(loaded.threshold).toEqual(detector.threshold);
    loaded.dispose();
    detector.dispose();

    const withoutCompanion = editDocument(artifacts, (doc) => delete doc.companion);
    await expect(CutPasteDetector.load(tf.io.fromMemory(withoutCompanion))).rejects.toThrow(/holds no companion/);
    const otherEncoder = editDocument(artifacts, (doc) => ((doc.companion as { fingerprint: number }).fingerprint *= 1.01));
    await expect(CutPasteDetector.load(tf.io.fromMemory(otherEncoder))).rejects.toThrow(/rebuilt from seed/);
    const noFusion = editDocument(artifacts, (doc) => ((doc.options as { fusion: string }).fusion = 'none'));
    await expect(CutPasteDetector.load(tf.io.fromMemory(noFusion))).rejects.toBeInstanceOf(FormatError);
    const badStatistics = editDocument(artifacts, (doc) => ((doc.companion as { own: { sd: number } }).own.sd = 0));
    await expect(CutPasteDetector.load(tf.io.fromMemory(badStatistics))).rejects.toThrow(/companion\.own/);
  });
});
