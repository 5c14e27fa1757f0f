import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../math/random';
import { BatchNorm, type BatchNormSettings } from './batchNorm';
import { kaimingNormalFanOut } from './init';
import { DerivedCache, variableOf } from './namedWeights';

/** How a forward pass treats BatchNorm: batch statistics, running statistics, or folded into the conv. */
export type ForwardMode = 'train' | 'eval' | 'folded';

/** A bias-free square convolution followed by BatchNorm (and optionally ReLU), PyTorch-style. */
export interface ConvBnSpec {
  readonly inChannels: number;
  readonly outChannels: number;
  /** Square kernel side, px. */
  readonly kernel: number;
  readonly stride: number;
  /** Symmetric zero padding on every side, px (0 = valid). */
  readonly pad: number;
}

/**
 * Conv (no bias) → BatchNorm, the unit every ResNet layer is made of. In `'folded'` mode the BatchNorm
 * is folded into the kernel and a bias (`kernel·scale`, `shift`) and the whole unit, ReLU included, is
 * one `tf.fused.conv2d`; the folded weights are cached until a variable changes.
 */
export class ConvBn {
  readonly kernel: tf.Variable<tf.Rank.R4>;
  readonly bn: BatchNorm;
  private readonly folded = new DerivedCache<[tf.Tensor4D, tf.Tensor1D]>();

  constructor(
    readonly spec: ConvBnSpec,
    rng: Rng,
    batchNorm: BatchNormSettings,
  ) {
    const { kernel: k, inChannels, outChannels } = spec;
    const values = kaimingNormalFanOut(rng, k, k, inChannels, outChannels);
    this.kernel = variableOf(tf.tensor4d(values, [k, k, inChannels, outChannels]), true);
    this.bn = new BatchNorm(outChannels, batchNorm);
  }

  /** `[batch, height, width, inChannels]` → `[batch, outHeight, outWidth, outChannels]`. */
  apply(x: tf.Tensor4D, mode: ForwardMode, relu: boolean): tf.Tensor4D {
    const { stride, pad } = this.spec;
    if (mode === 'folded') {
      const [filter, bias] = this.foldedWeights();
      return tf.fused.conv2d({ x, filter, strides: stride, pad, bias, activation: relu ? 'relu' : 'linear' });
    }
    const y = tf.conv2d(x, this.kernel, stride, pad);
    const z = mode === 'train' ? this.bn.train(y) : this.bn.infer(y);
    return relu ? tf.relu(z) : z;
  }

  /** The kernel with BatchNorm folded in, and the matching bias (cached, owned by this unit). */
  foldedWeights(): [tf.Tensor4D, tf.Tensor1D] {
    return this.folded.get([this.kernel, ...this.bn.foldSources()], () =>
      tf.tidy(() => {
        const { scale, shift } = this.bn.foldFactors();
        return [tf.mul(this.kernel, scale) as tf.Tensor4D, shift];
      }),
    );
  }

  named(convName: string, bnName: string): Record<string, tf.Variable> {
    return { [`${convName}/kernel`]: this.kernel, ...this.bn.named(bnName) };
  }

  dispose(): void {
    this.folded.clear();
    this.kernel.dispose();
    this.bn.dispose();
  }
}
