import * as tf from '@tensorflow/tfjs-core';
import type { PatchGridGeometry } from '../math/spreadScores';
import { capText } from '../math/validate';
import type { Featurizer } from './featurizer';

/**
 * The colour scorer's windows, as multiples of the patch's side, each centred on the patch: half the
 * patch (a small stain or a thin stroke is not averaged away), the patch itself, and twice the patch
 * (a faint, wide stain stands out of the noise of a larger area). Chosen on the generator's
 * validation draw (docs/results.md, session 8).
 */
export const COLOUR_SCALES: readonly number[] = Object.freeze([0.5, 1, 2]);

/** Whether `scales` can be `colourFeaturizer`'s: at least one, distinct, each a number in (0, 2]. */
export function areColourScales(scales: unknown): scales is readonly number[] {
  return (
    Array.isArray(scales) &&
    scales.length > 0 &&
    new Set(scales).size === scales.length &&
    scales.every((s) => typeof s === 'number' && s > 0 && s <= 2)
  );
}

/**
 * Colour and gradient statistics as features: on every patch of `grid`, the mean and the standard
 * deviation of each channel and of each channel's gradient magnitude (forward differences,
 * `√(∂x² + ∂y²)`, 0 beyond the last row and column), over windows of each of `scales` × the patch
 * centred on it; per scale, ordered `[mean₁ … mean_C, gmean₁ … gmean_C, sd₁ … sd_C, gsd₁ … gsd_C]`.
 * A window larger than the patch reaches past the image's edge by mirroring it (`reflect`). No
 * network: what a stain, a discolouration, a smoothed-over patch or a faint stroke changes (the level
 * and the texture energy of a patch), and what L2-normalised CNN features lose (their norm carries
 * contrast). A shift of the pixel scale changes the features affinely, which a Gaussian density's
 * Mahalanobis distance does not see.
 *
 * @param grid the patch grid (`patchLayout` of the detector's own features): patches of
 *   `patchHeight × patchWidth` at `strideY`, `strideX` over images of `height × width`.
 * @param channels the images' channels (1 or 3): the features have `4 × channels × scales.length`.
 * @param batch images per pass.
 * @param scales the windows' sides as multiples of the patch's, distinct, each in (0, 2] (default
 *   `COLOUR_SCALES`; `[1]`: the patch alone, as saves made before them). A window is the patch grown
 *   or shrunk by the same whole number of pixels on each side (`round((scale − 1) × side / 2)`, at
 *   least 1 px wide), so that it stays centred: half of a 6 px side is 4 px.
 * @example
 * const colour = colourFeaturizer(layout, 3, 16);
 * const features = await colour.embed(images); // [count, rows × cols, 4 × 3 × 3]
 */
export function colourFeaturizer(
  grid: PatchGridGeometry,
  channels: number,
  batch: number,
  scales: readonly number[] = COLOUR_SCALES,
): Featurizer {
  if (!areColourScales(scales))
    throw new RangeError(
      `colourFeaturizer: scales must be distinct numbers in (0, 2], at least one, got ${capText(`[${String(scales)}]`)}`,
    );
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
  // Each window's margin beyond the patch on every side (negative: inside it): the window is the patch plus twice the
  // margin, at least 1 px wide; mirroring reaches at most one side less than the image (`reflect`'s limit).
  const margin = (scale: number, side: number, image: number) =>
    Math.min(Math.max(Math.round(((scale - 1) * side) / 2), 1 - Math.ceil(side / 2)), image - 1);
  const windows = scales.map((s) => ({ my: margin(s, patchHeight, grid.height), mx: margin(s, patchWidth, grid.width) }));
  const features = 4 * channels;
  return {
    dimension: features * scales.length,
    grid: geometry,
    batch,
    async embed(images, onImage) {
      const [count, height, width, given] = images.shape;
      if (height !== grid.height || width !== grid.width || given !== channels)
        throw new RangeError(
          `colourFeaturizer: images must be ${grid.height}×${grid.width} px with ${channels} channels, got ${height}×${width} with ${given}`,
        );
      const size = rows * cols * features * scales.length;
      const out = new Float32Array(count * size);
      for (let start = 0; start < count; start += batch) {
        const n = Math.min(batch, count - start);
        const stats = tf.tidy(() => {
          const image = tf.slice(images, [start, 0, 0, 0], [n, height, width, channels]);
          const x = tf.concat([image, gradientMagnitude(image)], 3);
          return tf.concat(
            windows.map(({ my, mx }) => {
              const framed = frame(x, my, mx);
              const pool = (t: tf.Tensor4D) => tf.avgPool(t, [patchHeight + 2 * my, patchWidth + 2 * mx], [strideY, strideX], 'valid');
              const mean = pool(framed);
              const variance = tf.relu(tf.sub(pool(tf.square(framed)), tf.square(mean)));
              return tf.concat([mean, tf.sqrt(variance)], 3);
            }),
            3,
          );
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

/** `x` grown by `my` rows and `mx` columns on each side (mirrored), or cut by as many where they are negative. */
function frame(x: tf.Tensor4D, my: number, mx: number): tf.Tensor4D {
  const [n, , , channels] = x.shape;
  const grown =
    my > 0 || mx > 0
      ? tf.mirrorPad(
          x,
          [
            [0, 0],
            [Math.max(my, 0), Math.max(my, 0)],
            [Math.max(mx, 0), Math.max(mx, 0)],
            [0, 0],
          ],
          'reflect',
        )
      : x;
  if (my >= 0 && mx >= 0) return grown;
  const [cy, cx] = [Math.max(-my, 0), Math.max(-mx, 0)];
  const [h, w] = [grown.shape[1], grown.shape[2]];
  return tf.slice(grown, [0, cy, cx, 0], [n, h - 2 * cy, w - 2 * cx, channels]);
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
