import * as tf from '@tensorflow/tfjs-core';
import { variableOf } from './namedWeights';

/** BatchNorm hyperparameters (PyTorch's meaning and defaults). */
export interface BatchNormSettings {
  /** Weight of the new batch statistic in the running averages (PyTorch's `momentum`). Default 0.1. */
  readonly momentum: number;
  /** Added to the variance before the square root. Default 1e-5. */
  readonly epsilon: number;
}

export const DEFAULT_BATCH_NORM: BatchNormSettings = Object.freeze({ momentum: 0.1, epsilon: 1e-5 });

interface Recorded {
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
  count: number;
}

/**
 * Batch normalisation over the last (channel) axis, with PyTorch's semantics: training normalises with
 * the batch mean and biased variance; the running averages are updated (at `commit`) with
 * `running = (1 − momentum)·running + momentum·batch`, the variance term unbiased (× n/(n − 1)).
 * Internal building block of the ResNet and the projection head.
 */
export class BatchNorm {
  readonly gamma: tf.Variable<tf.Rank.R1>;
  readonly beta: tf.Variable<tf.Rank.R1>;
  readonly runningMean: tf.Variable<tf.Rank.R1>;
  readonly runningVar: tf.Variable<tf.Rank.R1>;
  private recorded: Recorded[] = [];

  constructor(
    readonly channels: number,
    readonly settings: BatchNormSettings,
  ) {
    this.gamma = variableOf(tf.ones([channels]) as tf.Tensor1D, true);
    this.beta = variableOf(tf.zeros([channels]) as tf.Tensor1D, true);
    this.runningMean = variableOf(tf.zeros([channels]) as tf.Tensor1D, false);
    this.runningVar = variableOf(tf.ones([channels]) as tf.Tensor1D, false);
  }

  /**
   * Normalises `x` (`[..., channels]`) with its own batch statistics over every axis but the last and
   * records them (kept alive past any enclosing `tf.tidy`) for `commit`.
   */
  train<T extends tf.Tensor>(x: T): T {
    const count = x.size / this.channels;
    if (count < 2) {
      throw new RangeError(
        `BatchNorm: training needs more than 1 value per channel, got input shape [${x.shape.join(', ')}]`,
      );
    }
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    const { mean, variance } = tf.moments(x, axes);
    this.recorded.push({ mean: tf.keep(mean as tf.Tensor1D), variance: tf.keep(variance as tf.Tensor1D), count });
    return tf.batchNorm(x, mean as tf.Tensor1D, variance as tf.Tensor1D, this.beta, this.gamma, this.settings.epsilon) as T;
  }

  /** Normalises with the running statistics (inference mode). */
  infer<T extends tf.Tensor>(x: T): T {
    return tf.batchNorm(x, this.runningMean, this.runningVar, this.beta, this.gamma, this.settings.epsilon) as T;
  }

  /** `scale = γ/√(runningVar + ε)` and `shift = β − runningMean·scale`: inference BN is `x·scale + shift`. */
  foldFactors(): { scale: tf.Tensor1D; shift: tf.Tensor1D } {
    return tf.tidy(() => {
      const scale = tf.mul(this.gamma, tf.rsqrt(tf.add(this.runningVar, this.settings.epsilon))) as tf.Tensor1D;
      const shift = tf.sub(this.beta, tf.mul(this.runningMean, scale)) as tf.Tensor1D;
      return { scale, shift };
    });
  }

  /** The variables whose identity (data) the folded weights depend on. */
  foldSources(): tf.Variable[] {
    return [this.gamma, this.beta, this.runningMean, this.runningVar];
  }

  /** Applies every recorded batch statistic to the running averages, in order, then forgets them. */
  commit(): void {
    const m = this.settings.momentum;
    for (const { mean, variance, count } of this.recorded) {
      tf.tidy(() => {
        this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(mean, m)));
        const unbiased = tf.mul(variance, count / (count - 1));
        this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(unbiased, m)));
      });
      mean.dispose();
      variance.dispose();
    }
    this.recorded = [];
  }

  /** Number of recorded, uncommitted batch statistics. */
  get pending(): number {
    return this.recorded.length;
  }

  /** `{ prefix/gamma, prefix/beta, prefix/runningMean, prefix/runningVar }` (the variables themselves). */
  named(prefix: string): Record<string, tf.Variable> {
    return {
      [`${prefix}/gamma`]: this.gamma,
      [`${prefix}/beta`]: this.beta,
      [`${prefix}/runningMean`]: this.runningMean,
      [`${prefix}/runningVar`]: this.runningVar,
    };
  }

  dispose(): void {
    for (const { mean, variance } of this.recorded) {
      mean.dispose();
      variance.dispose();
    }
    this.recorded = [];
    this.gamma.dispose();
    this.beta.dispose();
    this.runningMean.dispose();
    this.runningVar.dispose();
  }
}
