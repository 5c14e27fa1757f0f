import * as tf from '@tensorflow/tfjs-core';
import { StateError } from '../errors';
import type { Encoder } from './types';

/**
 * What the adapter needs of a tfjs-converter `GraphModel` (duck-typed: this library does not depend on
 * `@tensorflow/tfjs-converter`). Only models that run with the synchronous `execute` are supported.
 */
export interface GraphModelLike {
  execute(inputs: tf.Tensor | tf.Tensor[] | tf.NamedTensorMap, outputs?: string | string[]): tf.Tensor | tf.Tensor[];
  /** Input signature, when the model declares one (`-1`/`null` = any size). */
  readonly inputs?: ReadonlyArray<{ name: string; shape?: readonly (number | null)[] }>;
}

/** Input preprocessing from the library's [0, 1] images to the model's expected range. */
export type PretrainedPreprocess =
  { scale?: number | readonly number[]; offset?: number | readonly number[] } | { mean: readonly number[]; std: readonly number[] };

/** Options of `pretrainedEncoder`. */
export interface PretrainedEncoderOptions {
  /**
   * The feature node: a layer name (LayersModel; default: the model's output) or a graph node name
   * (GraphModel; required), e.g. `'top_activation'` or `'StatefulPartitionedCall/model/top_activation/Relu'`.
   */
  featureNode?: string;
  /** GraphModel only: the name of the image input. Default: the image is passed as the only input. */
  inputNode?: string;
  /** `[height, width]` the model requires. Default: the model's declared input shape, if fixed. */
  inputSize?: readonly [number, number];
  /** 1 or 3. Default: the model's declared input channels, else 3. */
  inputChannels?: 1 | 3;
  /**
   * `x·scale + offset` per channel, or `(x − mean)/std`, applied to images in [0, 1] before the model.
   * Default `{ scale: 1, offset: 0 }` (the model takes [0, 1]); `{ scale: 2, offset: -1 }` gives
   * [−1, 1], `{ scale: 255 }` gives [0, 255], ImageNet's mean/std for torchvision-style models.
   */
  preprocess?: PretrainedPreprocess;
  /**
   * `'map'`: the node is `[batch, h, w, c]`, pooled by a spatial mean; `'vector'`: it is `[batch, c]`
   * (`featureMap` returns it as `[batch, 1, 1, c]`). Default: from the node's rank.
   */
  featureKind?: 'map' | 'vector';
  /**
   * LayersModel only. false (default, the paper's fine-tuning recipe, appendix A.4): the model always
   * runs in inference mode — BatchNorm uses its moving statistics (and Dropout is off) even when
   * `training` is true; gradients still flow to every variable. true: `training` is passed to the
   * model, so its BatchNorm layers use batch statistics and update their moving averages themselves
   * (Keras momentum) during the forward pass; `commitBatchNormStats` stays a no-op.
   */
  trainBatchNorm?: boolean;
  /** Prefix of the weight names. Default `'encoder'`. */
  scope?: string;
}

/** The JSON description of a pretrained encoder; the model itself must be supplied again to rebuild. */
export interface PretrainedEncoderConfig {
  kind: 'pretrained';
  modelType: 'LayersModel' | 'GraphModel';
  featureNode: string | null;
  inputNode: string | null;
  inputSize: [number, number] | null;
  inputChannels: number;
  featureDim: number;
  featureKind: 'map' | 'vector';
  preprocess: { scale: number[]; offset: number[] };
  trainBatchNorm: boolean;
}

/**
 * The `pretrainedEncoder` options that rebuild an adapter of `config` (a saved `toConfig()`) around
 * the same model.
 * @example
 * const again = pretrainedEncoder(model, pretrainedOptionsOf(encoder.toConfig()));
 */
export function pretrainedOptionsOf(config: PretrainedEncoderConfig): PretrainedEncoderOptions {
  return {
    ...(config.featureNode ? { featureNode: config.featureNode } : {}),
    ...(config.inputNode ? { inputNode: config.inputNode } : {}),
    ...(config.inputSize ? { inputSize: config.inputSize } : {}),
    inputChannels: config.inputChannels as 1 | 3,
    featureKind: config.featureKind,
    preprocess: config.preprocess,
    trainBatchNorm: config.trainBatchNorm,
  };
}

function perChannel(field: string, v: number | readonly number[] | undefined, channels: number, fallback: number): number[] {
  if (v === undefined) return new Array<number>(channels).fill(fallback);
  const arr = typeof v === 'number' ? new Array<number>(channels).fill(v) : [...v];
  if (arr.length !== channels || !arr.every(Number.isFinite)) {
    throw new RangeError(
      `pretrainedEncoder: options.preprocess.${field} must be a finite number or ${channels} finite numbers, got ${JSON.stringify(v)}`,
    );
  }
  return arr;
}

/** Per-channel `{ scale, offset }` from either form of `preprocess` (default identity). */
export function resolvePreprocess(p: PretrainedPreprocess | undefined, channels: number): { scale: number[]; offset: number[] } {
  if (p === undefined) return { scale: perChannel('scale', 1, channels, 1), offset: perChannel('offset', 0, channels, 0) };
  if ('mean' in p) {
    const mean = perChannel('mean', p.mean, channels, 0);
    const std = perChannel('std', p.std, channels, 1);
    if (!std.every((s) => s > 0))
      throw new RangeError(`pretrainedEncoder: options.preprocess.std must be positive, got ${JSON.stringify(p.std)}`);
    return { scale: std.map((s) => 1 / s), offset: mean.map((m, i) => -m / std[i]!) };
  }
  return { scale: perChannel('scale', p.scale, channels, 1), offset: perChannel('offset', p.offset, channels, 0) };
}

/** `[height, width]` of a declared `[batch, h, w, c]` input shape when both are fixed, else null. */
export function fixedSize(shape: readonly (number | null)[] | undefined): [number, number] | null {
  if (!shape || shape.length !== 4) return null;
  const [, h, w] = shape;
  return typeof h === 'number' && h > 0 && typeof w === 'number' && w > 0 ? [h, w] : null;
}

/** What both adapters share: input checks, preprocessing, pooling, disposal. */
export abstract class AdapterBase implements Encoder {
  abstract readonly name: string;
  abstract readonly featureDim: number;
  abstract readonly inputChannels: number;
  abstract readonly inputSize: readonly [number, number] | null;
  protected abstract readonly featureKind: 'map' | 'vector';
  protected scale!: tf.Tensor1D;
  protected offset!: tf.Tensor1D;
  protected disposed = false;

  protected initPreprocess(p: { scale: number[]; offset: number[] }): void {
    this.scale = tf.keep(tf.tensor1d(p.scale));
    this.offset = tf.keep(tf.tensor1d(p.offset));
  }

  protected abstract run(x: tf.Tensor4D, training: boolean): tf.Tensor;

  protected assertUsable(): void {
    if (this.disposed) throw new StateError(`${this.name}: the encoder was disposed`);
  }

  protected checkImages(images: tf.Tensor4D): void {
    if (!(images instanceof tf.Tensor) || images.rank !== 4) {
      const got = images instanceof tf.Tensor ? `rank ${images.rank}` : String(images);
      throw new TypeError(`${this.name}: images must be a [batch, height, width, channels] tensor, got ${got}`);
    }
    const [, h, w, c] = images.shape;
    if (c !== this.inputChannels) throw new RangeError(`${this.name}: images must have ${this.inputChannels} channel(s), got ${c}`);
    if (this.inputSize !== null && (h !== this.inputSize[0] || w !== this.inputSize[1])) {
      throw new RangeError(`${this.name}: images must be ${this.inputSize[0]}×${this.inputSize[1]} px (height × width), got ${h}×${w}`);
    }
  }

  featureMap(images: tf.Tensor4D, training: boolean): tf.Tensor4D {
    this.assertUsable();
    this.checkImages(images);
    return tf.tidy(() => {
      const x = tf.add(tf.mul(images, this.scale), this.offset) as tf.Tensor4D;
      const y = this.run(x, training);
      if (y.rank === 4 && this.featureKind === 'map') return y as tf.Tensor4D;
      if (y.rank === 2 && this.featureKind === 'vector') return tf.reshape(y, [y.shape[0], 1, 1, y.shape[1]!]) as tf.Tensor4D;
      throw new TypeError(
        `${this.name}: the feature node gave shape [${y.shape.join(', ')}], expected a ${this.featureKind === 'map' ? 'rank-4 map' : 'rank-2 vector'}`,
      );
    });
  }

  features(images: tf.Tensor4D, training: boolean): tf.Tensor2D {
    return tf.tidy(() => tf.mean(this.featureMap(images, training), [1, 2]) as tf.Tensor2D);
  }

  abstract trainableVariables(options?: { freezeBatchNorm?: boolean }): tf.Variable[];
  abstract getWeights(): tf.NamedTensorMap;
  abstract setWeights(weights: tf.NamedTensorMap): void;
  abstract toConfig(): PretrainedEncoderConfig;

  commitBatchNormStats(): void {}

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.scale.dispose();
    this.offset.dispose();
  }
}
