import type * as tf from '@tensorflow/tfjs-core';
import type { PatchGridGeometry } from '../math/spreadScores';
import type { Encoder } from '../models/types';
import { embedImages, embedPatches, featureDimension, type PatchLayout } from './embedding';

/**
 * What a detector's density sees: model-resolution images in, features out. The scoring stage
 * (densities, out-of-fold threshold, density choice, maps) depends only on this, so every detector
 * shares it: CutPaste embeds patches (or whole images) with its trained encoder, `FeatureDensityDetector`
 * stacks the feature maps of several encoder stages.
 */
export interface Featurizer {
  /** Feature length at each location. */
  readonly dimension: number;
  /**
   * The grid the features lie on (one feature per location, row-major; maps are spread over it), or
   * `undefined` for one feature vector per image (no location, no grid maps).
   */
  readonly grid: PatchGridGeometry | undefined;
  /** Images per forward pass. */
  readonly batch: number;
  /**
   * Features of `images` (`[count, height, width, channels]` at model resolution; not disposed):
   * `[count, locations, dimension]` row-major (`[count, dimension]` without a grid).
   */
  embed(images: tf.Tensor4D, onImage?: (done: number) => void): Promise<Float32Array>;
}

/** Locations of a featurizer's grid (1 without one). */
export const locationsOf = (featurizer: Featurizer): number => (featurizer.grid ? featurizer.grid.rows * featurizer.grid.cols : 1);

/**
 * An encoder's features: pooled (one vector per image) without `layout`, or one embedding per patch
 * of `layout` (a one-pass dense map when the layout allows it, else patch by patch). With `stages`
 * (`featureStagesOf`), the maps of those stages, each averaged over the patch or image, stacked.
 */
export function encoderFeaturizer(
  encoder: Encoder,
  layout: PatchLayout | undefined,
  batch: number,
  stages?: readonly number[],
): Featurizer {
  return {
    dimension: featureDimension(encoder, stages),
    grid: layout,
    batch,
    async embed(images, onImage) {
      if (layout) return embedPatches(encoder, images, layout, batch, onImage, stages);
      const out = await embedImages(encoder, images, batch, stages);
      onImage?.(images.shape[0]);
      return out;
    },
  };
}
