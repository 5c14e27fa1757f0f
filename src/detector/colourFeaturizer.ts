import * as tf from '@tensorflow/tfjs-core';
import type { PatchGridGeometry } from '../math/spreadScores';
import type { Featurizer } from './featurizer';

/**
 * Colour statistics as features: on every patch of `grid`, the mean and the standard deviation of
 * each channel, `[mean₁ … mean_C, sd₁ … sd_C]`. No network: what a stain, a discolouration or a
 * smoothed-over patch changes, and what L2-normalised CNN features lose (their norm carries contrast).
 * Any affine change of the pixel scale changes the features affinely, which a Gaussian density's
 * Mahalanobis distance does not see, so the images may be normalised in any way.
 *
 * @param grid the patch grid (`patchLayout` of the detector's own features): patches of
 *   `patchHeight × patchWidth` at `strideY`, `strideX` over images of `height × width`.
 * @param channels the images' channels (1 or 3): the features have twice as many.
 * @param batch images per pass.
 * @example
 * const colour = colourFeaturizer(layout, 3, 16);
 * const features = await colour.embed(images); // [count, rows × cols, 2 × channels]
 */
export function colourFeaturizer(grid: PatchGridGeometry, channels: number, batch: number): Featurizer {
  const { rows, cols, patchHeight, patchWidth, strideY, strideX } = grid;
  const geometry: PatchGridGeometry = {
    rows,
    cols,
    patchHeight,
    patchWidth,
    strideY,
    strideX,
    height: grid.height,
    width: grid.width,
  };
  return {
    dimension: 2 * channels,
    grid: geometry,
    batch,
    async embed(images, onImage) {
      const [count, height, width, given] = images.shape;
      if (height !== grid.height || width !== grid.width || given !== channels)
        throw new RangeError(
          `colourFeaturizer: images must be ${grid.height}×${grid.width} px with ${channels} channels, got ${height}×${width} with ${given}`,
        );
      const size = rows * cols * 2 * channels;
      const out = new Float32Array(count * size);
      for (let start = 0; start < count; start += batch) {
        const n = Math.min(batch, count - start);
        const stats = tf.tidy(() => {
          const x = tf.slice(images, [start, 0, 0, 0], [n, height, width, channels]);
          const pool = (t: tf.Tensor4D) => tf.avgPool(t, [patchHeight, patchWidth], [strideY, strideX], 'valid');
          const mean = pool(x);
          const variance = tf.relu(tf.sub(pool(tf.square(x)), tf.square(mean)));
          return tf.concat([mean, tf.sqrt(variance)], 3);
        });
        try {
          if (stats.shape[1] !== rows || stats.shape[2] !== cols)
            throw new RangeError(`colourFeaturizer: the grid is ${rows}×${cols} but the patches give ${stats.shape[1]}×${stats.shape[2]}`);
          // async: webgpu has no dependable synchronous read
          out.set(await stats.data(), start * size);
        } finally {
          stats.dispose();
        }
        onImage?.(start + n);
      }
      return out;
    },
  };
}
