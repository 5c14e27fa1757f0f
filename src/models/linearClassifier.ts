import * as tf from '@tensorflow/tfjs-core';
import { StateError } from '../errors';
import { createRng } from '../math/random';
import { Dense } from './dense';
import { assignWeights, snapshotWeights } from './namedWeights';
import { checkInput, type HeadOptions } from './projectionHead';
import type { Head } from './types';

/** Architecture of a linear classifier (what `toConfig()` returns). */
export interface LinearClassifierConfig {
  /** Length of the input vectors (the projection head's `outputDim`). Required. */
  inputDim: number;
  /** Number of classes: 2 (binary, union), 3 (3-way) or more. Required. */
  classes: number;
}

/**
 * A linear classifier `x·kernel + bias` giving logits (no softmax), PyTorch's default initialisation.
 * Input `[batch, inputDim]`, output `[batch, classes]`. Weight names `<scope>/kernel` (`[inputDim,
 * classes]`) and `<scope>/bias`; default scope `'classifier'`.
 * @throws RangeError naming the field for an invalid config.
 * @example
 * const classifier = linearClassifier({ inputDim: 128, classes: 3 }, { seed: 1 });
 * const logits = classifier.apply(head.apply(encoder.features(x, true), true), true); // [batch, 3]
 */
export function linearClassifier(config: LinearClassifierConfig, options: HeadOptions = {}): Head {
  if (config === null || typeof config !== 'object') {
    throw new TypeError(`linearClassifier: config must be an object, got ${String(config)}`);
  }
  const { inputDim, classes } = config;
  if (!(Number.isInteger(inputDim) && inputDim > 0)) {
    throw new RangeError(`linearClassifier: config.inputDim must be a positive integer, got ${JSON.stringify(inputDim)}`);
  }
  if (!(Number.isInteger(classes) && classes >= 2)) {
    throw new RangeError(`linearClassifier: config.classes must be an integer ≥ 2 (2: binary, 3: 3-way), got ${JSON.stringify(classes)}`);
  }
  return new Linear(inputDim, classes, options);
}

class Linear implements Head {
  private readonly layer: Dense;
  private readonly variables: Record<string, tf.Variable>;
  private disposed = false;

  constructor(
    readonly inputDim: number,
    readonly outputDim: number,
    options: HeadOptions,
  ) {
    this.layer = new Dense(inputDim, outputDim, options.rng ?? createRng(options.seed ?? 0), null, false);
    this.variables = this.layer.named(options.scope ?? 'classifier');
  }

  private assertUsable(): void {
    if (this.disposed) throw new StateError('linearClassifier: the classifier was disposed');
  }

  apply(x: tf.Tensor2D, training: boolean): tf.Tensor2D {
    this.assertUsable();
    checkInput('linearClassifier', x, this.inputDim);
    return this.layer.apply(x, training || tf.engine().isTapeOn() ? 'eval' : 'folded');
  }

  trainableVariables(): tf.Variable[] {
    this.assertUsable();
    return this.layer.trainableVariables();
  }

  commitBatchNormStats(): void {}

  getWeights(): tf.NamedTensorMap {
    this.assertUsable();
    return snapshotWeights(this.variables);
  }

  setWeights(weights: tf.NamedTensorMap): void {
    this.assertUsable();
    assignWeights('linearClassifier.setWeights', this.variables, weights);
  }

  toConfig(): LinearClassifierConfig {
    return { inputDim: this.inputDim, classes: this.outputDim };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.layer.dispose();
  }
}
