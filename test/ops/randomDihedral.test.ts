import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/math/random';
import { createPixelBatch } from '../../src/advanced';
import { randomDihedralPixels } from '../../src/ops/pixels/randomDihedralPixels';

/** `batch` copies of an image whose pixels are all different: 0, 1, 2, … in row-major order. */
function numbered(batch: number, height: number, width: number) {
  const b = createPixelBatch({ batch, height, width, channels: 2 });
  const size = height * width * 2;
  for (let i = 0; i < b.data.length; i++) b.data[i] = (i % size) / size;
  return b;
}

describe('randomDihedralPixels', () => {
  it('gives each of the 8 symmetries of a square, each a permutation of the pixels that keeps channels together', () => {
    const images = numbered(200, 3, 3);
    const out = randomDihedralPixels(images, createRng(1));
    const size = 3 * 3 * 2;
    const seen = new Set<string>();
    for (let b = 0; b < 200; b++) {
      const image = Array.from(out.data.subarray(b * size, (b + 1) * size));
      seen.add(image.join(','));
      expect([...image].sort()).toEqual([...images.data.subarray(0, size)].sort());
      for (let p = 0; p < 9; p++) expect(image[2 * p + 1]! - image[2 * p]!).toBeCloseTo(1 / size, 6);
    }
    expect(seen.size).toBe(8);
  });

  it('rotates by 90° exactly: the top row becomes a column', () => {
    const images = numbered(64, 2, 2);
    const out = randomDihedralPixels(images, createRng(3));
    const size = 8;
    const pixel = (b: number, y: number, x: number) => Math.round((out.data[b * size + (y * 2 + x) * 2]! * size) / 2);
    const layouts = new Set<string>();
    for (let b = 0; b < 64; b++) layouts.add([pixel(b, 0, 0), pixel(b, 0, 1), pixel(b, 1, 0), pixel(b, 1, 1)].join(''));
    // The 8 arrangements of [[0, 1], [2, 3]] under the dihedral group.
    expect([...layouts].sort()).toEqual(['0123', '0213', '1032', '1302', '2031', '2301', '3120', '3210']);
  });

  it('keeps non-square images their shape: identity, 180° and the two flips only', () => {
    const images = numbered(100, 2, 3);
    const out = randomDihedralPixels(images, createRng(2));
    const size = 2 * 3 * 2;
    const seen = new Set<string>();
    for (let b = 0; b < 100; b++) seen.add(Array.from(out.data.subarray(b * size, (b + 1) * size)).join(','));
    expect(seen.size).toBe(4);
    expect(out.height).toBe(2);
    expect(out.width).toBe(3);
  });

  it('is reproducible for a seed, leaves its input alone, and refuses a bad rng', () => {
    const images = numbered(5, 4, 4);
    const copy = images.data.slice();
    expect(randomDihedralPixels(images, createRng(7)).data).toEqual(randomDihedralPixels(images, createRng(7)).data);
    expect(images.data).toEqual(copy);
    expect(() => randomDihedralPixels(images, 3 as never)).toThrow(TypeError);
  });
});
