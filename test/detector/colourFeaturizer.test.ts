import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { colourFeaturizer } from '../../src/detector/colourFeaturizer';
import { expectNoLeak } from '../helpers/tensors';

const GRID = { rows: 3, cols: 2, patchHeight: 4, patchWidth: 6, strideY: 2, strideX: 3, height: 8, width: 9 };

/** Each patch's mean and population standard deviation per channel, by loops. */
function reference(data: Float32Array, batch: number, channels: number): Float32Array {
  const { rows, cols, patchHeight, patchWidth, strideY, strideX, height, width } = GRID;
  const out: number[] = [];
  for (let b = 0; b < batch; b++)
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) {
        const means: number[] = [];
        const sds: number[] = [];
        for (let ch = 0; ch < channels; ch++) {
          const values: number[] = [];
          for (let y = r * strideY; y < r * strideY + patchHeight; y++)
            for (let x = c * strideX; x < c * strideX + patchWidth; x++) values.push(data[((b * height + y) * width + x) * channels + ch]!);
          const mean = values.reduce((s, v) => s + v, 0) / values.length;
          means.push(mean);
          sds.push(Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length));
        }
        out.push(...means, ...sds);
      }
  return Float32Array.from(out);
}

describe('colourFeaturizer', () => {
  it.each([1, 3])('gives every patch its mean and deviation per channel (%i channels), batch by batch', async (channels) => {
    await expectNoLeak(async () => {
      const batch = 5;
      const data = Float32Array.from(
        { length: batch * GRID.height * GRID.width * channels },
        (_, i) => Math.sin(i * 0.37) * 2 + (i % 7) * 0.1,
      );
      const images = tf.tensor4d(data, [batch, GRID.height, GRID.width, channels]);
      const featurizer = colourFeaturizer(GRID, channels, 2);
      expect(featurizer.dimension).toBe(2 * channels);
      expect(featurizer.grid).toEqual(GRID);
      const seen: number[] = [];
      const features = await featurizer.embed(images, (done) => seen.push(done));
      images.dispose();
      expect(seen).toEqual([2, 4, 5]);
      const want = reference(data, batch, channels);
      expect(features.length).toBe(want.length);
      for (let i = 0; i < want.length; i++) expect(features[i]).toBeCloseTo(want[i]!, 4);
    });
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
