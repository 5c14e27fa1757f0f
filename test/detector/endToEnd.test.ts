import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CutPasteDetector, type CutPasteOptions } from '../../src/index';
import { defectImages, objectImages, stripeImages } from '../helpers/textures';

const H = 48;
const W = 56; // non-square on purpose
const LABELS = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
const TINY_RESNET = {
  blocks: [1, 1],
  widths: [8, 16],
  strides: [1, 2],
  padding: 'same' as const,
  stem: { channels: 8, kernel: 3, stride: 1, maxPool: false },
};

interface Data {
  train: tf.Tensor4D;
  test: tf.Tensor4D;
  masks: (Uint8Array | null)[];
}
const data: Record<'texture' | 'object', Data> = {} as never;

beforeAll(() => {
  const normalT = stripeImages(6, H, W, 3, 50);
  const defectT = defectImages(6, H, W, 3, 60);
  data.texture = {
    train: stripeImages(16, H, W, 3, 1),
    test: tf.concat([normalT, defectT.images]) as tf.Tensor4D,
    masks: [...new Array<null>(6).fill(null), ...defectT.masks],
  };
  const normalO = objectImages(6, H, W, 50);
  const defectO = objectImages(6, H, W, 60, true);
  data.object = {
    train: objectImages(16, H, W, 1).images,
    test: tf.concat([normalO.images, defectO.images]) as tf.Tensor4D,
    masks: [...new Array<null>(6).fill(null), ...defectO.masks],
  };
  tf.dispose([normalT, defectT.images, normalO.images, defectO.images]);
});
afterAll(() => tf.dispose(Object.values(data).flatMap((d) => [d.train, d.test])));

// The patch cases pin CutPaste's own scorer (`fusion: 'none'`): on 16 images of 48 × 56 px the untrained
// companion's stage-2 grid is 6 × 7 cells and costs one of the 36 normal–defect pairs; fusion.test.ts
// tests the fused scorer, and docs/results.md measures it on the generated kinds at 256 px.
const cases: [string, keyof typeof data, CutPasteOptions, { image: number; pixel: number }][] = [
  [
    'textures, patch mode with one shared density',
    'texture',
    { mode: 'patch', encoder: 'patch32', perLocation: false, fusion: 'none' },
    { image: 0.9, pixel: 0.9 },
  ],
  [
    'aligned objects, patch mode with a density per location',
    'object',
    { mode: 'patch', encoder: 'patch32', perLocation: true, fusion: 'none' },
    { image: 0.9, pixel: 0.9 },
  ],
  // GradCAM maps are coarse (the paper: 88.3 pixel AUROC against 96.0 for the patch model): better than chance is the bar.
  [
    'aligned objects, image mode with GradCAM maps',
    'object',
    { mode: 'image', encoder: TINY_RESNET, headWidths: [16, 16] },
    { image: 0.9, pixel: 0.6 },
  ],
];

describe('CutPasteDetector end to end on generated images', () => {
  it("chooses one density per location for aligned objects and one shared density for textures (perLocation: 'auto')", async () => {
    const chosen: Record<string, string> = {};
    for (const set of ['texture', 'object'] as const) {
      const detector = await CutPasteDetector.create({
        mode: 'patch',
        encoder: 'patch32',
        imageSize: [H, W],
        steps: 1,
        batchSize: 4,
        stride: 8,
      });
      const report = await detector.fit(data[set].train);
      chosen[set] = `${report.density} (alignment ${report.alignment!.toFixed(3)})`;
      detector.dispose();
    }
    expect(chosen.texture).toMatch(/^shared/);
    expect(chosen.object).toMatch(/^per-location/);
  });

  for (const [name, set, options, floor] of cases) {
    it(`finds blobs, scratches, holes and missing pieces: ${name}`, async () => {
      const { train, test, masks } = data[set];
      const detector = await CutPasteDetector.create({ ...options, imageSize: [H, W], steps: 6, batchSize: 8, seed: 3 });
      try {
        const report = await detector.fit(train);
        expect(report).toMatchObject({ steps: 6, images: 16 });
        if (options.mode === 'patch') expect(report.alignment).toBeGreaterThanOrEqual(0);
        expect(report.seconds).toBeGreaterThan(0);
        const result = await detector.evaluate({ images: test, labels: LABELS, masks });
        expect(result.imageAuroc).toBeGreaterThanOrEqual(floor.image);
        expect(result.pixelAuroc!).toBeGreaterThanOrEqual(floor.pixel);
        expect(result.auPro!).toBeGreaterThan(0);
        expect(result.scores).toHaveLength(12);
        const maps = await detector.scoreMaps(test);
        expect(maps.map((m) => [m.height, m.width])).toEqual(new Array(12).fill([H, W]));
      } finally {
        detector.dispose();
      }
    });
  }
});
