import * as tf from '@tensorflow/tfjs-core';
import { StateError } from '../errors';
import { createRng, type Rng } from '../math/random';
import { BasicBlock } from './basicBlock';
import { ConvBn, type ForwardMode } from './convBn';
import { assignWeights, snapshotWeights } from './namedWeights';
import {
  featureSizeOf,
  receptiveFieldOf,
  resolveResNetConfig,
  totalStrideOf,
  type ResNetConfig,
  type ResolvedResNetConfig,
} from './resnetConfig';
import type { Encoder } from './types';

/** Options of `resnet()` that are not part of the architecture. */
export interface ResNetOptions {
  /** Seed of the weight initialisation (ignored when `rng` is given). Default 0: the same weights every time. */
  seed?: number | string;
  /** Random source for the initialisation; overrides `seed`. */
  rng?: Rng;
  /** Prefix of every weight name in `getWeights()`. Default `'encoder'`. */
  scope?: string;
  /**
   * Inference (`training: false`) folds each BatchNorm into its conv and runs `tf.fused.conv2d` with
   * bias and ReLU, caching the folded weights until a variable changes. Inside a gradient tape
   * (`tf.grad`, `tf.variableGrads`) the unfolded path is used so gradients reach every variable.
   * Default true; false is for tests and debugging.
   */
  foldBatchNorm?: boolean;
}

/** A ResNet `Encoder` with its architecture's geometry. */
export interface ResNetEncoder extends Encoder {
  /** The resolved architecture; `resnet(encoder.config)` builds the same network. */
  readonly config: ResolvedResNetConfig;
  /** Input pixels between neighbouring feature-map positions (product of all strides). */
  readonly totalStride: number;
  /**
   * Side (px) of the input window each feature-map position sees. With `padding: 'valid'`, feature-map
   * position (i, j) of any image equals the features of the `receptiveField`-sized crop at
   * (i·totalStride, j·totalStride).
   */
  readonly receptiveField: number;
  /** Learnable parameters (convs and BatchNorm scale/offset; running statistics excluded). */
  readonly parameterCount: number;
  /** `[featureHeight, featureWidth]` for an input of `height × width` px (0 when too small). */
  featureSize(height: number, width: number): [number, number];
  /**
   * Inference feature maps after each of `stages` (1-based, torchvision's `layer1` … `layer4`), in the
   * order given: `[batch, h_s, w_s, widths[s - 1]]` each. The tensors belong to the caller.
   * @throws RangeError for a stage outside [1, blocks.length]
   */
  stageMaps(images: tf.Tensor4D, stages: readonly number[]): tf.Tensor4D[];
  toConfig(): ResolvedResNetConfig;
}

/**
 * Builds a ResNet encoder of BasicBlocks from a data description (see `ResNetConfig`; presets in
 * `resnetPreset`). Weights: convs Kaiming-normal (fan_out, ReLU) as torchvision, BatchNorm γ = 1, β = 0,
 * running mean 0 and variance 1; deterministic for a given seed on every backend.
 *
 * Input `[batch, height, width, inputChannels]` in [0, 1]; `featureMap` gives
 * `[batch, featureHeight, featureWidth, widths.at(-1)]`, `features` its spatial mean.
 * @throws RangeError naming the config field when the config is invalid.
 * @example
 * const encoder = resnet(resnetPreset('resnet18-slim'), { seed: 1 });
 * const f = encoder.features(images, false); // [batch, 256]
 * encoder.dispose();
 */
export function resnet(config: ResNetConfig, options: ResNetOptions = {}): ResNetEncoder {
  return new ResNet(resolveResNetConfig(config), options);
}

class ResNet implements ResNetEncoder {
  readonly name: string;
  readonly featureDim: number;
  readonly inputChannels: number;
  readonly inputSize = null;
  readonly totalStride: number;
  readonly receptiveField: number;
  readonly parameterCount: number;
  private readonly stem: ConvBn;
  private readonly blocks: BasicBlock[] = [];
  private readonly scope: string;
  private readonly fold: boolean;
  private readonly inputScale: tf.Tensor1D;
  private readonly inputShift: tf.Tensor1D;
  private readonly variables: Record<string, tf.Variable>;
  private disposed = false;

  constructor(
    readonly config: ResolvedResNetConfig,
    options: ResNetOptions,
  ) {
    const c = config;
    const rng = options.rng ?? createRng(options.seed ?? 0);
    this.scope = options.scope ?? 'encoder';
    this.fold = options.foldBatchNorm ?? true;
    this.name = c.name;
    this.featureDim = c.widths[c.widths.length - 1]!;
    this.inputChannels = c.inputChannels;
    this.totalStride = totalStrideOf(c);
    this.receptiveField = receptiveFieldOf(c);
    const { mean, std } = c.normalization;
    this.inputScale = tf.keep(tf.tensor1d(std.map((s) => 1 / s)));
    this.inputShift = tf.keep(tf.tensor1d(mean.map((m, i) => -m / std[i]!)));
    const stemPad = c.padding === 'same' ? Math.floor(c.stem.kernel / 2) : 0;
    this.stem = new ConvBn(
      { inChannels: c.inputChannels, outChannels: c.stem.channels, kernel: c.stem.kernel, stride: c.stem.stride, pad: stemPad },
      rng,
      c.batchNorm,
    );
    let inChannels = c.stem.channels;
    c.blocks.forEach((count, stage) => {
      for (let b = 0; b < count; b++) {
        const stride = b === 0 ? c.strides[stage]! : 1;
        this.blocks.push(new BasicBlock(inChannels, c.widths[stage]!, stride, c.padding, rng, c.batchNorm));
        inChannels = c.widths[stage]!;
      }
    });
    this.variables = this.buildNames();
    this.parameterCount = this.trainableVariables().reduce((n, v) => n + v.size, 0);
  }

  private buildNames(): Record<string, tf.Variable> {
    const s = this.scope;
    const named: Record<string, tf.Variable> = this.stem.named(`${s}/conv1`, `${s}/bn1`);
    let i = 0;
    this.config.blocks.forEach((count, stage) => {
      for (let b = 0; b < count; b++) Object.assign(named, this.blocks[i++]!.named(`${s}/layer${stage + 1}.${b}`));
    });
    return named;
  }

  private units(): ConvBn[] {
    return [this.stem, ...this.blocks.flatMap((b) => b.units())];
  }

  private assertUsable(): void {
    if (this.disposed) throw new StateError(`${this.name}: the encoder was disposed`);
  }

  featureSize(height: number, width: number): [number, number] {
    return [featureSizeOf(this.config, height), featureSizeOf(this.config, width)];
  }

  private checkImages(images: tf.Tensor4D): void {
    if (!(images instanceof tf.Tensor) || images.rank !== 4) {
      const got = images instanceof tf.Tensor ? `rank ${images.rank}` : String(images);
      throw new TypeError(`${this.name}: images must be a [batch, height, width, channels] tensor, got ${got}`);
    }
    const [, h, w, ch] = images.shape;
    if (ch !== this.inputChannels) {
      throw new RangeError(`${this.name}: images must have ${this.inputChannels} channel(s), got ${ch}`);
    }
    if (images.dtype !== 'float32') throw new TypeError(`${this.name}: images must be float32, got ${images.dtype}`);
    const [fh, fw] = this.featureSize(h, w);
    if (fh < 1 || fw < 1) {
      const min = this.config.padding === 'valid' ? ` (padding 'valid' needs at least ${this.receptiveField} px)` : '';
      throw new RangeError(`${this.name}: images of ${h}×${w} px are too small for this network${min}`);
    }
  }

  featureMap(images: tf.Tensor4D, training: boolean): tf.Tensor4D {
    this.assertUsable();
    this.checkImages(images);
    const mode: ForwardMode = training ? 'train' : this.fold && !tf.engine().isTapeOn() ? 'folded' : 'eval';
    return tf.tidy(() => this.forward(images, mode).at(-1)!);
  }

  /** The feature map after each stage up to `stages` (all by default; call inside `tf.tidy`). */
  private forward(images: tf.Tensor4D, mode: ForwardMode, stages = this.config.blocks.length): tf.Tensor4D[] {
    const c = this.config;
    let x = tf.add(tf.mul(images, this.inputScale), this.inputShift) as tf.Tensor4D;
    x = this.stem.apply(x, mode, true);
    if (c.stem.maxPool) {
      const { kernel, stride } = c.stem.maxPool;
      x = tf.maxPool(x, kernel, stride, c.padding === 'same' ? Math.floor(kernel / 2) : 0);
    }
    const after: tf.Tensor4D[] = [];
    let block = 0;
    for (const count of c.blocks.slice(0, stages)) {
      for (let b = 0; b < count; b++) x = this.blocks[block++]!.apply(x, mode);
      after.push(x);
    }
    return after;
  }

  features(images: tf.Tensor4D, training: boolean): tf.Tensor2D {
    return tf.tidy(() => tf.mean(this.featureMap(images, training), [1, 2]) as tf.Tensor2D);
  }

  stageMaps(images: tf.Tensor4D, stages: readonly number[]): tf.Tensor4D[] {
    this.assertUsable();
    this.checkImages(images);
    const c = this.config;
    const bad = stages.find((s) => !Number.isInteger(s) || s < 1 || s > c.blocks.length);
    if (bad !== undefined || stages.length === 0) {
      throw new RangeError(`${this.name}.stageMaps: stages must be integers in [1, ${c.blocks.length}], got [${stages.join(', ')}]`);
    }
    const mode: ForwardMode = this.fold && !tf.engine().isTapeOn() ? 'folded' : 'eval';
    return tf.tidy(() => {
      const after = this.forward(images, mode, Math.max(...stages));
      return stages.map((s) => after[s - 1]!);
    });
  }

  trainableVariables(options: { freezeBatchNorm?: boolean } = {}): tf.Variable[] {
    this.assertUsable();
    const freeze = options.freezeBatchNorm ?? false;
    return this.units().flatMap((u) => (freeze ? [u.kernel] : [u.kernel, u.bn.gamma, u.bn.beta]));
  }

  commitBatchNormStats(): void {
    this.assertUsable();
    for (const u of this.units()) u.bn.commit();
  }

  getWeights(): tf.NamedTensorMap {
    this.assertUsable();
    return snapshotWeights(this.variables);
  }

  setWeights(weights: tf.NamedTensorMap): void {
    this.assertUsable();
    assignWeights(`${this.name}.setWeights`, this.variables, weights);
  }

  toConfig(): ResolvedResNetConfig {
    return this.config;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const u of this.units()) u.dispose();
    this.inputScale.dispose();
    this.inputShift.dispose();
  }
}
