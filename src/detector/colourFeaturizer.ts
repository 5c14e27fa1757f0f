import * as tf from '@tensorflow/tfjs-core';
import type { PatchGridGeometry } from '../math/spreadScores';
import type { Featurizer } from './featurizer';

/**
 * Colour and gradient statistics as features: on every patch of `grid`, the mean and the standard
 * deviation of each channel and of each channel's gradient magnitude (forward differences,
 * `√(∂x² + ∂y²)`, 0 beyond the last row and column), ordered
 * `[mean₁ … mean_C, gmean₁ … gmean_C, sd₁ … sd_C, gsd₁ … gsd_C]`. No network: what a stain, a
 * discolouration, a smoothed-over patch or a faint stroke changes (the level and the texture energy
 * of a patch), and what L2-normalised CNN features lose (their norm carries contrast). A shift of the
 * pixel scale changes the features affinely, which a Gaussian density's Mahalanobis distance does not
 * see.
 *
 * @param grid the patch grid (`patchLayout` of the detector's own features): patches of
 *   `patchHeight × patchWidth` at `strideY`, `strideX` over images of `height × width`.
 * @param channels the images' channels (1 or 3): the features have four times as many.
 * @param batch images per pass.
 * @example
 * const colour = colourFeaturizer(layout, 3, 16);
 * const features = await colour.embed(images); // [count, rows × cols, 4 × channels]
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
    dimension: 4 * channels,
    grid: geometry,
    batch,
    async embed(images, onImage) {
      const [count, height, width, given] = images.shape;
      if (height !== grid.height || width !== grid.width || given !== channels)
        throw new RangeError(
          `colourFeaturizer: images must be ${grid.height}×${grid.width} px with ${channels} channels, got ${height}×${width} with ${given}`,
        );
      const size = rows * cols * 4 * channels;
      const out = new Float32Array(count * size);
      for (let start = 0; start < count; start += batch) {
        const n = Math.min(batch, count - start);
        const stats = tf.tidy(() => {
          const image = tf.slice(images, [start, 0, 0, 0], [n, height, width, channels]);
          const x = tf.concat([image, gradientMagnitude(image)], 3);
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

/** Each channel's gradient magnitude by forward differences, `√(∂x² + ∂y²)`, with 0 differences past the last row and column. */
function gradientMagnitude(x: tf.Tensor4D): tf.Tensor4D {
  const [n, height, width, channels] = x.shape;
  const difference = (axis: 1 | 2) => {
    const cut: [number, number, number, number] = axis === 1 ? [n, height - 1, width, channels] : [n, height, width - 1, channels];
    const ahead = tf.slice(x, axis === 1 ? [0, 1, 0, 0] : [0, 0, 1, 0], cut);
    const padding: [number, number][] = [
      [0, 0],
      [0, axis === 1 ? 1 : 0],
      [0, axis === 2 ? 1 : 0],
      [0, 0],
    ];
    return tf.pad(tf.sub(ahead, tf.slice(x, [0, 0, 0, 0], cut)), padding);
  };
  return tf.sqrt(tf.add(tf.square(difference(1)), tf.square(difference(2)))) as tf.Tensor4D;
}
