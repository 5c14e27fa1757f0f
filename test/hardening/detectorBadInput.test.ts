/**
 * Bad input to every method of CutPasteDetector, tried systematically: each image-taking method ×
 * each malformed image input, then each method's own arguments and options, unusable states (not
 * fitted, no threshold, disposed, busy) and aborted fits. Every refusal is a typed error naming the
 * method and the argument, leaks no tensor, and leaves the detector as it was.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, CutPasteDetector, StateError, type ImagesInput } from '../../src/index';
import { resolveCutPasteOptions } from '../../src/advanced';
import { objectImages } from '../helpers/textures';
import { editDocument, saveToMemory } from '../helpers/artifacts';
import { expectRefusal, type ErrorClass, type Refusal } from './refusal';

const H = 40;
const W = 44;
const small = {
  mode: 'patch' as const,
  encoder: 'patch32' as const,
  stride: 8,
  imageSize: [H, W] as [number, number],
  steps: 1,
  batchSize: 4,
};

let train: tf.Tensor4D; // 4 normal images
let one: tf.Tensor4D;
const bad: Record<string, tf.Tensor> = {};
let fitted: CutPasteDetector;
let unfitted: CutPasteDetector;
let disposed: CutPasteDetector;
let noThreshold: CutPasteDetector;
let before: Float32Array; // fitted's scores of `train`

beforeAll(async () => {
  train = objectImages(4, H, W, 1).images;
  one = tf.slice(train, [0, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
  bad.rank3 = tf.zeros([H, W, 3]);
  bad.rank5 = tf.zeros([1, 1, H, W, 3]);
  bad.channels2 = tf.zeros([1, H, W, 2]);
  bad.bool = tf.zeros([1, H, W, 3], 'bool');
  bad.empty = tf.zeros([0, H, W, 3]);
  bad.nan = tf.fill([1, H, W, 3], NaN);
  bad.infinity3d = tf.fill([H, W, 3], Infinity);
  fitted = await CutPasteDetector.create(small);
  await fitted.fit(train);
  before = await fitted.score(train);
  unfitted = await CutPasteDetector.create(small);
  disposed = await CutPasteDetector.create(small);
  disposed.dispose();
  noThreshold = await CutPasteDetector.load(tf.io.fromMemory(editDocument(await saveToMemory(fitted), (doc) => (doc.threshold = null))));
});
afterAll(() => {
  [fitted, unfitted, noThreshold].forEach((d) => d.dispose());
  tf.dispose([train, one, ...Object.values(bad)]);
});

const run = (rows: Refusal[]) => {
  for (const [what, call, kind, message] of rows) {
    it(`refuses ${what} with a ${kind.name}`, async () => {
      await expectRefusal(call, kind, message);
    });
  }
};

// Malformed image inputs; `message` follows `<method>: `.
const badImages: [what: string, images: () => unknown, kind: ErrorClass, message: string][] = [
  [
    'a rank-3 tensor',
    () => bad.rank3,
    TypeError,
    'images must be a tf\\.Tensor4D \\[count, height, width, channels\\] or an array of images, got a tensor of rank 3$',
  ],
  ['a rank-5 tensor', () => bad.rank5, TypeError, 'images must be a tf\\.Tensor4D .* got a tensor of rank 5$'],
  ['2 channels', () => bad.channels2, RangeError, 'images has 2 channels; allowed: 1 \\(gray\\), 3 \\(RGB\\) or 4 \\(RGBA\\)$'],
  ['a bool tensor', () => bad.bool, TypeError, 'images must be float32 \\(values in \\[0, 1\\]\\) or int32 \\(0–255\\), got bool$'],
  ['an empty batch', () => bad.empty, RangeError, 'images is empty; at least one image is required$'],
  ['an empty array', () => [], RangeError, 'images is empty; at least one image is required$'],
  ['NaN pixels', () => bad.nan, RangeError, 'images contains NaN or Infinity; pixels must be finite$'],
  ['an infinite image in an array', () => [bad.infinity3d], RangeError, 'images\\[0\\] contains NaN or Infinity; pixels must be finite$'],
  [
    'null',
    () => null,
    TypeError,
    'images must be a tf\\.Tensor4D or an array of images \\(tf\\.Tensor3D or \\{ data, width, height, channels \\}\\), got null$',
  ],
  ['a string', () => 'photo.png', TypeError, 'images must be a tf\\.Tensor4D or an array of images .*, got string photo\\.png$'],
  [
    'null in an array',
    () => [null],
    TypeError,
    'images\\[0\\] must be a tf\\.Tensor3D or \\{ data, width, height, channels \\}, got null$',
  ],
  ['a batch inside an array', () => [one], TypeError, 'images\\[0\\] must be a tf\\.Tensor3D \\[height, width, channels\\], got rank 4$'],
  [
    'raw pixels of width 0',
    () => [{ data: new Uint8Array(0), width: 0, height: 4 }],
    RangeError,
    'images\\[0\\]\\.width must be an integer ≥ 1, got 0$',
  ],
  [
    'raw pixels claiming a huge size',
    () => [{ data: new Uint8Array(3), width: 100_000, height: 100_000 }],
    RangeError,
    'images\\[0\\]\\.data has length 3, which is not height × width × channels for 100000×100000 with 1, 3 or 4 channels$',
  ],
  [
    'raw pixels of an unsupported array type',
    () => [{ data: new Int16Array(3), width: 1, height: 1 }],
    TypeError,
    'images\\[0\\]\\.data must be a Uint8Array, Uint8ClampedArray or Float32Array, got Int16Array$',
  ],
  [
    'raw pixels of the wrong length',
    () => [{ data: new Uint8Array(7), width: 2, height: 1, channels: 3 }],
    RangeError,
    'images\\[0\\]\\.data has length 7, expected height × width × channels = 6$',
  ],
  [
    'raw pixels with 2 channels',
    () => [{ data: new Uint8Array(8), width: 2, height: 2, channels: 2 }],
    RangeError,
    'images\\[0\\] has 2 channels \\(data\\.length 8 for 2×2\\); allowed: 1, 3 or 4$',
  ],
  [
    'a NaN raw pixel',
    () => [{ data: new Float32Array([0, NaN, 0]), width: 1, height: 1, channels: 3 }],
    RangeError,
    'images\\[0\\]\\.data\\[1\\] is NaN; pixels must be finite$',
  ],
];
const imageMethods: [method: string, call: (images: ImagesInput) => unknown][] = [
  ['fit', (i) => unfitted.fit(i)],
  ['score', (i) => fitted.score(i)],
  ['scoreMaps', (i) => fitted.scoreMaps(i)],
  ['predict', (i) => fitted.predict(i)],
  ['calibrate', (i) => fitted.calibrate(i)],
];

describe('CutPasteDetector methods refuse malformed images', () => {
  run(
    imageMethods.flatMap(([method, call]) =>
      badImages.map(([what, images, kind, message]): Refusal => [
        `${what} (${method})`,
        () => call(images() as ImagesInput),
        kind,
        new RegExp(`^CutPasteDetector\\.${method}: ${message}`),
      ]),
    ),
  );
  it('is left as it was by every refusal', async () => {
    expect(unfitted.isFitted).toBe(false);
    expect(fitted.threshold?.method).toBe('fit');
    expect(Array.from(await fitted.score(train))).toEqual(Array.from(before));
  });
});

describe('CutPasteDetector.create and resolveCutPasteOptions refuse options out of range', () => {
  const option = (name: string, allowed: string, got: string) =>
    new RegExp(`^CutPasteDetector: option ${name} must be ${allowed}, got ${got}$`);
  run([
    ['options that are not an object', () => CutPasteDetector.create(null as never), RangeError, option('options', 'an object', 'null')],
    [
      'an unknown option',
      () => CutPasteDetector.create({ strides: 4 } as never),
      RangeError,
      /^CutPasteDetector: option strides must be one of the known options \(preset, mode, .*\); unknown option, got 4$/,
    ],
    [
      'an unknown preset',
      () => CutPasteDetector.create({ preset: 'slow' as never }),
      RangeError,
      option('preset', "'fast' or 'paper'", '"slow"'),
    ],
    [
      'an image size of 8',
      () => CutPasteDetector.create({ imageSize: 8 }),
      RangeError,
      option('imageSize', 'an integer in \\[16, 4096\\] or \\[height, width\\] of such', '8'),
    ],
    [
      'a huge image size',
      () => CutPasteDetector.create({ imageSize: [64, 1_000_000] }),
      RangeError,
      option('imageSize', 'an integer in \\[16, 4096\\] or \\[height, width\\] of such', '\\[64, 1000000\\]'),
    ],
    [
      'an image height of 0',
      () => resolveCutPasteOptions({ imageSize: [0, 64] }),
      RangeError,
      option('imageSize', 'an integer in \\[16, 4096\\] or \\[height, width\\] of such', '\\[0, 64\\]'),
    ],
    ['0 steps', () => CutPasteDetector.create({ steps: 0 }), RangeError, option('steps', 'an integer ≥ 1', '0')],
    ['infinite steps', () => CutPasteDetector.create({ steps: Infinity }), RangeError, option('steps', 'an integer ≥ 1', 'Infinity')],
    [
      'a NaN learning rate',
      () => CutPasteDetector.create({ learningRate: NaN }),
      RangeError,
      option('learningRate', 'a number in \\(0, 10\\]', 'NaN'),
    ],
    ['a momentum of 1', () => resolveCutPasteOptions({ momentum: 1 }), RangeError, option('momentum', 'a number in \\[0, 1\\)', '1')],
    ['a batch size of 0', () => CutPasteDetector.create({ batchSize: 0 }), RangeError, option('batchSize', 'an integer ≥ 1', '0')],
    [
      'a patch larger than the image',
      () => CutPasteDetector.create({ imageSize: 24, patchSize: 32 }),
      RangeError,
      option('patchSize', 'an integer in \\[8, 24\\] \\(the image size\\)', '32'),
    ],
    [
      'a stride larger than the patch',
      () => CutPasteDetector.create({ stride: 64 }),
      RangeError,
      option('stride', 'an integer in \\[1, patchSize = 32\\]', '64'),
    ],
    [
      'a shrinkage of 2',
      () => CutPasteDetector.create({ shrinkage: 2 }),
      RangeError,
      option('shrinkage', "'ledoit-wolf' or a number in \\[0, 1\\]", '2'),
    ],
    ['a NaN seed', () => CutPasteDetector.create({ seed: NaN }), RangeError, option('seed', 'a finite number or a string', 'NaN')],
    [
      'a perLocation of "yes"',
      () => CutPasteDetector.create({ perLocation: 'yes' as never }),
      RangeError,
      option('perLocation', "true, false or 'auto'", '"yes"'),
    ],
    [
      'an unknown encoder preset',
      () => CutPasteDetector.create({ encoder: 'resnet50' as never }),
      RangeError,
      /^CutPasteDetector: option encoder must be one of 'resnet18', 'resnet18-slim', 'patch16', 'patch32', 'patch48', 'patch64', a ResNetConfig or \{ model, \.\.\. \}, got "resnet50"$/,
    ],
    [
      'an encoder config without blocks',
      () => CutPasteDetector.create({ encoder: { blocks: [0] } as never }),
      RangeError,
      /^resnet: config\.blocks must be a non-empty array of positive integers, got \[0\]$/,
    ],
    [
      'no head widths',
      () => CutPasteDetector.create({ headWidths: [] }),
      RangeError,
      option('headWidths', 'a non-empty array of positive integers', '\\[\\]'),
    ],
    [
      'a score sigma of 0',
      () => CutPasteDetector.create({ scoreSigma: 0 }),
      RangeError,
      option('scoreSigma', 'a number in \\(0, 1024\\]', '0'),
    ],
    [
      'an inference batch of 0',
      () => CutPasteDetector.create({ inferenceBatchSize: 0 }),
      RangeError,
      option('inferenceBatchSize', 'an integer ≥ 1', '0'),
    ],
  ]);
});

describe('CutPasteDetector methods refuse bad arguments and options', () => {
  const evaluate = '^CutPasteDetector\\.evaluate: ';
  async function* stream(...sets: Parameters<CutPasteDetector['evaluate']>[0][]) {
    yield* sets as never[];
  }
  run([
    [
      'a single training image',
      () => unfitted.fit(one),
      RangeError,
      /^CutPasteDetector\.fit: images must hold at least 2 normal images, got 1$/,
    ],
    [
      'fit options that are not an object',
      () => unfitted.fit(train, null as never),
      TypeError,
      /^CutPasteDetector\.fit: options must be an object, got null$/,
    ],
    [
      'a signal that is not an AbortSignal',
      () => unfitted.fit(train, { signal: 'stop' as never }),
      TypeError,
      /^CutPasteDetector\.fit: options\.signal must be an AbortSignal \(e\.g\. new AbortController\(\)\.signal\), got "stop"$/,
    ],
    [
      'a negative worker count',
      () => unfitted.fit(train, { workers: -1 }),
      RangeError,
      /^CutPasteDetector\.fit: options\.workers must be 'auto' or an integer in \[0, 64\], got -1$/,
    ],
    [
      'an onProgress that is not a function',
      () => unfitted.fit(train, { onProgress: 5 as never }),
      TypeError,
      /^CutPasteDetector\.fit: options\.onProgress must be a function, got 5$/,
    ],
    [
      'a maps option that is not a boolean',
      () => fitted.predict(one, { maps: 'yes' as never }),
      TypeError,
      /^CutPasteDetector\.predict: options\.maps must be a boolean, got yes$/,
    ],
    [
      'a quantile above 1',
      () => fitted.calibrate(train, { quantile: 2 }),
      RangeError,
      /^CutPasteDetector\.calibrate: quantile must be in \[0, 1\], got 2$/,
    ],
    [
      'a NaN quantile',
      () => fitted.calibrate(train, { quantile: NaN }),
      RangeError,
      /^CutPasteDetector\.calibrate: quantile must be in \[0, 1\], got NaN$/,
    ],
    [
      'fewer labels than images',
      () => fitted.calibrateWithLabels(train, [0, 1]),
      RangeError,
      /^CutPasteDetector\.calibrateWithLabels: labels must have one entry per image \(4\), got 2$/,
    ],
    [
      'labels of one class',
      () => fitted.calibrateWithLabels(train, [0, 0, 0, 0]),
      RangeError,
      /^f1Max: labels must contain both classes \(0 and 1\), got only 0 \(4 labels\)$/,
    ],
    [
      'a label of 2',
      () => fitted.calibrateWithLabels(train, [0, 1, 2, 0]),
      TypeError,
      /^f1Max: labels\[2\] must be 0, 1, false or true, got 2$/,
    ],
    [
      'a NaN threshold',
      () => fitted.setThreshold(NaN),
      RangeError,
      /^CutPasteDetector\.setThreshold: value must be a finite number, got NaN$/,
    ],
    [
      'an infinite threshold',
      () => fitted.setThreshold(-Infinity),
      RangeError,
      /^CutPasteDetector\.setThreshold: value must be a finite number, got -Infinity$/,
    ],
    [
      'a test set that is not an object',
      () => fitted.evaluate(null as never),
      TypeError,
      new RegExp(`${evaluate}testSet must be \\{ images, labels, masks\\? \\}, got null$`),
    ],
    [
      'fewer labels than test images',
      () => fitted.evaluate({ images: train, labels: [0, 1] }),
      RangeError,
      new RegExp(`${evaluate}labels must have one entry per image \\(4\\), got 2$`),
    ],
    [
      'a test label of 2',
      () => fitted.evaluate({ images: train, labels: [0, 1, 2, 0] }),
      TypeError,
      new RegExp(`${evaluate}labels\\[2\\] must be 0, 1, true or false, got 2$`),
    ],
    [
      'test labels of one class',
      () => fitted.evaluate({ images: train, labels: [0, 0, 0, 0] }),
      RangeError,
      new RegExp(`${evaluate}labels must contain both normal \\(0\\) and defective \\(1\\) images for AUROC, got only 0 \\(4 images\\)$`),
    ],
    [
      'fewer masks than images',
      () => fitted.evaluate({ images: train, labels: [0, 1, 0, 1], masks: [null] }),
      RangeError,
      new RegExp(`${evaluate}masks must have one entry \\(or null\\) per image \\(4\\), got 1$`),
    ],
    [
      'a mask of another size than its image',
      () => fitted.evaluate({ images: train, labels: [0, 1, 0, 1], masks: [null, new Uint8Array(5), null, null] }),
      RangeError,
      new RegExp(`${evaluate}masks\\[1\\] has length 5, expected the image's height × width = ${H * W}$`),
    ],
    [
      'masks without a defect pixel',
      () => fitted.evaluate({ images: train, labels: [0, 1, 0, 1], masks: [null, null, null, null] }),
      RangeError,
      new RegExp(`${evaluate}masks must mark at least one defect pixel \\(value > 0\\) for pixel AUROC and AUPRO, got none in 4 masks$`),
    ],
    [
      'a stream mixing batches with and without masks',
      () => fitted.evaluate(stream({ images: one, labels: [0] }, { images: one, labels: [1], masks: [null] })),
      TypeError,
      new RegExp(`${evaluate}either every batch has masks or none$`),
    ],
    ['an empty stream', () => fitted.evaluate(stream()), RangeError, new RegExp(`${evaluate}the test set is empty$`)],
    [
      'an unknown URL scheme to save to',
      () => fitted.save('ftp://models/a'),
      TypeError,
      /^CutPasteDetector\.save: no tfjs save handler for "ftp:\/\/models\/a"; use indexeddb:\/\/, localstorage:\/\/, downloads:\/\/, http\(s\):\/\/ \(browser\) or file:\/\/ \(import 'cutpaste\/node'\)$/,
    ],
    [
      'a save target without save()',
      () => fitted.save({}),
      TypeError,
      /^CutPasteDetector\.save: target must be a URL string or a tf\.io\.IOHandler with a save\(\) method$/,
    ],
    [
      'an unknown URL scheme to load from',
      () => CutPasteDetector.load('ftp://models/a'),
      TypeError,
      /^CutPasteDetector\.load: no tfjs load handler for "ftp:\/\/models\/a"/,
    ],
    [
      'a load source without load()',
      () => CutPasteDetector.load(null as never),
      TypeError,
      /^CutPasteDetector\.load: source must be a URL string or a tf\.io\.IOHandler with a load\(\) method$/,
    ],
  ]);
});

describe('CutPasteDetector refuses calls its state does not allow', () => {
  const unusable: [method: string, call: (d: CutPasteDetector) => unknown][] = [
    ['fit', (d) => d.fit(train)],
    ['score', (d) => d.score(one)],
    ['scoreMaps', (d) => d.scoreMaps(one)],
    ['predict', (d) => d.predict(one)],
    ['calibrate', (d) => d.calibrate(one)],
    ['calibrateWithLabels', (d) => d.calibrateWithLabels(train, [0, 1, 0, 1])],
    ['setThreshold', (d) => d.setThreshold(1)],
    ['evaluate', (d) => d.evaluate({ images: train, labels: [0, 1, 0, 1] })],
    [
      'save',
      (d) => d.save(tf.io.withSaveHandler(async () => ({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }))),
    ],
  ];
  run([
    ...unusable.map(([method, call]): Refusal => [
      `${method} on a disposed detector`,
      () => call(disposed),
      StateError,
      new RegExp(`^CutPasteDetector\\.${method}: the detector was disposed$`),
    ]),
    ...unusable
      .filter(([m]) => !['fit', 'setThreshold', 'save'].includes(m))
      .map(([method, call]): Refusal => [
        `${method} before fit`,
        () => call(unfitted),
        StateError,
        new RegExp(`^CutPasteDetector\\.${method}: the detector is not fitted; call fit\\(\\) or load\\(\\) first$`),
      ]),
    [
      'save before fit',
      () => unfitted.save('ftp://never'),
      StateError,
      /^CutPasteDetector\.save: the detector is not fitted; call fit\(\) first$/,
    ],
    [
      'predict without a threshold',
      () => noThreshold.predict(one),
      StateError,
      /^CutPasteDetector\.predict: no threshold; fit with ≥ 4 images, or call calibrate\(\), calibrateWithLabels\(\) or setThreshold\(\)$/,
    ],
  ]);

  it('refuses every call but dispose while fit is running, then fits', async () => {
    const detector = await CutPasteDetector.create(small);
    const running = detector.fit(train);
    await expect(detector.fit(train)).rejects.toThrow(new StateError('CutPasteDetector.fit: fit() is still running; await it first'));
    await expect(detector.score(one)).rejects.toThrow(/^CutPasteDetector\.score: fit\(\) is still running; await it first$/);
    expect(() => detector.setThreshold(1)).toThrow(StateError);
    await running;
    expect(detector.isFitted).toBe(true);
    detector.dispose();
  });
});

describe('an aborted fit', () => {
  it('throws AbortError when the signal is already aborted, leaving the detector as it was and leaking nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    await expectRefusal(() => fitted.fit(train, { signal: controller.signal }), AbortError, /^training was aborted after 0 of 1 steps$/);
    expect(Array.from(await fitted.score(train))).toEqual(Array.from(before));
  });

  it('throws AbortError when aborted while embedding, leaving the detector as it was and leaking nothing', async () => {
    const controller = new AbortController();
    const onProgress = (p: { stage: string }) => p.stage === 'embed' && controller.abort();
    await expectRefusal(
      () => fitted.fit(train, { signal: controller.signal, onProgress }),
      AbortError,
      /^fit was aborted while embedding$/,
    );
    expect(Array.from(await fitted.score(train))).toEqual(Array.from(before));
    expect(fitted.threshold?.method).toBe('fit');
  });
});
