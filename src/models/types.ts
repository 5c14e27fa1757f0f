import type * as tf from '@tensorflow/tfjs-core';

/**
 * A feature extractor: images in, features out. Implemented by the ResNet builder (`resnet`) and by
 * the pretrained-encoder adapter. The trainer, the density stage and the detector depend only on this.
 *
 * Tensor ownership: returned tensors belong to the caller; inputs are never disposed.
 */
export interface Encoder {
  /** A short human-readable description, e.g. `resnet18` or `pretrained:LayersModel`. */
  readonly name: string;
  /** Length of the pooled feature vector, = channels of `featureMap`. */
  readonly featureDim: number;
  /** Channels the encoder expects (1 or 3). Callers convert grayscale ↔ RGB before calling. */
  readonly inputChannels: number;
  /**
   * Spatial features before pooling.
   * @param images `[batch, height, width, inputChannels]`, float32 in [0, 1].
   * @param training BatchNorm uses batch statistics (and records them, see `commitBatchNormStats`) when true.
   * @returns `[batch, featureHeight, featureWidth, featureDim]`.
   */
  featureMap(images: tf.Tensor4D, training: boolean): tf.Tensor4D;
  /** Global-average-pooled features `[batch, featureDim]` (= mean of `featureMap` over space). */
  features(images: tf.Tensor4D, training: boolean): tf.Tensor2D;
  /**
   * Variables a trainer may update. `freezeBatchNorm` leaves BatchNorm scale/offset out (fine-tuning,
   * paper appendix A.4); `frozen` returns none.
   */
  trainableVariables(options?: { freezeBatchNorm?: boolean }): tf.Variable[];
  /**
   * After a training step: folds the batch statistics recorded by the last `training: true` forward
   * pass into the BatchNorm running averages, and clears them. No-op when nothing was recorded.
   */
  commitBatchNormStats(): void;
  /** Every weight (running statistics included) by a stable name, for saving. */
  getWeights(): tf.NamedTensorMap;
  /** Loads weights by name; shapes must match exactly (throws otherwise). Copies: the caller keeps the map. */
  setWeights(weights: tf.NamedTensorMap): void;
  /** A JSON-able description from which the same architecture can be rebuilt. */
  toConfig(): unknown;
  /** Frees every tensor the encoder owns. */
  dispose(): void;
}

/** A trainable head mapping `[batch, inputDim]` to `[batch, outputDim]`. */
export interface Head {
  readonly inputDim: number;
  readonly outputDim: number;
  apply(x: tf.Tensor2D, training: boolean): tf.Tensor2D;
  trainableVariables(): tf.Variable[];
  commitBatchNormStats(): void;
  getWeights(): tf.NamedTensorMap;
  setWeights(weights: tf.NamedTensorMap): void;
  toConfig(): unknown;
  dispose(): void;
}
