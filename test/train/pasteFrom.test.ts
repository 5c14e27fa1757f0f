import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/math/random';
import { createPixelBatch } from '../../src/advanced';
import { resolveTrainOptions } from '../../src/train/options';
import { nextBatch } from '../../src/train/pretextBatch';

/** 64 × 64 images, black on the left half and white on the right. */
function halves(batch: number) {
  const b = createPixelBatch({ batch, height: 64, width: 64, channels: 1 });
  for (let i = 0; i < batch; i++) for (let y = 0; y < 64; y++) for (let x = 32; x < 64; x++) b.data[(i * 64 + y) * 64 + x] = 1;
  return b;
}

/** Copies whose original crop is all black but which hold white pixels: pasted from elsewhere in the image. */
function foreignPastes(pasteFrom: 'crop' | 'image'): { copies: number; foreign: number } {
  const o = resolveTrainOptions({ level: 'patch', patchSize: 16, colorJitter: 0, variant: '3way', batchSize: 32, pasteFrom });
  const rng = createRng(5);
  const dataset = halves(32);
  const size = 16 * 16;
  let copies = 0;
  let foreign = 0;
  for (let step = 0; step < 4; step++) {
    const { images, labels, sources } = nextBatch(
      dataset,
      Array.from({ length: 32 }, (_, i) => i),
      o,
      rng,
    );
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] === 0) continue;
      const original = images.data.subarray(sources![i]! * size, (sources![i]! + 1) * size);
      if (original.some((v) => v > 0)) continue;
      copies++;
      if (images.data.subarray(i * size, (i + 1) * size).some((v) => v > 0.5)) foreign++;
    }
  }
  return { copies, foreign };
}

describe('trainer option pasteFrom (patch level)', () => {
  it("'crop' cuts patches and scars from the crop itself: a black crop stays black", () => {
    const { copies, foreign } = foreignPastes('crop');
    expect(copies).toBeGreaterThan(20);
    expect(foreign).toBe(0);
  });

  it("'image' cuts them from another crop of the same image: black crops receive white pieces", () => {
    const { copies, foreign } = foreignPastes('image');
    expect(copies).toBeGreaterThan(20);
    expect(foreign / copies).toBeGreaterThan(0.2);
  });

  it('refuses other values', () => {
    expect(() => resolveTrainOptions({ pasteFrom: 'elsewhere' as 'crop' })).toThrow(/pasteFrom/);
  });
});

describe('trainer option rotate', () => {
  it('turns the crops: a crop of the black left half can come out white on its right, never with rotate off', () => {
    const count = (rotate: boolean) => {
      const o = resolveTrainOptions({ level: 'patch', patchSize: 16, colorJitter: 0, variant: 'binary', batchSize: 32, rotate });
      const rng = createRng(8);
      const { images, labels } = nextBatch(
        halves(32),
        Array.from({ length: 32 }, (_, i) => i),
        o,
        rng,
      );
      const size = 16 * 16;
      let turned = 0;
      for (let i = 0; i < labels.length; i++) {
        if (labels[i] !== 0) continue;
        const crop = images.data.subarray(i * size, (i + 1) * size);
        // Without turning, a crop that straddles the edge is black on the left and white on the right.
        if (crop[0]! > 0.5 && crop[15]! < 0.5) turned++;
      }
      return turned;
    };
    expect(count(false)).toBe(0);
    expect(count(true)).toBeGreaterThan(0);
  });
});
