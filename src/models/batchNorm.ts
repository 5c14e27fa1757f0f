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
      throw new RangeError(`BatchNorm: training needs more than 1 value per channel, got input shape [${x.shape.join(', ')}]`);
    }
    return batchNormTraining(x, this.gamma, this.beta, this.settings.epsilon, (mean, variance) => {
      this.recorded.push({ mean: tf.keep(mean), variance: tf.keep(variance), count });
    });
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

/**
 * Training-mode batch normalisation over every axis but the last, with a hand-written gradient:
 * `dx = γ/σ · (dy − mean(dy) − x̂·mean(dy·x̂))`, `dγ = Σ dy·x̂`, `dβ = Σ dy`, all with per-channel
 * vectors broadcast. tfjs's own gradient of `batchNorm` + `moments` tiles the statistics to the full
 * input shape several times (a third of a training step on wasm); this one needs no tile. The batch
 * mean and biased variance are handed to `record` (e.g. to update running averages).
 */
export function batchNormTraining<T extends tf.Tensor>(
  x: T,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
  record: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void,
): T {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  // The statistics are computed outside the custom op, so for the gradient tape they lead nowhere
  // (nothing flows back through them twice); the op receives them through its closure and saves what
  // the backward pass needs.
  const { mean, variance } = tf.moments(x, axes);
  record(mean as tf.Tensor1D, variance as tf.Tensor1D);
  const invStd = tf.rsqrt(tf.add(variance, epsilon)) as tf.Tensor1D;
  const forward = (input: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    // tidy: only what is returned or saved may outlive the op's scope (tfjs's leak check in test mode).
    const [normalized, value] = tf.tidy((): [tf.Tensor, tf.Tensor] => {
      const xhat = tf.mul(tf.sub(input, mean), invStd);
      return [xhat, tf.add(tf.mul(xhat, g), b)];
    });
    save([normalized, g, invStd]); // saved, not closed over: a caller's tidy may free invStd before backprop
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xhat, gm, inv] = saved as [tf.Tensor, tf.Tensor1D, tf.Tensor1D];
        const dBeta = tf.sum(dy, axes);
        const dGamma = tf.sum(tf.mul(dy, xhat), axes);
        const n = dy.size / dBeta.size;
        const centred = tf.sub(tf.sub(dy, tf.div(dBeta, n)), tf.mul(xhat, tf.div(dGamma, n)));
        return [tf.mul(centred, tf.mul(gm, inv)), dGamma, dBeta];
      },
    };
  };
  const op = tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x, gamma, beta) as T;
}
