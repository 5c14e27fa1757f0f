import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../math/random';
import { BatchNorm, type BatchNormSettings } from './batchNorm';
import type { ForwardMode } from './convBn';
import { linearUniform } from './init';
import { DerivedCache, variableOf } from './namedWeights';

/**
 * A fully connected layer `x·kernel + bias` (PyTorch's default init), optionally followed by
 * BatchNorm1d and ReLU. Folded mode merges the BatchNorm into kernel and bias and runs one
 * `tf.fused.matMul` (cached until a variable changes). Internal building block of the heads.
 */
export class Dense {
  readonly kernel: tf.Variable<tf.Rank.R2>;
  readonly bias: tf.Variable<tf.Rank.R1>;
  readonly bn: BatchNorm | null;
  private readonly folded = new DerivedCache<[tf.Tensor2D, tf.Tensor1D]>();

  constructor(
    readonly inDim: number,
    readonly outDim: number,
    rng: Rng,
    batchNorm: BatchNormSettings | null,
    readonly relu: boolean,
  ) {
    const { kernel, bias } = linearUniform(rng, inDim, outDim);
    this.kernel = variableOf(tf.tensor2d(kernel, [inDim, outDim]), true);
    this.bias = variableOf(tf.tensor1d(bias), true);
    this.bn = batchNorm === null ? null : new BatchNorm(outDim, batchNorm);
  }

  /**
   * `[batch, inDim]` → `[batch, outDim]`. `'folded'` (inference outside a gradient tape) is one
   * `tf.fused.matMul`; the other modes use plain ops, which every backend can differentiate.
   */
  apply(x: tf.Tensor2D, mode: ForwardMode): tf.Tensor2D {
    if (mode === 'folded') {
      const activation = this.relu ? 'relu' : 'linear';
      const [b, bias] = this.bn === null ? [this.kernel, this.bias] : this.foldedWeights(this.bn);
      return tf.fused.matMul({ a: x, b, bias, activation }) as tf.Tensor2D;
    }
    let y = tf.add(tf.matMul(x, this.kernel), this.bias) as tf.Tensor2D;
    if (this.bn !== null) y = mode === 'train' ? this.bn.train(y) : this.bn.infer(y);
    return this.relu ? tf.relu(y) : y;
  }

  private foldedWeights(bn: BatchNorm): [tf.Tensor2D, tf.Tensor1D] {
    return this.folded.get([this.kernel, this.bias, ...bn.foldSources()], () =>
      tf.tidy(() => {
        const { scale, shift } = bn.foldFactors();
        const result: [tf.Tensor2D, tf.Tensor1D] = [tf.mul(this.kernel, scale), tf.add(tf.mul(this.bias, scale), shift)];
        return result;
      }),
    );
  }

  trainableVariables(freezeBatchNorm = false): tf.Variable[] {
    const own: tf.Variable[] = [this.kernel, this.bias];
    return this.bn === null || freezeBatchNorm ? own : [...own, this.bn.gamma, this.bn.beta];
  }

  named(prefix: string): Record<string, tf.Variable> {
    return {
      [`${prefix}/kernel`]: this.kernel,
      [`${prefix}/bias`]: this.bias,
      ...(this.bn === null ? {} : this.bn.named(`${prefix}/bn`)),
    };
  }

  dispose(): void {
    this.folded.clear();
    this.kernel.dispose();
    this.bias.dispose();
    this.bn?.dispose();
  }
}
