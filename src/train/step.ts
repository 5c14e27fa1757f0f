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
export function trainStep(
  model: PretextModel,
  images: tf.Tensor4D,
  labels: tf.Tensor1D,
  settings: StepSettings,
): [tf.Scalar, tf.Scalar] {
  const { encoder, head, classifier } = model;
  let result: [tf.Scalar, tf.Scalar];
  try {
    result = tf.tidy(() => {
      let logits: tf.Tensor2D | undefined;
      const lossFn = () => {
        const features = encoder.features(images, settings.encoderTrains);
        logits = tf.keep(classifier.apply(head.apply(features, true), true)); // survives variableGrads' scope
        return crossEntropy(logits, labels, settings.classes);
      };
      const { value, grads } = tf.variableGrads(lossFn, settings.variables);
      settings.optimizer.step(grads, settings.learningRate);
      const accuracy = tf.mean(tf.cast(tf.equal(tf.argMax(logits!, 1), labels), 'float32')) as tf.Scalar;
      logits!.dispose();
      return [value, accuracy] as [tf.Scalar, tf.Scalar];
    });
  } finally {
    tf.dispose([images, labels]);
  }
  if (settings.encoderTrains) encoder.commitBatchNormStats();
  head.commitBatchNormStats();
  classifier.commitBatchNormStats();
  return result;
}

/**
 * Mean softmax cross-entropy of integer `labels` under `logits` [batch, classes], as
 * `logSumExp(logits) − logits[label]` (tf.losses.softmaxCrossEntropy trips tfjs's leak check under a
 * gradient tape, and wasm's float32 OneHot is wrong in 4.22: the one-hot stays int32, then is cast).
 */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, classes: number): tf.Scalar {
  const oneHot = tf.cast(tf.oneHot(labels, classes), 'float32');
  const picked = tf.sum(tf.mul(oneHot, logits), 1);
  return tf.mean(tf.sub(tf.logSumExp(logits, 1), picked)) as tf.Scalar;
}
