import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng, randomInt } from '../../src/math/random';
import { extractPatches } from '../../src/ops/extractPatches';
import { randomCrops } from '../../src/ops/randomCrops';
import { randomTranslate } from '../../src/ops/randomTranslate';
import { expectNoLeak, maxAbsDiff } from '../helpers/tensors';
import { pixelReader, randomImages } from './augmentHelpers';

/** numpy's 'reflect' (edge not repeated: c b | a b c d | c b) and 'edge', for one coordinate. */
function mapCoord(i: number, n: number, border: 'reflect' | 'edge'): number {
  if (border === 'edge') return Math.min(n - 1, Math.max(0, i));
  while (i < 0 || i >= n) i = i < 0 ? -i : 2 * (n - 1) - i;
  return i;
}

describe('randomTranslate', () => {
  for (const border of ['reflect', 'edge'] as const) {
    it(`shifts each image by its drawn offset and fills the border (${border}) on a non-square batch`, () => {
      const [batch, height, width, channels] = [4, 10, 17, 3];
      const x = randomImages(batch, height, width, channels);
      const y = randomTranslate(x, { maxShift: 0.3, border, rng: createRng(5) });
      expect(y.shape).toEqual(x.shape);
      // The documented draws: per image, rows then columns, in [−floor(f·side), floor(f·side)].
      const rng = createRng(5);
      const src = pixelReader(x.dataSync(), x.shape);
      const want = new Float32Array(x.size);
      let k = 0;
      const shifts: number[] = [];
      for (let b = 0; b < batch; b++) {
        const dy = randomInt(rng, -3, 3);
        const dx = randomInt(rng, -5, 5);
        shifts.push(dy, dx);
        for (let r = 0; r < height; r++) {
          for (let c = 0; c < width; c++) {
            for (let ch = 0; ch < channels; ch++) want[k++] = src(b, mapCoord(r - dy, height, border), mapCoord(c - dx, width, border), ch);
          }
        }
      }
      expect(shifts.some((s) => s !== 0)).toBe(true);
      expect(maxAbsDiff(y.dataSync(), want)).toBe(0);
      tf.dispose([x, y]);
    });
  }

  it('is the identity with maxShift 0, leaks nothing and rejects bad options', async () => {
    const x = randomImages(2, 8, 6, 1);
    const y = randomTranslate(x, { maxShift: 0, rng: createRng(1) });
    expect(maxAbsDiff(y.dataSync(), x.dataSync())).toBe(0);
    await expectNoLeak(() => randomTranslate(x, { rng: createRng(1) }).dispose());
    expect(() => randomTranslate(x, { maxShift: 1 })).toThrow(/options\.maxShift must be a number in \[0, 1\), got 1/);
    expect(() => randomTranslate(x, { border: 'wrap' as never })).toThrow(/options\.border/);
    tf.dispose([x, y]);
  });
});

describe('randomCrops', () => {
  it('returns one crop per image equal to the slice at its drawn offset, inside the image', () => {
    const [batch, height, width] = [5, 13, 21];
    const x = randomImages(batch, height, width, 3);
    const crops = randomCrops(x, [6, 9], createRng(2));
    expect(crops.shape).toEqual([batch, 6, 9, 3]);
    const rng = createRng(2);
    for (let b = 0; b < batch; b++) {
      const top = randomInt(rng, 0, height - 6);
      const left = randomInt(rng, 0, width - 9);
      const want = tf.tidy(() => tf.slice(x, [b, top, left, 0], [1, 6, 9, 3]).dataSync());
      const got = tf.tidy(() => tf.slice(crops, [b, 0, 0, 0], [1, 6, 9, 3]).dataSync());
      expect(maxAbsDiff(got, want)).toBe(0);
    }
    tf.dispose([x, crops]);
  });

  it('takes square crops from a number, the whole image at full size, and leaks nothing', async () => {
    const x = randomImages(2, 8, 11, 1);
    const sq = randomCrops(x, 5, createRng(1));
    expect(sq.shape).toEqual([2, 5, 5, 1]);
    const whole = randomCrops(x, [8, 11], createRng(1));
    expect(maxAbsDiff(whole.dataSync(), x.dataSync())).toBe(0);
    await expectNoLeak(() => randomCrops(x, 4, createRng(3)).dispose());
    expect(() => randomCrops(x, [9, 4], createRng(1))).toThrow(/size \[9, 4\] must fit in the images \(height 8, width 11\)/);
    expect(() => randomCrops(x, 2.5, createRng(1))).toThrow(/size must be a positive integer/);
    expect(() => randomCrops(x, 2, undefined as never)).toThrow(TypeError);
    tf.dispose([x, sq, whole]);
  });
});

describe('extractPatches', () => {
  it('returns every grid patch of a non-square image, row-major, equal to tf.slice at (r·stride, c·stride)', () => {
    const [height, width] = [19, 30];
    const image = tf.tidy(() => tf.squeeze(randomImages(1, height, width, 3), [0])) as tf.Tensor3D;
    const { patches, rows, cols } = extractPatches(image, [5, 7], [3, 4]);
    expect(rows).toBe(Math.floor((19 - 5) / 3) + 1); // 5
    expect(cols).toBe(Math.floor((30 - 7) / 4) + 1); // 6
    expect(patches.shape).toEqual([rows * cols, 5, 7, 3]);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const want = tf.tidy(() => tf.slice(image, [r * 3, c * 4, 0], [5, 7, 3]).dataSync());
        const got = tf.tidy(() => tf.slice(patches, [r * cols + c, 0, 0, 0], [1, 5, 7, 3]).dataSync());
        expect(maxAbsDiff(got, want)).toBe(0);
      }
    }
    tf.dispose([image, patches]);
  });

  it('accepts a batch of one and square sizes, and leaks nothing', async () => {
    const image = randomImages(1, 12, 9, 1);
    const { patches, rows, cols } = extractPatches(image, 4, 2);
    expect([rows, cols]).toEqual([5, 3]);
    expect(patches.shape).toEqual([15, 4, 4, 1]);
    const last = tf.tidy(() => tf.slice(image, [0, 8, 4, 0], [1, 4, 4, 1]).dataSync());
    expect(
      maxAbsDiff(
        tf.tidy(() => tf.slice(patches, [14, 0, 0, 0], [1, 4, 4, 1]).dataSync()),
        last,
      ),
    ).toBe(0);
    await expectNoLeak(() => extractPatches(image, [3, 2], 1).patches.dispose());
    tf.dispose([image, patches]);
  });

  it('rejects bad images, sizes and strides', () => {
    const image = randomImages(2, 8, 8, 3);
    expect(() => extractPatches(image, 4, 2)).toThrow(/\[1, height, width, channels\], got shape \[2, 8, 8, 3\]/);
    const one = tf.zeros([8, 8, 3]) as tf.Tensor3D;
    expect(() => extractPatches(one, 9, 1)).toThrow(/size \[9, 9\] must fit in the image/);
    expect(() => extractPatches(one, 4, 0)).toThrow(/stride must be a positive integer/);
    expect(() => extractPatches(tf.zeros([8, 8, 3], 'int32') as tf.Tensor3D, 4, 1)).toThrow(TypeError);
    tf.dispose([image, one]);
  });
});
