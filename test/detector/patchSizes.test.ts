// Patch mode works at the paper's patch size and below: the fast preset's encoder is built to `patchSize`.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CutPasteDetector } from '../../src/index';
import { saveToMemory } from '../helpers/artifacts';
import { expectNoLeak } from '../helpers/tensors';
import { objectImages } from '../helpers/textures';

const H = 72;
const W = 80;

describe('patch mode with the default encoder', () => {
  it.each([16, 32, 48, 64])(
    'fits, scores and reloads with patchSize %i: a dense encoder of that receptive field, no leak',
    async (patchSize) => {
      const train = objectImages(5, H, W, 1).images;
      const test = objectImages(2, H, W, 2, true).images;
      await expectNoLeak(async () => {
        const detector = await CutPasteDetector.create({
          mode: 'patch',
          imageSize: [H, W],
          patchSize,
          stride: 8,
          steps: 1,
          batchSize: 2,
          headWidths: [16],
        });
        expect(detector.options.encoder).toBe(`patch${patchSize}`);
        const rows = Math.floor((H - patchSize) / 8) + 1;
        const cols = Math.floor((W - patchSize) / 8) + 1;
        expect(detector.patchLayout).toMatchObject({ rows, cols, dense: true, subsample: 2 });
        const report = await detector.fit(train);
        expect(report.steps).toBe(1);
        const maps = await detector.scoreMaps(test);
        expect(maps.map((m) => [m.height, m.width])).toEqual([
          [H, W],
          [H, W],
        ]);
        const scores = await detector.score(test);
        expect(Array.from(scores).every(Number.isFinite)).toBe(true);
        const copy = await CutPasteDetector.load(tf.io.fromMemory(await saveToMemory(detector)));
        expect(copy.options.encoder).toBe(`patch${patchSize}`);
        expect(Array.from(await copy.score(test))).toEqual(Array.from(scores));
        copy.dispose();
        detector.dispose();
      });
      tf.dispose([train, test]);
    },
  );

  it('embeds other sizes patch by patch with the largest built-in encoder below them', async () => {
    const detector = await CutPasteDetector.create({ mode: 'patch', imageSize: [H, W], patchSize: 40, stride: 8 });
    expect(detector.options.encoder).toBe('patch32');
    expect(detector.patchLayout).toMatchObject({ dense: false });
    detector.dispose();
    const explicit = await CutPasteDetector.create({ mode: 'patch', imageSize: [H, W], patchSize: 48, encoder: 'patch32' });
    expect(explicit.options.encoder).toBe('patch32');
    expect(explicit.patchLayout).toMatchObject({ dense: false });
    explicit.dispose();
  });

  it('asks for an explicit encoder below 16 px', async () => {
    await expect(CutPasteDetector.create({ mode: 'patch', imageSize: [H, W], patchSize: 12, stride: 4 })).rejects.toThrow(
      /^CutPasteDetector: option patchSize must be an integer ≥ 16 with the fast preset's patch encoders \(patch16 … patch64\); pass an encoder for smaller patches, got 12$/,
    );
  });
});
