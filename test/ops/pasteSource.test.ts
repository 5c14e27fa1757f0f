import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/math/random';
import { createPixelBatch, cutPastePixelsWithMask, cutPasteScarPixelsWithMask, pretextPixels, type PixelBatch } from '../../src/advanced';

/** A batch where every pixel holds `value`. */
const filled = (value: number, batch = 3, size = 32, channels = 3): PixelBatch => {
  const b = createPixelBatch({ batch, height: size, width: size, channels });
  b.data.fill(value);
  return b;
};

describe('options.source: patches cut from other images', () => {
  const ops = [
    ['cutPastePixels', cutPastePixelsWithMask],
    ['cutPasteScarPixels', cutPasteScarPixelsWithMask],
  ] as const;
  for (const [name, op] of ops) {
    it(`${name} pastes pixels of source image i into image i, exactly where its mask says`, () => {
      const images = filled(0);
      const source = filled(1);
      const { images: out, masks } = op(images, { source, jitter: 0, rng: createRng(4) });
      for (let p = 0; p < masks.data.length; p++) {
        for (let c = 0; c < 3; c++) expect(out.data[p * 3 + c]).toBe(masks.data[p]! > 0 ? 1 : 0);
      }
      expect(masks.data.some((v) => v > 0)).toBe(true);
      expect(images.data.every((v) => v === 0)).toBe(true);
    });

    it(`${name} draws the same patches with and without a source`, () => {
      const images = filled(0.25);
      const a = op(images, { rng: createRng(9) });
      const b = op(images, { source: filled(0.75), rng: createRng(9) });
      expect(b.patches).toEqual(a.patches);
    });

    it(`${name} refuses a source of another shape, or one overlapping the output`, () => {
      const images = filled(0);
      expect(() => op(images, { source: filled(1, 2), rng: createRng(1) })).toThrow(/options\.source must have the images' shape/);
      expect(() => op(images, { source: filled(1, 3, 32, 1), rng: createRng(1) })).toThrow(RangeError);
    });
  }

  it("pretextPixels takes the augmented copies' patches from the source, for every variant", () => {
    for (const variant of ['binary', 'scar', '3way', 'union'] as const) {
      const originals = filled(0, 4);
      const { images, labels } = pretextPixels(originals, variant, createRng(2), { source: filled(1, 4) });
      const size = 32 * 32 * 3;
      for (let i = 0; i < labels.length; i++) {
        const image = images.data.subarray(i * size, (i + 1) * size);
        // originals untouched; every copy holds some pixels from the source (all ones) and the rest zero
        if (labels[i] === 0) expect(image.every((v) => v === 0)).toBe(true);
        else expect(image.some((v) => v > 0.5)).toBe(true);
      }
    }
  });
});
