import * as tf from '@tensorflow/tfjs-core';
import { StateError } from '../errors';

/** Settings of `MomentumSGD`. */
export interface MomentumSGDOptions {
  /** Momentum factor (default 0.9, the paper's). */
  momentum?: number;
  /** L2 weight decay added to each gradient (default 3e-5, the paper's). */
  weightDecay?: number;
}

/**
 * Stochastic gradient descent with momentum and weight decay, exactly as torch's `optim.SGD`
 * (dampening 0, not Nesterov): `g ← grad + wd·p; buf ← m·buf + g; p ← p − lr·buf`.
 * The learning rate is passed at each step so any schedule can drive it.
 *
 * Owns one momentum buffer per variable: call `dispose()` when done.
 *
 * @example
 * const sgd = new MomentumSGD(vars, { momentum: 0.9, weightDecay: 3e-5 });
 * const { grads } = tf.variableGrads(loss, vars);
 * sgd.step(grads, 0.03);
 * tf.dispose(grads);
 */
export class MomentumSGD {
  readonly momentum: number;
  readonly weightDecay: number;
  private readonly buffers = new Map<string, tf.Variable>();
  private disposed = false;

  constructor(
    private readonly variables: readonly tf.Variable[],
    options: MomentumSGDOptions = {},
  ) {
    this.momentum = options.momentum ?? 0.9;
    this.weightDecay = options.weightDecay ?? 3e-5;
    if (!(this.momentum >= 0 && this.momentum < 1)) {
      throw new RangeError(`MomentumSGD: momentum must be in [0, 1), got ${this.momentum}`);
    }
    if (!(this.weightDecay >= 0 && Number.isFinite(this.weightDecay))) {
      throw new RangeError(`MomentumSGD: weightDecay must be a finite number ≥ 0, got ${this.weightDecay}`);
    }
    for (const v of variables) {
      const zeros = tf.zerosLike(v);
      this.buffers.set(v.name, tf.variable(zeros, false, `${v.name}/momentum_${uniqueId()}`));
      zeros.dispose(); // the variable holds its own reference to the data
    }
  }

  /**
   * Applies one update. `grads` maps variable names to gradients (as `tf.variableGrads` returns);
   * variables without a gradient are left alone. The caller keeps ownership of `grads`.
   */
  step(grads: tf.NamedTensorMap, learningRate: number): void {
    if (this.disposed) throw new StateError('MomentumSGD.step: the optimizer was disposed');
    if (!(Number.isFinite(learningRate) && learningRate >= 0)) {
      throw new RangeError(`MomentumSGD.step: learningRate must be a finite number ≥ 0, got ${learningRate}`);
    }
    tf.tidy(() => {
      const lr = tf.scalar(learningRate);
      const m = tf.scalar(this.momentum);
      const wd = tf.scalar(this.weightDecay);
      for (const v of this.variables) {
        const grad = grads[v.name];
        if (!grad) continue;
        const buffer = this.buffers.get(v.name)!;
        const g = this.weightDecay > 0 ? tf.add(grad, tf.mul(wd, v)) : grad;
        const next = tf.add(tf.mul(m, buffer), g);
        buffer.assign(next);
        v.assign(tf.sub(v, tf.mul(lr, next)));
      }
    });
  }

  /** Frees the momentum buffers. */
  dispose(): void {
    if (this.disposed) return;
    for (const b of this.buffers.values()) b.dispose();
    this.buffers.clear();
    this.disposed = true;
  }
}

let counter = 0;
function uniqueId(): number {
  return counter++;
}
