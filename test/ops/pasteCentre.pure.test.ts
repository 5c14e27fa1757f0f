// `centre`: where CutPaste and CutPaste-Scar land. A patch encoder's feature stands for the middle of
// its crop, so patch-level training pastes there; the default keeps the paper's draw, anywhere inside.
import { describe, expect, it } from 'vitest';
import { createRng, randomInt } from '../../src/math/random';
import { cutPastePixelsWithMask } from '../../src/ops/pixels/cutPastePixels';
import { cutPasteScarPixelsWithMask } from '../../src/ops/pixels/cutPasteScarPixels';
import type { PixelBatch } from '../../src/ops/pixels/pixelBatch';
import { placeInCentre } from '../../src/ops/rectangleShape';
import { checkCentre } from '../../src/ops/validate';

function images(batch: number, height: number, width: number): PixelBatch {
  const rng = createRng(3);
  return { data: Float32Array.from({ length: batch * height * width }, () => rng()), batch, height, width, channels: 1 };
}

describe('placeInCentre', () => {
  it('draws every position that keeps the box inside at centre 1, with the same draws as randomInt', () => {
    for (const [full, size] of [
      [32, 5],
      [32, 32],
      [31, 2],
      [7, 6],
    ] as const) {
      const a = createRng(`${full}/${size}`);
      const b = createRng(`${full}/${size}`);
      const seen = new Set<number>();
      for (let i = 0; i < 400; i++) {
        const p = placeInCentre(a, full, size, 1);
        expect(p).toBe(randomInt(b, 0, full - size));
        seen.add(p);
      }
      expect(seen.size).toBe(full - size + 1);
    }
  });

  it('keeps the centre of the box in the middle fraction of the side, moved in where the box would stick out', () => {
    const rng = createRng(1);
    for (const centre of [0.25, 0.5, 0.75]) {
      for (const [full, size] of [
        [32, 4],
        [32, 12],
        [33, 7],
        [256, 25],
      ] as const) {
        let low = Infinity;
        let high = -Infinity;
        for (let i = 0; i < 600; i++) {
          const top = placeInCentre(rng, full, size, centre);
          expect(top).toBeGreaterThanOrEqual(0);
          expect(top).toBeLessThanOrEqual(full - size);
          const middle = top + size / 2;
          // Rounding the corner moves the centre by at most half a pixel.
          expect(middle).toBeGreaterThanOrEqual((full * (1 - centre)) / 2 - 0.5);
          expect(middle).toBeLessThanOrEqual((full * (1 + centre)) / 2 + 0.5);
          low = Math.min(low, middle);
          high = Math.max(high, middle);
        }
        // The whole middle band is used (where the box fits), not a narrower one.
        const band = Math.min((full * (1 + centre)) / 2, full - size / 2) - Math.max((full * (1 - centre)) / 2, size / 2);
        expect(high - low).toBeGreaterThanOrEqual(band - 1);
      }
    }
  });

  it('keeps a box as large as the side at 0', () => {
    expect(placeInCentre(createRng(0), 16, 16, 0.1)).toBe(0);
  });
});

describe('the pasting ops with centre', () => {
  it('paste CutPaste patches only with their centre in the middle of the image, and anywhere by default', () => {
    const x = images(200, 32, 32);
    const centred = cutPastePixelsWithMask(x, { centre: 0.5, rng: createRng(2) }).patches;
    for (const p of centred) {
      expect(p.target.top + p.height / 2).toBeGreaterThanOrEqual(7.5);
      expect(p.target.top + p.height / 2).toBeLessThanOrEqual(24.5);
      expect(p.target.left + p.width / 2).toBeGreaterThanOrEqual(7.5);
      expect(p.target.left + p.width / 2).toBeLessThanOrEqual(24.5);
    }
    const anywhere = cutPastePixelsWithMask(x, { rng: createRng(2) }).patches;
    const outside = anywhere.filter(
      (p) => Math.abs(p.target.top + p.height / 2 - 16) > 8.5 || Math.abs(p.target.left + p.width / 2 - 16) > 8.5,
    );
    expect(outside.length).toBeGreaterThan(20);
    // The source is drawn as before: only where the patch lands changes.
    expect(centred.map((p) => [p.height, p.width, p.source])).toEqual(anywhere.map((p) => [p.height, p.width, p.source]));
  });

  it('place scars by their rotated bounding box in the middle of the image', () => {
    const { patches } = cutPasteScarPixelsWithMask(images(200, 40, 40), { scale: 0.5, centre: 0.5, rng: createRng(4) });
    for (const p of patches) {
      expect(p.target.top + p.box.height / 2).toBeGreaterThanOrEqual(9.5);
      expect(p.target.top + p.box.height / 2).toBeLessThanOrEqual(30.5);
      expect(p.target.left + p.box.width / 2).toBeGreaterThanOrEqual(9.5);
      expect(p.target.left + p.box.width / 2).toBeLessThanOrEqual(30.5);
    }
  });

  it('refuse a centre outside (0, 1] or not a number, naming the option', () => {
    expect(checkCentre('op', undefined)).toBe(1);
    expect(checkCentre('op', 0.5)).toBe(0.5);
    for (const bad of [0, -0.5, 1.5, Number.NaN, Infinity]) {
      expect(() => cutPastePixelsWithMask(images(1, 8, 8), { centre: bad, rng: createRng(0) })).toThrow(/centre/);
    }
    expect(() => cutPasteScarPixelsWithMask(images(1, 40, 40), { centre: '0.5' as never, rng: createRng(0) })).toThrow(TypeError);
  });
});
