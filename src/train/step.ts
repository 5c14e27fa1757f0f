import { describeValue } from '../math/validate';
import * as tf from '@tensorflow/tfjs-core';
import type { Encoder, Head } from '../models/types';
import type { MomentumSGD } from './sgd';

/** The networks stage 1 trains: encoder → projection head → linear classifier. */
export interface PretextModel {
  encoder: Encoder;
  head: Head;
  classifier: Head;
}

/** What one step needs besides the batch. */
export interface StepSettings {
  /** The variables the optimizer updates. */
  variables: tf.Variable[];
  optimizer: MomentumSGD;
  learningRate: number;
  classes: number;
  /** Whether the encoder runs in training mode (batch statistics); false while it is frozen. */
  encoderTrains: boolean;
}

/**
 * One optimisation step of the pretext classifier on `images` with integer `labels`: forward,
 * softmax cross-entropy, gradients, optimizer update, then the BatchNorm running statistics. Disposes
 * `images` and `labels` (also on failure). Returns the loss and the batch accuracy as scalar tensors
 * owned by the caller (read them asynchronously to keep the backend busy).
 */
export function trainStep(model: PretextModel, images: tf.Tensor4D, labels: tf.Tensor1D, settings: StepSettings): [tf.Scalar, tf.Scalar] {
  let result: [tf.Scalar, tf.Scalar];
  try {
    checkStep(model, images, labels, settings);
    const { encoder, head, classifier } = model;
    result = tf.tidy(() => {
      const { loss, accuracy, grads } = stepGradients({ encoder, head, classifier }, images, labels, settings);
      settings.optimizer.step(grads, settings.learningRate);
      return [loss, accuracy] as [tf.Scalar, tf.Scalar];
    });
  } finally {
    tf.dispose([images, labels]);
  }
  if (settings.encoderTrains) model.encoder.commitBatchNormStats();
  model.head.commitBatchNormStats();
  model.classifier.commitBatchNormStats();
  return result;
}

/** What `stepGradients` needs besides the batch: `StepSettings` without the optimizer. */
export type GradientSettings = Pick<StepSettings, 'variables' | 'classes' | 'encoderTrains'>;

/** The loss, the batch accuracy and the gradient of every trained variable for one batch. */
export interface StepGradients {
  /** Mean cross-entropy of the batch. */
  loss: tf.Scalar;
  /** Fraction of the batch classified correctly, in [0, 1]. */
  accuracy: tf.Scalar;
  /** Gradient of `loss` for each of `settings.variables`, by variable name. */
  grads: tf.NamedTensorMap;
}

/**
 * The first half of a training step: forward, softmax cross-entropy and the gradients of the loss for
 * `settings.variables`, without updating anything (data-parallel training averages several batches'
 * gradients before one update). BatchNorm layers in training mode record their batch statistics, to
 * be committed by the caller. Neither input is disposed; every returned tensor belongs to the caller.
 *
 * @param images `[batch, height, width, channels]` float32 in [0, 1].
 * @param labels `[batch]` int32 class labels.
 * @example
 * const { loss, accuracy, grads } = tf.tidy(() => stepGradients(model, images, labels, { variables, classes: 3, encoderTrains: true }));
 */
export function stepGradients(model: PretextModel, images: tf.Tensor4D, labels: tf.Tensor1D, settings: GradientSettings): StepGradients {
  const { encoder, head, classifier } = model;
  return tf.tidy(() => {
    let logits: tf.Tensor2D | undefined;
    const lossFn = () => {
      const features = encoder.features(images, settings.encoderTrains);
      logits = tf.keep(classifier.apply(head.apply(features, true), true)); // survives variableGrads' scope
      return crossEntropy(logits, labels, settings.classes);
    };
    const { value, grads } = tf.variableGrads(lossFn, settings.variables);
    const accuracy = tf.mean(tf.cast(tf.equal(tf.argMax(logits!, 1), labels), 'float32')) as tf.Scalar;
    logits!.dispose();
    return { loss: value, accuracy, grads };
  });
}

/**
 * Mean softmax cross-entropy of integer `labels` under `logits` [batch, classes], as
 * `logSumExp(logits) − logits[label]` (tf.losses.softmaxCrossEntropy trips tfjs's leak check under a
 * gradient tape, and wasm's float32 OneHot is wrong in 4.22: the one-hot stays int32, then is cast).
 */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, classes: number): tf.Scalar {
  const fn = 'crossEntropy';
  if (!(logits instanceof tf.Tensor) || logits.rank !== 2)
    throw new TypeError(`${fn}: logits must be a tf.Tensor2D [batch, classes], got ${shapeOf(logits)}`);
  if (!(labels instanceof tf.Tensor) || labels.rank !== 1 || labels.shape[0] !== logits.shape[0]) {
    throw new RangeError(
      `${fn}: labels must be a tf.Tensor1D with one label per row of logits (${logits.shape[0]}), got ${shapeOf(labels)}`,
    );
  }
  if (classes !== logits.shape[1])
    throw new RangeError(`${fn}: classes must equal the logits' columns (${logits.shape[1]}), got ${classes}`);
  const oneHot = tf.cast(tf.oneHot(labels, classes), 'float32');
  const picked = tf.sum(tf.mul(oneHot, logits), 1);
  return tf.mean(tf.sub(tf.logSumExp(logits, 1), picked)) as tf.Scalar;
}

function checkStep(model: PretextModel, images: tf.Tensor4D, labels: tf.Tensor1D, settings: StepSettings): void {
  const fn = 'trainStep';
  if (!model?.encoder || !model.head || !model.classifier)
    throw new TypeError(`${fn}: model must be { encoder, head, classifier }, got ${describeValue(model)}`);
  if (!(images instanceof tf.Tensor) || images.rank !== 4) {
    throw new TypeError(`${fn}: images must be a tf.Tensor4D [batch, height, width, channels], got ${shapeOf(images)}`);
  }
  if (!(labels instanceof tf.Tensor) || labels.rank !== 1 || labels.shape[0] !== images.shape[0]) {
    throw new RangeError(`${fn}: labels must be a tf.Tensor1D with one label per image (${images.shape[0]}), got ${shapeOf(labels)}`);
  }
  if (!Array.isArray(settings?.variables) || settings.variables.length === 0) {
    throw new RangeError(`${fn}: settings.variables must be a non-empty array of tf.Variable (the weights to train)`);
  }
  if (settings.classes !== model.classifier.outputDim) {
    throw new RangeError(
      `${fn}: settings.classes must equal the classifier's outputs (${model.classifier.outputDim}), got ${settings.classes}`,
    );
  }
}

function shapeOf(value: unknown): string {
  return value instanceof tf.Tensor ? `a tensor of shape [${(value as tf.Tensor).shape.join(', ')}]` : describeValue(value);
}
