/**
 * Bad input to the self-supervised trainer and its parts (options, schedule, optimizer, pretext
 * batches, one step, the loss), and aborted runs: each refusal is a typed error naming the function
 * and the argument, and leaks no tensor (an aborted run frees its optimizer state too).
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, StateError } from '../../src/index';
import {
  cosineSchedule,
  createRng,
  crossEntropy,
  linearClassifier,
  makePretextBatch,
  MomentumSGD,
  pretextClasses,
  pretextCopies,
  pretextPixels,
  projectionHead,
  resnet,
  resnetPreset,
  resolveTrainOptions,
  toModelInput,
  trainSelfSupervised,
  trainStep,
  type PretextModel,
} from '../../src/advanced';
import { expectRefusal, type Refusal } from './refusal';

let train: tf.Tensor4D; // [3, 36, 40, 3]: non-square, large enough for patch32
let gray: tf.Tensor4D;
let rank3: tf.Tensor3D;
let int32: tf.Tensor4D;
let nan: tf.Tensor4D;
let boolean: tf.Tensor4D;
let logits: tf.Tensor2D; // [2, 3]
let labels: tf.Tensor1D; // [2]
let label1: tf.Tensor1D; // [1]
let model: PretextModel;

beforeAll(() => {
  train = tf.randomUniform([3, 36, 40, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
  gray = tf.zeros([3, 36, 40, 1]) as tf.Tensor4D;
  rank3 = tf.zeros([36, 40, 3]) as tf.Tensor3D;
  int32 = tf.zeros([3, 36, 40, 3], 'int32') as tf.Tensor4D;
  nan = tf.concat([train, tf.fill([1, 36, 40, 3], NaN)]) as tf.Tensor4D;
  boolean = tf.zeros([1, 36, 40, 3], 'bool') as tf.Tensor4D;
  logits = tf.zeros([2, 3]) as tf.Tensor2D;
  labels = tf.tensor1d([0, 1], 'int32');
  label1 = tf.tensor1d([0], 'int32');
  const encoder = resnet(resnetPreset('patch32'), { seed: 1 });
  const head = projectionHead({ inputDim: encoder.featureDim, widths: [16] }, { seed: 2 });
  const classifier = linearClassifier({ inputDim: 16, classes: 3 }, { seed: 3 });
  model = { encoder, head, classifier };
});
afterAll(() => {
  tf.dispose([train, gray, rank3, int32, nan, boolean, logits, labels, label1]);
  model.encoder.dispose();
  model.head.dispose();
  model.classifier.dispose();
});

const quick = { steps: 2, batchSize: 2 } as const;

describe('the trainer refuses bad input before training', () => {
  const rows: Refusal[] = [
    [
      'a rank-3 tensor',
      () => trainSelfSupervised(model, rank3 as never, quick),
      TypeError,
      /^trainSelfSupervised: images must be a tf\.Tensor4D \[count, height, width, channels\], got rank 3$/,
    ],
    ['int32 images', () => trainSelfSupervised(model, int32, quick), TypeError, /^trainSelfSupervised: images must be float32, got int32$/],
    [
      'gray images for an RGB encoder',
      () => trainSelfSupervised(model, gray, quick),
      RangeError,
      /^trainSelfSupervised: images have 1 channels, the encoder expects 3$/,
    ],
    [
      'a NaN pixel',
      () => trainSelfSupervised(model, nan, quick),
      RangeError,
      new RegExp(`^trainSelfSupervised: images must hold finite pixels, got NaN at index ${3 * 36 * 40 * 3}$`),
    ],
    [
      'a patch larger than the images',
      () => trainSelfSupervised(model, train, { ...quick, level: 'patch', patchSize: 48 }),
      RangeError,
      /^trainSelfSupervised: patchSize \[48, 48\] does not fit images of 36×40$/,
    ],
    [
      '0 steps',
      () => trainSelfSupervised(model, train, { steps: 0 }),
      RangeError,
      /^trainSelfSupervised: option steps must be an integer ≥ 1, got 0$/,
    ],
    [
      'a variant the classifier does not fit',
      () => trainSelfSupervised(model, train, { ...quick, variant: 'binary' }),
      RangeError,
      /^trainSelfSupervised: variant 'binary' needs a classifier with 2 outputs, got 3$/,
    ],
    [
      'a momentum of 1',
      () => resolveTrainOptions({ momentum: 1 }),
      RangeError,
      /^trainSelfSupervised: option momentum must be a number in \[0, 1\), got 1$/,
    ],
    [
      'an unknown level',
      () => resolveTrainOptions({ level: 'pixel' as never }),
      RangeError,
      /^trainSelfSupervised: option level must be 'image' or 'patch', got "pixel"$/,
    ],
    [
      'a NaN learning rate',
      () => resolveTrainOptions({ learningRate: NaN }),
      RangeError,
      /^trainSelfSupervised: option learningRate must be a number in \(0, 10\], got NaN$/,
    ],
    [
      'as many head-only steps as steps',
      () => resolveTrainOptions({ steps: 5, headOnlySteps: 5 }),
      RangeError,
      /^trainSelfSupervised: option headOnlySteps must be an integer in \[0, steps = 5\), got 5$/,
    ],
  ];
  for (const [what, call, kind, message] of rows) {
    it(`refuses ${what} with a ${kind.name}`, async () => {
      await expectRefusal(call, kind, message);
    });
  }
});

describe('the training parts refuse bad arguments', () => {
  const rows: Refusal[] = [
    [
      'a negative learning rate',
      () => cosineSchedule({ learningRate: -1, steps: 1 }),
      RangeError,
      /^cosineSchedule: learningRate must be a finite number > 0, got -1$/,
    ],
    [
      'a schedule of 0 steps',
      () => cosineSchedule({ learningRate: 0.1, steps: 0 }),
      RangeError,
      /^cosineSchedule: steps must be an integer ≥ 1, got 0$/,
    ],
    ['a momentum of 1', () => new MomentumSGD([], { momentum: 1 }), RangeError, /^MomentumSGD: momentum must be in \[0, 1\), got 1$/],
    [
      'an infinite step size',
      () => new MomentumSGD([]).step({}, Infinity),
      RangeError,
      /^MomentumSGD\.step: learningRate must be a finite number ≥ 0, got Infinity$/,
    ],
    [
      'an unknown variant (classes)',
      () => pretextClasses('fourway' as never),
      RangeError,
      /^pretextClasses: variant must be one of binary, scar, 3way, union, got fourway$/,
    ],
    [
      'an unknown variant (copies)',
      () => pretextCopies('' as never),
      RangeError,
      /^pretextCopies: variant must be one of binary, scar, 3way, union, got $/,
    ],
    [
      'an unknown variant (tensor batch)',
      () => makePretextBatch(train, 'fourway' as never, createRng(0)),
      RangeError,
      /^pretextPixels: variant must be one of binary, scar, 3way, union, got fourway$/,
    ],
    [
      'a rank-3 tensor (tensor batch)',
      () => makePretextBatch(rank3 as never, '3way', createRng(0)),
      TypeError,
      /^pixelsFromTensor: images must be a float32 tf\.Tensor4D/,
    ],
    [
      'originals that are not a pixel batch',
      () => pretextPixels({ batch: 1 } as never, '3way', createRng(0)),
      TypeError,
      /^pretextPixels: originals must be a PixelBatch \{ data: Float32Array, batch, height, width, channels \}, got an object with keys batch$/,
    ],
    [
      'logits of another class count',
      () => crossEntropy(logits, labels, 2),
      RangeError,
      /^crossEntropy: classes must equal the logits' columns \(3\), got 2$/,
    ],
    [
      'one label for two rows',
      () => crossEntropy(logits, label1, 3),
      RangeError,
      /^crossEntropy: labels must be a tf\.Tensor1D with one label per row of logits \(2\), got a tensor of shape \[1\]$/,
    ],
    [
      'a model without a head',
      () =>
        trainStep({ encoder: model.encoder } as never, tf.zeros([2, 36, 40, 3]) as tf.Tensor4D, tf.tensor1d([0, 1], 'int32'), {} as never),
      TypeError,
      /^trainStep: model must be \{ encoder, head, classifier \}/,
    ],
    [
      'no variables to train',
      () => trainStep(model, tf.zeros([2, 36, 40, 3]) as tf.Tensor4D, tf.tensor1d([0, 1], 'int32'), { variables: [], classes: 3 } as never),
      RangeError,
      /^trainStep: settings\.variables must be a non-empty array of tf\.Variable/,
    ],
    [
      'labels of another length than the batch',
      () => trainStep(model, tf.zeros([2, 36, 40, 3]) as tf.Tensor4D, tf.tensor1d([0], 'int32'), { variables: [], classes: 3 } as never),
      RangeError,
      /^trainStep: labels must be a tf\.Tensor1D with one label per image \(2\), got a tensor of shape \[1\]$/,
    ],
    [
      'an empty image list',
      () => toModelInput([], [32, 32], 3, 'toModelInput'),
      RangeError,
      /^toModelInput: images is empty; at least one image is required$/,
    ],
    [
      'a bool tensor',
      () => toModelInput(boolean, [32, 32], 3, 'toModelInput'),
      TypeError,
      /^toModelInput: images must be float32 \(values in \[0, 1\]\) or int32 \(0–255\), got bool$/,
    ],
  ];
  for (const [what, call, kind, message] of rows) {
    it(`refuses ${what} with a ${kind.name}`, async () => {
      await expectRefusal(call, kind, message);
    });
  }

  it('refuses an optimizer step after dispose with a StateError', async () => {
    const sgd = new MomentumSGD([]);
    sgd.dispose();
    await expectRefusal(() => sgd.step({}, 0.1), StateError, /^MomentumSGD\.step: the optimizer was disposed$/);
  });
});

describe('an aborted training run', () => {
  it('throws AbortError before the first step when the signal is already aborted, leaking nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    await expectRefusal(
      () => trainSelfSupervised(model, train, { ...quick, signal: controller.signal }),
      AbortError,
      /^training was aborted after 0 of 2 steps$/,
    );
  });

  it('stops between steps when aborted part-way, leaking nothing', async () => {
    const controller = new AbortController();
    const steps: number[] = [];
    const onProgress = ({ step }: { step: number }) => {
      steps.push(step);
      if (step === 1) controller.abort();
    };
    await expectRefusal(
      () => trainSelfSupervised(model, train, { steps: 3, batchSize: 2, signal: controller.signal, onProgress }),
      AbortError,
      /^training was aborted after 1 of 3 steps$/,
    );
    expect(steps).toEqual([1]);
  });
});
