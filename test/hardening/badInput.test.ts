/**
 * Bad input, tried systematically on the tensor functions below the detector: the augmentations
 * (every image op × every malformed batch, then each op's options), patch extraction, the encoders and
 * heads, and the self-supervised trainer. Every row must throw a typed error whose message names the
 * function and the argument, and leak no tensor. The detector's table is in detectorBadInput.test.ts,
 * model folders in modelFolder.test.ts; docs/errors.md lists them all.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { StateError } from '../../src/index';
import {
  colorJitter,
  createRng,
  cutout,
  cutoutWithMask,
  cutPaste,
  cutPasteScar,
  cutPasteScarWithMask,
  cutPasteWithMask,
  extractPatches,
  linearClassifier,
  pixelsFromTensor,
  pretrainedEncoder,
  projectionHead,
  randomCrops,
  randomTranslate,
  registerKernelFills,
  resnet,
  resnetPreset,
  scar,
  scarWithMask,
  tensorFromPixels,
  type PretextModel,
} from '../../src/advanced';
import { expectRefusal, type Refusal } from './refusal';

const H = 20; // non-square everywhere
const W = 24;
const rng = () => createRng(1);

let x: tf.Tensor4D; // [2, 20, 24, 3] float32
let rank3: tf.Tensor3D;
let int32: tf.Tensor4D;
let channels4: tf.Tensor4D;
let empty: tf.Tensor4D;
let nan: tf.Tensor4D;
let infinity: tf.Tensor4D;
let features5: tf.Tensor2D; // [2, 5]
let features8: tf.Tensor2D; // [1, 8]
let train: tf.Tensor4D; // [3, 36, 40, 3]: large enough for patch32
let model: PretextModel;
let layers: tfl.LayersModel;

beforeAll(() => {
  x = tf.fill([2, H, W, 3], 0.5) as tf.Tensor4D;
  rank3 = tf.zeros([H, W, 3]) as tf.Tensor3D;
  int32 = tf.zeros([1, H, W, 3], 'int32') as tf.Tensor4D;
  channels4 = tf.zeros([1, H, W, 4]) as tf.Tensor4D;
  empty = tf.zeros([0, H, W, 3]) as tf.Tensor4D;
  nan = tf.fill([1, H, W, 3], NaN) as tf.Tensor4D;
  infinity = tf.concat([tf.zeros([1, H, W, 3]), tf.fill([1, H, W, 3], Infinity)]) as tf.Tensor4D;
  features5 = tf.zeros([2, 5]) as tf.Tensor2D;
  features8 = tf.zeros([1, 8]) as tf.Tensor2D;
  train = tf.randomUniform([3, 36, 40, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
  const encoder = resnet(resnetPreset('patch32'), { seed: 1 });
  const head = projectionHead({ inputDim: encoder.featureDim, widths: [16] }, { seed: 2 });
  const classifier = linearClassifier({ inputDim: 16, classes: 3 }, { seed: 3 });
  model = { encoder, head, classifier };
  const input = tfl.input({ shape: [12, 16, 3], name: 'image' });
  const conv = tfl.layers.conv2d({ filters: 4, kernelSize: 3, name: 'conv' }).apply(input) as tfl.SymbolicTensor;
  layers = tfl.model({ inputs: input, outputs: conv, name: 'tiny' });
});
afterAll(() => {
  tf.dispose([x, rank3, int32, channels4, empty, nan, infinity, features5, features8, train]);
  model.encoder.dispose();
  model.head.dispose();
  model.classifier.dispose();
  layers.dispose();
});

const run = (rows: Refusal[]) => {
  for (const [what, call, kind, message] of rows) {
    it(`refuses ${what} with a ${kind.name}`, async () => {
      await expectRefusal(call, kind, message);
    });
  }
};

// Every augmentation that takes a batch, called with each malformed batch.
const imageOps: [op: string, call: (images: tf.Tensor4D) => unknown][] = [
  ['cutPaste', (i) => cutPaste(i, { rng: rng() })],
  ['cutPasteWithMask', (i) => cutPasteWithMask(i, { rng: rng() })],
  ['cutPasteScar', (i) => cutPasteScar(i, { rng: rng() })],
  ['cutPasteScarWithMask', (i) => cutPasteScarWithMask(i, { rng: rng() })],
  ['cutout', (i) => cutout(i, { rng: rng() })],
  ['cutoutWithMask', (i) => cutoutWithMask(i, { rng: rng() })],
  ['scar', (i) => scar(i, { rng: rng() })],
  ['scarWithMask', (i) => scarWithMask(i, { rng: rng() })],
  ['colorJitter', (i) => colorJitter(i, { brightness: 0.1, rng: rng() })],
  ['randomTranslate', (i) => randomTranslate(i, { maxShift: 0.1, rng: rng() })],
  ['randomCrops', (i) => randomCrops(i, 8, rng())],
];
const badBatches: [what: string, images: () => unknown, kind: Refusal[2], message: string][] = [
  ['a rank-3 tensor', () => rank3, RangeError, 'images must have rank 4 \\[batch, height, width, channels\\], got shape \\[20, 24, 3\\]$'],
  ['an int32 tensor', () => int32, TypeError, 'images must be float32 \\(values in \\[0, 1\\]\\), got int32$'],
  ['4 channels', () => channels4, RangeError, 'images must have 1 or 3 channels, got 4 \\(shape \\[1, 20, 24, 4\\]\\)$'],
  ['an empty batch', () => empty, RangeError, 'images must not be empty, got shape \\[0, 20, 24, 3\\]$'],
  ['a plain array', () => [[0.5]], TypeError, 'images must be a tf.Tensor4D \\[batch, height, width, channels\\], got \\[\\[0.5\\]\\]$'],
  ['NaN pixels', () => nan, RangeError, 'images must hold finite pixels, got NaN at index 0$'],
  ['an infinite pixel', () => infinity, RangeError, `images must hold finite pixels, got Infinity at index ${H * W * 3}$`],
];

describe('the augmentations refuse malformed batches', () => {
  run(
    imageOps.flatMap(([op, call]) =>
      badBatches.map(([what, images, kind, message]): Refusal => [
        `${what} (${op})`,
        () => call(images() as tf.Tensor4D),
        kind,
        new RegExp(`^${op}: ${message}`),
      ]),
    ),
  );
});

describe('the augmentations refuse options out of range', () => {
  run([
    [
      'a reversed area range',
      () => cutPaste(x, { area: [0.5, 0.1] }),
      RangeError,
      /^cutPaste: options\.area must be \[min, max\] with 0 < min ≤ max ≤ 1, got \[0\.5, 0\.1\]$/,
    ],
    [
      'an unknown option',
      () => cutPaste(x, { areas: [0.1, 0.2] } as never),
      TypeError,
      /^cutPaste: unknown option "areas"; allowed: area, aspect, jitter, centre, rng$/,
    ],
    [
      'an rng that is not a function',
      () => cutPaste(x, { rng: 3 as never }),
      TypeError,
      /^cutPaste: options\.rng must be a function returning numbers in \[0, 1\), got 3$/,
    ],
    [
      'a jitter above 0.5',
      () => cutPaste(x, { jitter: 2 }),
      RangeError,
      /^cutPaste: options\.jitter must be a number in \[0, 0\.5\], got 2$/,
    ],
    ['options that are not an object', () => cutPasteScar(x, 5 as never), TypeError, /^cutPasteScar: options must be an object, got 5$/],
    [
      'a scar width of 0',
      () => scar(x, { width: [0, 10] }),
      RangeError,
      /^scar: options\.width must be \[min, max\] with 0 < min ≤ max < Infinity, got \[0, 10\]$/,
    ],
    [
      'a cutout area above 1',
      () => cutout(x, { area: [2, 3] }),
      RangeError,
      /^cutout: options\.area must be \[min, max\] with 0 < min ≤ max ≤ 1, got \[2, 3\]$/,
    ],
    [
      'a brightness of 5',
      () => colorJitter(x, { brightness: 5 }),
      RangeError,
      /^colorJitter: options\.brightness must be a number in \[0, 1\], got 5$/,
    ],
    [
      'a shift of a whole image',
      () => randomTranslate(x, { maxShift: 1 }),
      RangeError,
      /^randomTranslate: options\.maxShift must be a number in \[0, 1\), got 1$/,
    ],
    [
      'a crop larger than the images',
      () => randomCrops(x, 64, rng()),
      RangeError,
      /^randomCrops: size \[64, 64\] must fit in the images \(height 20, width 24\)$/,
    ],
    [
      'a crop of size 0',
      () => randomCrops(x, 0, rng()),
      RangeError,
      /^randomCrops: size must be a positive integer or \[height, width\] of positive integers, got 0$/,
    ],
    [
      'a missing rng',
      () => randomCrops(x, 8, undefined as never),
      TypeError,
      /^randomCrops: rng must be a function returning numbers in \[0, 1\), got undefined$/,
    ],
  ]);
});

describe('patch extraction and pixel transfers refuse bad shapes', () => {
  run([
    [
      'a patch larger than the image',
      () => extractPatches(rank3, 32, 4),
      RangeError,
      /^extractPatches: size \[32, 32\] must fit in the image \(height 20, width 24\)$/,
    ],
    [
      'a stride of 0',
      () => extractPatches(rank3, 8, 0),
      RangeError,
      /^extractPatches: stride must be a positive integer or \[height, width\] of positive integers, got 0$/,
    ],
    [
      'a batch of two images',
      () => extractPatches(x, 8, 4),
      RangeError,
      /^extractPatches: image must be \[height, width, channels\] or \[1, height, width, channels\], got shape \[2, 20, 24, 3\]$/,
    ],
    ['an int32 image', () => extractPatches(int32, 8, 4), TypeError, /^extractPatches: image must be float32, got int32$/],
    ['an array instead of a tensor', () => extractPatches([1] as never, 8, 4), TypeError, /^extractPatches: image must be a tf\.Tensor3D/],
    [
      'a rank-3 tensor to download',
      () => pixelsFromTensor(rank3 as never),
      TypeError,
      /^pixelsFromTensor: images must be a float32 tf\.Tensor4D \[batch, height, width, channels\], got a float32 tensor of shape \[20, 24, 3\]$/,
    ],
    [
      'an empty tensor to download',
      () => pixelsFromTensor(empty),
      RangeError,
      /^pixelsFromTensor: images must not be empty, got shape \[0, 20, 24, 3\]$/,
    ],
    [
      'pixels of the wrong length to upload',
      () => tensorFromPixels({ data: new Float32Array(3), batch: 1, height: 2, width: 2, channels: 1 }),
      RangeError,
      /^tensorFromPixels: pixels\.data must have length batch · height · width · channels = 4, got 3$/,
    ],
    [
      'no pixel batch to upload',
      () => tensorFromPixels(null as never),
      TypeError,
      /^tensorFromPixels: pixels must be a PixelBatch \{ data: Float32Array, batch, height, width, channels \}, got null$/,
    ],
    [
      'an empty backend name',
      () => registerKernelFills(''),
      TypeError,
      /^registerKernelFills: backendName must be a non-empty string, got $/,
    ],
  ]);
});

describe('the encoders and heads refuse bad configs and inputs, and use after dispose', () => {
  run([
    [
      'a stage without blocks',
      () => resnet({ blocks: [0] } as never),
      RangeError,
      /^resnet: config\.blocks must be a non-empty array of positive integers, got \[0\]$/,
    ],
    ['a config that is not an object', () => resnet(null as never), TypeError, /^resnet: config must be an object, got null$/],
    [
      'an unknown preset',
      () => resnetPreset('resnet50' as never),
      RangeError,
      /^resnetPreset: name must be one of 'resnet18', 'resnet18-slim', 'patch16', 'patch32', 'patch48', 'patch64', got "resnet50"$/,
    ],
    [
      'a rank-3 batch',
      () => model.encoder.features(rank3 as never, false),
      TypeError,
      /^patch32: images must be a \[batch, height, width, channels\] tensor, got rank 3$/,
    ],
    ['4 channels', () => model.encoder.features(channels4, false), RangeError, /^patch32: images must have 3 channel\(s\), got 4$/],
    ['int32 pixels', () => model.encoder.features(int32, false), TypeError, /^patch32: images must be float32, got int32$/],
    [
      'images smaller than the receptive field',
      () => model.encoder.features(x, false),
      RangeError,
      /^patch32: images of 20×24 px are too small for this network \(padding 'valid' needs at least 32 px\)$/,
    ],
    [
      'weights without their names',
      () => model.encoder.setWeights({}),
      RangeError,
      /^patch32\.setWeights: weight "encoder\/conv1\/kernel" is missing \(expected shape \[3, 3, 3, 32\]\)$/,
    ],
    [
      'a head input of 0 features',
      () => projectionHead({ inputDim: 0, widths: [4] }),
      RangeError,
      /^projectionHead: config\.inputDim must be a positive integer, got 0$/,
    ],
    [
      'a head config that is not an object',
      () => projectionHead(null as never),
      TypeError,
      /^projectionHead: config must be an object, got null$/,
    ],
    [
      'head input of the wrong width',
      () => model.head.apply(features5, false),
      RangeError,
      /^projectionHead: x must have 128 columns, got 5$/,
    ],
    [
      'a classifier with one class',
      () => linearClassifier({ inputDim: 4, classes: 1 }),
      RangeError,
      /^linearClassifier: config\.classes must be an integer ≥ 2 \(2: binary, 3: 3-way\), got 1$/,
    ],
    [
      'a model that is neither a LayersModel nor a GraphModel',
      () => pretrainedEncoder({} as never),
      TypeError,
      /^pretrainedEncoder: model must be a tf\.LayersModel or a GraphModel, got \[object Object\]$/,
    ],
    [
      'a feature node that is not a layer',
      () => pretrainedEncoder(layers, { featureNode: 'nope' }),
      TypeError,
      /^pretrainedEncoder: options\.featureNode "nope" is not a layer of the model; layers: image, conv$/,
    ],
    [
      '1 input channel for a 3-channel model',
      () => pretrainedEncoder(layers, { inputChannels: 1 }),
      RangeError,
      /^pretrainedEncoder: options\.inputChannels is 1 but the model takes 3$/,
    ],
    [
      'a zero standard deviation',
      () => pretrainedEncoder(layers, { preprocess: { mean: [0.5, 0.5, 0.5], std: [1, 0, 1] } }),
      RangeError,
      /^pretrainedEncoder: options\.preprocess\.std must be positive, got \[1,0,1\]$/,
    ],
  ]);
  it('refuses images of another size than a pretrained model takes', async () => {
    const encoder = pretrainedEncoder(layers);
    await expectRefusal(
      () => encoder.features(x, false),
      RangeError,
      /^pretrained:tiny: images must be 12×16 px \(height × width\), got 20×24$/,
    );
    encoder.dispose();
  });
  it('refuses every network after dispose with a StateError', async () => {
    const encoder = resnet(resnetPreset('patch32'), { seed: 1 });
    const head = projectionHead({ inputDim: 8, widths: [4] });
    const classifier = linearClassifier({ inputDim: 4, classes: 2 });
    const pretrained = pretrainedEncoder(layers);
    [encoder, head, classifier, pretrained].forEach((n) => n.dispose());
    await expectRefusal(() => encoder.features(train, false), StateError, /^patch32: the encoder was disposed$/);
    await expectRefusal(() => head.apply(features8, false), StateError, /^projectionHead: the head was disposed$/);
    await expectRefusal(() => classifier.getWeights(), StateError, /^linearClassifier: the classifier was disposed$/);
    await expectRefusal(() => pretrained.trainableVariables(), StateError, /^pretrained:tiny: the encoder was disposed$/);
  });
});
