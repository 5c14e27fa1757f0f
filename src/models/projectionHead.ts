import * as tf from '@tensorflow/tfjs-core';
import { StateError } from '../errors';
import { createRng, type Rng } from '../math/random';
import { DEFAULT_BATCH_NORM, type BatchNormSettings } from './batchNorm';
import { Dense } from './dense';
import { assignWeights, snapshotWeights } from './namedWeights';
import type { Head } from './types';

/** Architecture of a projection head (what `toConfig()` returns; `projectionHead(config)` rebuilds it). */
export interface ProjectionHeadConfig {
  /** Length of the input vectors (the encoder's `featureDim`). Required. */
  inputDim: number;
  /**
   * Output size of each layer, the last one being the head's output. Default `[512, 128]`: with a
   * 512-d encoder that is the common "[512, 512, 128]" head of CutPaste ports (input, hidden, output).
   */
  widths?: readonly number[];
  /** BatchNorm1d settings of the hidden layers. Default `{ momentum: 0.1, epsilon: 1e-5 }`. */
  batchNorm?: Partial<BatchNormSettings>;
}

/** Options of `projectionHead()` that are not part of the architecture. */
export interface HeadOptions {
  /** Seed of the initialisation (ignored when `rng` is given). Default 0. */
  seed?: number | string;
  /** Random source for the initialisation; overrides `seed`. */
  rng?: Rng;
  /** Prefix of every weight name. Default `'head'` (projection head) or `'classifier'`. */
  scope?: string;
}

/** A projection head with its resolved architecture. */
export interface ProjectionHead extends Head {
  toConfig(): Required<Omit<ProjectionHeadConfig, 'batchNorm'>> & { batchNorm: BatchNormSettings };
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

/**
 * The MLP projection head of CutPaste: each hidden layer is Linear → BatchNorm1d → ReLU, the last
 * layer a plain Linear. Linear weights use PyTorch's default initialisation, BatchNorm γ = 1, β = 0.
 * Inference folds each BatchNorm into its Linear (one fused matMul per layer).
 *
 * Input `[batch, inputDim]`, output `[batch, widths.at(-1)]`. Weight names:
 * `<scope>/layer<i>/kernel` (`[in, out]`), `…/bias`, and `…/bn/{gamma,beta,runningMean,runningVar}`.
 * @throws RangeError naming the field for an invalid config.
 * @example
 * const head = projectionHead({ inputDim: 512 }, { seed: 1 }); // 512 → 512 → 128
 * const z = head.apply(features, true);                       // [batch, 128]
 */
export function projectionHead(config: ProjectionHeadConfig, options: HeadOptions = {}): ProjectionHead {
  if (config === null || typeof config !== 'object') {
    throw new TypeError(`projectionHead: config must be an object, got ${String(config)}`);
  }
  const { inputDim } = config;
  if (!isPositiveInt(inputDim))
    throw new RangeError(`projectionHead: config.inputDim must be a positive integer, got ${JSON.stringify(inputDim)}`);
  const widths = config.widths ?? [512, 128];
  if (!Array.isArray(widths) || widths.length === 0 || !widths.every(isPositiveInt)) {
    throw new RangeError(`projectionHead: config.widths must be a non-empty array of positive integers, got ${JSON.stringify(widths)}`);
  }
  const momentum = config.batchNorm?.momentum ?? DEFAULT_BATCH_NORM.momentum;
  const epsilon = config.batchNorm?.epsilon ?? DEFAULT_BATCH_NORM.epsilon;
  if (!(momentum > 0 && momentum <= 1))
    throw new RangeError(`projectionHead: config.batchNorm.momentum must be in (0, 1], got ${momentum}`);
  if (!(epsilon > 0 && Number.isFinite(epsilon)))
    throw new RangeError(`projectionHead: config.batchNorm.epsilon must be a positive number, got ${epsilon}`);
  return new Mlp(inputDim, [...widths], { momentum, epsilon }, options);
}

class Mlp implements ProjectionHead {
  readonly outputDim: number;
  private readonly layers: Dense[] = [];
  private readonly variables: Record<string, tf.Variable> = {};
  private readonly scope: string;
  private disposed = false;

  constructor(
    readonly inputDim: number,
    private readonly widths: number[],
    private readonly batchNorm: BatchNormSettings,
    options: HeadOptions,
  ) {
    const rng = options.rng ?? createRng(options.seed ?? 0);
    this.scope = options.scope ?? 'head';
    this.outputDim = widths[widths.length - 1]!;
    let inDim = inputDim;
    widths.forEach((w, i) => {
      const last = i === widths.length - 1;
      const layer = new Dense(inDim, w, rng, last ? null : batchNorm, !last);
      this.layers.push(layer);
      Object.assign(this.variables, layer.named(`${this.scope}/layer${i}`));
      inDim = w;
    });
  }

  private assertUsable(): void {
    if (this.disposed) throw new StateError('projectionHead: the head was disposed');
  }

  apply(x: tf.Tensor2D, training: boolean): tf.Tensor2D {
    this.assertUsable();
    checkInput('projectionHead', x, this.inputDim);
    const mode = training ? 'train' : tf.engine().isTapeOn() ? 'eval' : 'folded';
    return tf.tidy(() => this.layers.reduce((h, layer) => layer.apply(h, mode), x));
  }

  trainableVariables(): tf.Variable[] {
    this.assertUsable();
    return this.layers.flatMap((l) => l.trainableVariables());
  }

  commitBatchNormStats(): void {
    this.assertUsable();
    for (const l of this.layers) l.bn?.commit();
  }

  getWeights(): tf.NamedTensorMap {
    this.assertUsable();
    return snapshotWeights(this.variables);
  }

  setWeights(weights: tf.NamedTensorMap): void {
    this.assertUsable();
    assignWeights('projectionHead.setWeights', this.variables, weights);
  }

  toConfig() {
    return { inputDim: this.inputDim, widths: [...this.widths], batchNorm: { ...this.batchNorm } };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const l of this.layers) l.dispose();
  }
}

/** Throws unless `x` is a float32 `[batch, inputDim]` tensor. */
export function checkInput(owner: string, x: tf.Tensor, inputDim: number): void {
  if (!(x instanceof tf.Tensor) || x.rank !== 2) {
    const got = x instanceof tf.Tensor ? `rank ${x.rank}` : String(x);
    throw new TypeError(`${owner}: x must be a [batch, ${inputDim}] tensor, got ${got}`);
  }
  if (x.shape[1] !== inputDim) throw new RangeError(`${owner}: x must have ${inputDim} columns, got ${x.shape[1]}`);
  if (x.dtype !== 'float32') throw new TypeError(`${owner}: x must be float32, got ${x.dtype}`);
}
