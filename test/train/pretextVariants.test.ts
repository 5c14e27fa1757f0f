/**
 * Pretext variants are data (issue 15, item 2): a variant is a row of classes, each class one
 * augmentation or several sharing the originals; class counts come from the rows, and a class of
 * several augmentations draws as `union` always has (shuffle, then each part in order), so a new row
 * needs no code.
 */
import { describe, expect, it } from 'vitest';
import { createRng, shuffleInPlace } from '../../src/math/random';
import { cutPastePixels } from '../../src/ops/pixels/cutPastePixels';
import { cutPasteScarPixels } from '../../src/ops/pixels/cutPasteScarPixels';
import { gatherImages } from '../../src/ops/pixels/gatherImages';
import type { PixelBatch } from '../../src/ops/pixels/pixelBatch';
import { pretextClasses, pretextCopies, pretextOfClasses, pretextPixels, PRETEXT_VARIANTS } from '../../src/train/pretext';
import { PRETEXT_VARIANT_CLASSES } from '../../src/train/pretextVariants';

const [N, H, W, C] = [5, 18, 14, 3];
const originals: PixelBatch = {
  data: Float32Array.from({ length: N * H * W * C }, (_, i) => ((i * 7919) % 1000) / 1000),
  batch: N,
  height: H,
  width: W,
  channels: C,
};
const SIZE = H * W * C;

describe('pretext variants as data', () => {
  it('lists every row of the table as a variant, with its classes and copies from the row', () => {
    expect(PRETEXT_VARIANTS).toEqual(['binary', 'scar', '3way', 'union']);
    for (const variant of PRETEXT_VARIANTS) {
      expect([pretextClasses(variant), pretextCopies(variant)]).toEqual([
        1 + PRETEXT_VARIANT_CLASSES[variant].length,
        PRETEXT_VARIANT_CLASSES[variant].length,
      ]);
    }
  });

  it("builds 'union' as its one class of two augmentations: a shuffle, then CutPaste on the first half (rounded up), Scar on the rest", () => {
    const got = pretextPixels(originals, 'union', createRng(3), { scarScale: 0.5 });
    const rng = createRng(3);
    const order = shuffleInPlace([0, 1, 2, 3, 4], rng);
    const cp = cutPastePixels(gatherImages(originals, order.slice(0, 3)), { rng }).data;
    const sc = cutPasteScarPixels(gatherImages(originals, order.slice(3)), { shrinkToFit: true, scale: 0.5, rng }).data;
    expect(got.images.data.subarray(N * SIZE)).toEqual(Float32Array.from([...cp, ...sc]));
    expect(Array.from(got.sources!.subarray(N))).toEqual(order);
  });

  it('splits a class of three augmentations into parts of 2, 2 and 1 of five shuffled originals, drawing in row order', () => {
    const got = pretextOfClasses(originals, [['scar'], ['cutpaste', 'scar', 'cutpaste']], createRng(4), {});
    const rng = createRng(4);
    const scar = cutPasteScarPixels(originals, { shrinkToFit: true, rng }).data;
    const order = shuffleInPlace([0, 1, 2, 3, 4], rng);
    const parts = [
      cutPastePixels(gatherImages(originals, order.slice(0, 2)), { rng }).data,
      cutPasteScarPixels(gatherImages(originals, order.slice(2, 4)), { shrinkToFit: true, rng }).data,
      cutPastePixels(gatherImages(originals, order.slice(4)), { rng }).data,
    ];
    expect(got.images.batch).toBe(3 * N);
    expect(Array.from(got.labels)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
    expect(got.images.data.subarray(0, N * SIZE)).toEqual(originals.data);
    expect(got.images.data.subarray(N * SIZE, 2 * N * SIZE)).toEqual(scar);
    expect(got.images.data.subarray(2 * N * SIZE)).toEqual(Float32Array.from(parts.flatMap((p) => [...p])));
    expect(Array.from(got.sources!)).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, ...order]);
  });
});
