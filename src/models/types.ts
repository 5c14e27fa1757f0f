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
   * `[height, width]` (px) the encoder requires, or `null` when it takes any size (the ResNets; a
   * pretrained model with a fixed input shape sets it). Callers resize before calling.
   */
  readonly inputSize: readonly [height: number, width: number] | null;
  /**
   * Spatial features before pooling.
   * @param images `[batch, height, width, inputChannels]`, float32 in [0, 1].
   * @param training BatchNorm uses batch statistics (and records them, see `commitBatchNormStats`) when true;
   *   false is inference (running statistics). An encoder may document exceptions (a pretrained
   *   encoder keeps BatchNorm frozen by default).
   * @returns `[batch, featureHeight, featureWidth, featureDim]` (`[batch, 1, 1, featureDim]` for an
   *   encoder whose features are a vector).
   */
  featureMap(images: tf.Tensor4D, training: boolean): tf.Tensor4D;
  /** Global-average-pooled features `[batch, featureDim]` (= mean of `featureMap` over space). */
  features(images: tf.Tensor4D, training: boolean): tf.Tensor2D;
  /**
   * Variables a trainer may update. `freezeBatchNorm` leaves BatchNorm scale/offset out (fine-tuning,
   * paper appendix A.4). A frozen encoder (e.g. a GraphModel) returns none.
   */
  trainableVariables(options?: { freezeBatchNorm?: boolean }): tf.Variable[];
  /**
   * After a training step: folds the batch statistics recorded by every `training: true` forward pass
   * since the last commit into the BatchNorm running averages, in order (as PyTorch updates them once
   * per forward), and frees them. No-op when nothing was recorded. Call it once per step, after the
   * optimizer update: recorded statistics are kept (outside any `tf.tidy`) until then.
   */
  commitBatchNormStats(): void;
  /**
   * Every weight (running statistics included) by a stable name, for saving. The tensors are copies
   * owned by the caller (dispose them); later training does not change them.
   */
  getWeights(): tf.NamedTensorMap;
  /**
   * Loads weights by name, all or nothing: every own name must be present with exactly its shape
   * (a RangeError names the first that is not); names of other models are ignored, so one map can hold
   * the encoder's and the heads' weights. Copies: the caller keeps the map.
   */
  setWeights(weights: tf.NamedTensorMap): void;
  /** A JSON-able description from which the same architecture can be rebuilt. */
  toConfig(): unknown;
  /** Frees every tensor the encoder owns. */
  dispose(): void;
}

/**
 * A trainable head mapping `[batch, inputDim]` to `[batch, outputDim]` (projection head, classifier).
 * Same conventions as `Encoder`: BatchNorm statistics recorded by `apply(x, true)` are folded into the
 * running averages by `commitBatchNormStats`; weights are named under the head's scope.
 */
export interface Head {
  readonly inputDim: number;
  readonly outputDim: number;
  /** `[batch, inputDim]` → `[batch, outputDim]`; the result belongs to the caller. */
  apply(x: tf.Tensor2D, training: boolean): tf.Tensor2D;
  trainableVariables(): tf.Variable[];
  commitBatchNormStats(): void;
  getWeights(): tf.NamedTensorMap;
  setWeights(weights: tf.NamedTensorMap): void;
  toConfig(): unknown;
  dispose(): void;
}
