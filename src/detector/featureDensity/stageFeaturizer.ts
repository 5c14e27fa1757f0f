import * as tf from '@tensorflow/tfjs-core';
import type { PatchGridGeometry } from '../../math/spreadScores';
import { yieldToEventLoop } from '../../train/trainer';
import type { Featurizer } from '../featurizer';

/** Feature maps of a batch of images (`[batch, h, w, c]` each; the caller frees them). */
export type StageMaps = (images: tf.Tensor4D) => tf.Tensor4D[];

/** What a stage featurizer needs besides the maps: the model input size, the batch and the kept channels. */
export interface StageFeaturizerSpec {
  /** `[height, width]` of the images the maps are computed from. */
  readonly imageSize: readonly [number, number];
  /** Images per forward pass. */
  readonly batch: number;
  /** Shapes `[h, w, c]` of the maps (first map first). */
  readonly shapes: readonly (readonly [number, number, number])[];
  /** Channels kept of the stacked maps, ascending (PaDiM's random dimension reduction); all when undefined. */
  readonly channels?: Int32Array;
}

/**
 * Features from one or more feature maps on one grid (PaDiM): every map is resized (nearest) to the
 * first map's grid, the maps are stacked along channels, and `channels` of them kept. Each grid cell
 * covers the `imageSize / grid` pixels under it, so score maps spread over the image from there.
 */
export function stageFeaturizer(maps: StageMaps, spec: StageFeaturizerSpec): Featurizer {
  const [height, width] = spec.imageSize;
  const [rows, cols] = spec.shapes[0]!;
  const stacked = spec.shapes.reduce((n, s) => n + s[2], 0);
  const channels = spec.channels;
  const strideY = Math.max(1, Math.floor(height / rows));
  const strideX = Math.max(1, Math.floor(width / cols));
  const grid: PatchGridGeometry = { rows, cols, patchHeight: strideY, patchWidth: strideX, strideY, strideX, height, width };
  const dimension = channels ? channels.length : stacked;
  return {
    dimension,
    grid,
    batch: spec.batch,
    async embed(images, onImage) {
      const count = images.shape[0];
      const out = new Float32Array(count * rows * cols * dimension);
      for (let start = 0; start < count; start += spec.batch) {
        const size = Math.min(spec.batch, count - start);
        const features = tf.tidy(() => {
          const parts = maps(tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1]));
          const aligned = parts.map((m) =>
            m.shape[1] === rows && m.shape[2] === cols ? m : tf.image.resizeNearestNeighbor(m, [rows, cols], false, true),
          );
          const all = aligned.length === 1 ? aligned[0]! : tf.concat(aligned, 3);
          return channels ? tf.gather(all, tf.tensor1d(channels, 'int32'), 3) : all;
        });
        out.set(await features.data(), start * rows * cols * dimension);
        features.dispose();
        onImage?.(start + size);
        await yieldToEventLoop();
      }
      return out;
    },
  };
}
