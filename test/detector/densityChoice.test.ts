import { describe, expect, it } from 'vitest';
import { CutPasteDetector, createSyntheticCategory, type SyntheticKind } from '../../src/index';
import { CHOICE_MIN_IMAGES } from '../../src/detector/densityChoice';
import { expectNoLeak } from '../helpers/tensors';

/**
 * `perLocation: 'auto'` judged on the object: the generator's proxies for a small object at random
 * positions and angles (`bolt`: one shared density), an aligned component on a board (`board`: one
 * density per location) and a texture (`carpet`: shared). An untrained `patch32` at 96 px keeps it
 * quick; the choice compares both densities on held-out normal images and synthetic defects.
 */
describe("perLocation 'auto' chooses by validation on synthetic defects", () => {
  const cases: [SyntheticKind, 'shared' | 'per-location'][] = [
    ['bolt', 'shared'],
    ['board', 'per-location'],
    ['carpet', 'shared'],
  ];
  for (const [kind, expected] of cases) {
    it(`chooses ${expected} on ${kind}`, async () => {
      const category = createSyntheticCategory({ kind, seed: 3, trainCount: 30, testCount: 2, imageSize: 96 });
      const train = [...category.trainImages()];
      await expectNoLeak(async () => {
        const detector = await CutPasteDetector.create({ imageSize: 96, steps: 1, batchSize: 4, seed: 1 });
        const report = await detector.fit(train, { workers: 0 });
        detector.dispose();
        expect(report.densityChoice?.kind).toBe(expected);
        expect(report.density).toBe(expected);
        expect(report.densityChoice!.probes).toBeGreaterThan(0);
      });
    });
  }

  it(`falls back to the alignment rule below ${CHOICE_MIN_IMAGES} images, and is not run when perLocation is set`, async () => {
    const category = createSyntheticCategory({ kind: 'board', seed: 3, trainCount: CHOICE_MIN_IMAGES - 1, testCount: 2, imageSize: 96 });
    const train = [...category.trainImages()];
    for (const perLocation of ['auto', false] as const) {
      const detector = await CutPasteDetector.create({ imageSize: 96, steps: 1, batchSize: 4, perLocation });
      const report = await detector.fit(train, { workers: 0 });
      detector.dispose();
      expect(report.densityChoice).toBeUndefined();
      expect(report.density).toBe(perLocation === 'auto' ? 'per-location' : 'shared');
    }
  });
});
