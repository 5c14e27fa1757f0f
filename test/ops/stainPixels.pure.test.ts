import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/math/random';
import { createPixelBatch } from '../../src/advanced';
import { stainPixels } from '../../src/ops/pixels/stainPixels';

/** A batch of flat images at `value` with a faint checkerboard (texture a stain must keep). */
function flat(batch: number, height: number, width: number, channels: number, value = 0.5) {
  const b = createPixelBatch({ batch, height, width, channels });
  for (let i = 0; i < b.data.length; i++) {
    const p = Math.floor(i / channels) % (height * width);
    b.data[i] = value + ((p + Math.floor(p / width)) % 2 ? 0.02 : -0.02);
  }
  return b;
}

describe('stainPixels', () => {
  it('changes a soft region of about the asked area by a bounded amount, and leaves the input alone', () => {
    const images = flat(40, 64, 64, 3);
    const before = Float32Array.from(images.data);
    const out = stainPixels(images, { area: [0.02, 0.04], strength: [0.2, 0.2], rng: createRng(1) });
    expect(images.data).toEqual(before);
    const size = 64 * 64 * 3;
    for (let b = 0; b < 40; b++) {
      let changed = 0;
      let soft = 0;
      let largest = 0;
      for (let p = 0; p < 64 * 64; p++) {
        const o = b * size + p * 3;
        const delta = Math.max(...[0, 1, 2].map((c) => Math.abs(out.data[o + c]! - before[o + c]!)));
        if (delta > 1e-6) changed++;
        largest = Math.max(largest, delta);
        if (delta > 1e-6 && delta < 0.05) soft++;
      }
      const fraction = changed / (64 * 64);
      // The outline wobbles by up to ±36 % of the radius, and the edge fades: a wide but bounded band.
      expect(fraction).toBeGreaterThan(0.005);
      expect(fraction).toBeLessThan(0.12);
      expect(soft).toBeGreaterThan(0);
      // Inside the stain the brightness moves by 20 % of at most 0.52, plus a colour shift of at most 0.1.
      expect(largest).toBeLessThanOrEqual(0.52 * 0.2 + 0.1 + 1e-6);
      expect(largest).toBeGreaterThan(0.05);
    }
  });

  it('is deterministic for a seeded generator, differs between seeds, and clips to [0, 1]', () => {
    const bright = flat(8, 32, 48, 1, 0.98);
    const a = stainPixels(bright, { strength: [0.3, 0.3], rng: createRng(7) });
    const b = stainPixels(bright, { strength: [0.3, 0.3], rng: createRng(7) });
    const c = stainPixels(bright, { strength: [0.3, 0.3], rng: createRng(8) });
    expect(a.data).toEqual(b.data);
    expect(a.data).not.toEqual(c.data);
    expect(Math.max(...a.data)).toBeLessThanOrEqual(1);
    expect(Math.min(...a.data)).toBeGreaterThanOrEqual(0);
    expect([a.batch, a.height, a.width, a.channels]).toEqual([8, 32, 48, 1]);
  });

  it('darkens or brightens: both occur over a batch', () => {
    const images = flat(60, 32, 32, 1);
    const out = stainPixels(images, { rng: createRng(3) });
    const size = 32 * 32;
    const signs = new Set<number>();
    for (let b = 0; b < 60; b++) {
      let sum = 0;
      for (let p = 0; p < size; p++) sum += out.data[b * size + p]! - images.data[b * size + p]!;
      signs.add(Math.sign(sum));
    }
    expect(signs).toEqual(new Set([1, -1]));
  });

  it('rejects bad options with the option named', () => {
    const images = flat(1, 8, 8, 3);
    expect(() => stainPixels(images, { area: [0, 0.1] })).toThrow(/options\.area/);
    expect(() => stainPixels(images, { strength: [0.3, 0.1] })).toThrow(/options\.strength/);
    expect(() => stainPixels(images, { size: 3 } as never)).toThrow(/unknown option "size"/);
    expect(() => stainPixels({ data: [] } as never)).toThrow(TypeError);
  });
});
