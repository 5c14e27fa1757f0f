// Reproducibility on one backend: the same seed gives bit-identical augmentations, scores and score
// maps; another seed gives other numbers. (Across backends: test/kernels/crossBackendDetector.kernels.test.ts.
// The pixel functions' outputs are pinned by hash in test/ops/augmentRegression.test.ts.)
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/math/random';
import { CutPasteDetector, type FitReport, type ScoreMap } from '../../src/index';
import { cutPasteScarWithMask, cutPasteWithMask, cutoutWithMask, randomCrops, scarWithMask } from '../../src/ops/index';
import { expectNoLeak } from '../helpers/tensors';
import { objectImages } from '../helpers/textures';
import { TINY_DETECTORS, TINY_SIZE } from '../helpers/tinyDetectors';

const [H, W] = TINY_SIZE;

/** Every augmentation's outputs (images and masks) for one seed, as plain arrays. */
function augmentAll(x: tf.Tensor4D, seed: number): Float32Array[] {
  return tf.tidy(() => {
    const a = cutPasteWithMask(x, { rng: createRng(seed) });
    const b = cutPasteScarWithMask(x, { rng: createRng(seed) });
    const c = scarWithMask(x, { rng: createRng(seed) });
    const d = cutoutWithMask(x, { rng: createRng(seed) });
    const e = randomCrops(x, [20, 28], createRng(seed));
    return [a.images, a.masks, b.images, b.masks, c.images, c.masks, d.images, d.masks, e].map((t) => t.dataSync() as Float32Array);
  });
}

describe('augmentations are reproducible on one backend', () => {
  it('gives bit-identical cutPaste, cutPasteScar, scar, cutout and randomCrops outputs for the same seed, and others for another seed', async () => {
    const x = objectImages(4, 37, 52, 5).images;
    const [first, again, other] = await expectNoLeak(() => [augmentAll(x, 11), augmentAll(x, 11), augmentAll(x, 12)]);
    x.dispose();
    const names = [
      'cutPaste',
      'cutPaste mask',
      'cutPasteScar',
      'cutPasteScar mask',
      'scar',
      'scar mask',
      'cutout',
      'cutout mask',
      'randomCrops',
    ];
    first.forEach((out, i) => {
      expect(again[i], names[i]).toEqual(out);
      expect(other[i], names[i]).not.toEqual(out);
    });
  });
});

interface FitResult {
  scores: Float32Array;
  maps: ScoreMap[];
  report: FitReport;
  threshold: number | undefined;
}

let train: tf.Tensor4D;
let test: tf.Tensor4D;
beforeAll(() => {
  train = objectImages(6, H, W, 1).images;
  test = objectImages(3, H, W, 9, true).images;
});
afterAll(() => tf.dispose([train, test]));

async function fitAndScore(mode: 'image' | 'patch', seed: number): Promise<FitResult> {
  const detector = await CutPasteDetector.create({ ...TINY_DETECTORS[mode], seed });
  try {
    const report = await detector.fit(train);
    return { scores: await detector.score(test), maps: await detector.scoreMaps(test), report, threshold: detector.threshold?.value };
  } finally {
    detector.dispose();
  }
}

describe('detectors are reproducible on one backend', () => {
  const firstFit: Partial<Record<'image' | 'patch', FitResult>> = {};
  for (const mode of ['image', 'patch'] as const) {
    it(`gives bit-identical scores, score maps, losses and thresholds for two fits with the same seed (${mode} mode)`, async () => {
      const [a, b] = await expectNoLeak(async () => [await fitAndScore(mode, 7), await fitAndScore(mode, 7)]);
      firstFit[mode] = a;
      expect(b.scores).toEqual(a.scores);
      expect(a.maps).toHaveLength(test.shape[0]);
      a.maps.forEach((map, i) => {
        expect([map.height, map.width]).toEqual([H, W]);
        expect(b.maps[i]!.data).toEqual(map.data);
      });
      expect(b.report.finalLoss).toBe(a.report.finalLoss);
      expect(b.report.pretextAccuracy).toBe(a.report.pretextAccuracy);
      expect(b.threshold).toBe(a.threshold);
    });

    it(`gives different scores for another seed (${mode} mode)`, async () => {
      const a = firstFit[mode] ?? (await fitAndScore(mode, 7));
      const c = await fitAndScore(mode, 8);
      for (let i = 0; i < a.scores.length; i++) expect(c.scores[i], `image ${i}`).not.toBe(a.scores[i]);
      expect(c.maps[0]!.data).not.toEqual(a.maps[0]!.data);
    });
  }
});
