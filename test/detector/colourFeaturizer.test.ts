import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { colourFeaturizer } from '../../src/detector/colourFeaturizer';
import { expectNoLeak } from '../helpers/tensors';

const GRID = { rows: 3, cols: 2, patchHeight: 4, patchWidth: 6, strideY: 2, strideX: 3, height: 8, width: 9 };
type Grid = typeof GRID;

/** Each channel's gradient magnitude by loops: forward differences, 0 past the last row and column. */
function gradients(data: Float32Array, batch: number, channels: number, grid: Grid = GRID): Float32Array {
  const { height, width } = grid;
  const at = (b: number, y: number, x: number, ch: number) => data[((b * height + y) * width + x) * channels + ch]!;
  const out = new Float32Array(data.length);
  for (let b = 0; b < batch; b++)
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++)
        for (let ch = 0; ch < channels; ch++) {
          const dx = x + 1 < width ? at(b, y, x + 1, ch) - at(b, y, x, ch) : 0;
          const dy = y + 1 < height ? at(b, y + 1, x, ch) - at(b, y, x, ch) : 0;
          out[((b * height + y) * width + x) * channels + ch] = Math.hypot(dx, dy);
        }
  return out;
}

/**
 * Each patch's mean and population standard deviation of every channel, then of every gradient
 * magnitude, by loops, over the window grown by `my` rows and `mx` columns on each side (negative:
 * shrunk), mirrored past the image's edge without repeating the edge (`reflect`).
 */
function reference(data: Float32Array, batch: number, channels: number, my = 0, mx = 0, grid: Grid = GRID): Float32Array {
  const { rows, cols, patchHeight, patchWidth, strideY, strideX, height, width } = grid;
  const grad = gradients(data, batch, channels, grid);
  const mirror = (i: number, n: number) => (i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i);
  const out: number[] = [];
  for (let b = 0; b < batch; b++)
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) {
        const means: number[] = [];
        const sds: number[] = [];
        for (const source of [data, grad])
          for (let ch = 0; ch < channels; ch++) {
            const values: number[] = [];
            for (let y = r * strideY - my; y < r * strideY + patchHeight + my; y++)
              for (let x = c * strideX - mx; x < c * strideX + patchWidth + mx; x++)
                values.push(source[((b * height + mirror(y, height)) * width + mirror(x, width)) * channels + ch]!);
            const mean = values.reduce((s, v) => s + v, 0) / values.length;
            means.push(mean);
            sds.push(Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length));
          }
        out.push(...means, ...sds);
      }
  return Float32Array.from(out);
}

/** Per image and location, the features of each scale's reference in turn. */
function interleave(parts: Float32Array[], count: number): Float32Array {
  const d = parts[0]!.length / count;
  const out = new Float32Array(parts.length * parts[0]!.length);
  for (let row = 0; row < count; row++)
    parts.forEach((part, k) => out.set(part.subarray(row * d, (row + 1) * d), (row * parts.length + k) * d));
  return out;
}

describe('colourFeaturizer', () => {
  it.each([1, 3])(
    'gives every patch the mean and deviation of each channel and its gradient magnitude (%i channels), batch by batch',
    async (channels) => {
      await expectNoLeak(async () => {
        const batch = 5;
        const data = Float32Array.from(
          { length: batch * GRID.height * GRID.width * channels },
          (_, i) => Math.sin(i * 0.37) * 2 + (i % 7) * 0.1,
        );
        const images = tf.tensor4d(data, [batch, GRID.height, GRID.width, channels]);
        const featurizer = colourFeaturizer(GRID, channels, 2, [1]);
        expect(featurizer.dimension).toBe(4 * channels);
        expect(featurizer.grid).toEqual(GRID);
        const seen: number[] = [];
        const features = await featurizer.embed(images, (done) => seen.push(done));
        images.dispose();
        expect(seen).toEqual([2, 4, 5]);
        const want = reference(data, batch, channels);
        expect(features.length).toBe(want.length);
        for (let i = 0; i < want.length; i++) expect(features[i]).toBeCloseTo(want[i]!, 4);
      });
    },
  );

  it('stacks the statistics of windows of half, once and twice the patch, centred on it and mirrored past the edges (the default)', async () => {
    await expectNoLeak(async () => {
      const batch = 3;
      const data = Float32Array.from({ length: batch * GRID.height * GRID.width * 3 }, (_, i) => Math.cos(i * 0.53) + (i % 5) * 0.2);
      const images = tf.tensor4d(data, [batch, GRID.height, GRID.width, 3]);
      const featurizer = colourFeaturizer(GRID, 3, 2);
      expect(featurizer.dimension).toBe(36);
      const features = await featurizer.embed(images);
      images.dispose();
      // Patches of 4×6: half is 2×4 (a margin of −1 row and −1 column, rounded up), twice is 8×12 (margins 2 and 3).
      const want = interleave([reference(data, batch, 3, -1, -1), reference(data, batch, 3), reference(data, batch, 3, 2, 3)], batch * 6);
      expect(features.length).toBe(want.length);
      for (let i = 0; i < want.length; i++) expect(features[i]).toBeCloseTo(want[i]!, 4);
    });
  });

  it('keeps windows centred on odd patches, strides that do not divide the image, and the smallest window', async () => {
    await expectNoLeak(async () => {
      // 11 × 10 px, patches of 5 × 5 at strides 3 and 2 (a row and a column are left over): 3 × 3 patches.
      const grid = { rows: 3, cols: 3, patchHeight: 5, patchWidth: 5, strideY: 3, strideX: 2, height: 11, width: 10 };
      const data = Float32Array.from({ length: 2 * 11 * 10 }, (_, i) => Math.sin(i * 0.71) + (i % 3) * 0.3);
      const images = tf.tensor4d(data, [2, 11, 10, 1]);
      const features = await colourFeaturizer(grid, 1, 2, [0.1, 0.5, 2]).embed(images);
      images.dispose();
      // 0.1 → at least 1 px (margin −2), 0.5 → 3 px (round(−1.25) = −1), 2 → 11 px (round(2.5) = 3, mirrored).
      const want = interleave(
        [reference(data, 2, 1, -2, -2, grid), reference(data, 2, 1, -1, -1, grid), reference(data, 2, 1, 3, 3, grid)],
        2 * 9,
      );
      expect(features.length).toBe(want.length);
      for (let i = 0; i < want.length; i++) expect(features[i]).toBeCloseTo(want[i]!, 4);
    });
  });

  it('refuses scales outside (0, 2] and repeated ones', () => {
    for (const scales of [[], [0], [2.5], [Number.NaN], [1, -1], [1, 1]])
      expect(() => colourFeaturizer(GRID, 3, 2, scales)).toThrow(/scales must be distinct numbers in \(0, 2\], at least one/);
  });

  it('refuses images of another size or channel count', async () => {
    const featurizer = colourFeaturizer(GRID, 3, 2);
    const wrong = tf.zeros([1, 8, 10, 3]) as tf.Tensor4D;
    const gray = tf.zeros([1, 8, 9, 1]) as tf.Tensor4D;
    await expect(featurizer.embed(wrong)).rejects.toThrow(/must be 8×9 px with 3 channels, got 8×10 with 3/);
    await expect(featurizer.embed(gray)).rejects.toThrow(/got 8×9 with 1/);
    tf.dispose([wrong, gray]);
  });
});
