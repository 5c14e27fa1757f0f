/**
 * The computations the browser tests compare across backends. One module for both sides: the test
 * page bundles it (with `cutpaste` and the tfjs backends) and runs it in Chromium, and the Node tests
 * import it to run the very same code on Node's backends (cpu, wasm, webgpu through the `webgpu`
 * package). Every workload runs on the current backend, builds its inputs from seeds alone, reads its
 * outputs asynchronously (`data()`) and returns plain numbers, so results can cross the page boundary
 * as JSON and be compared in Node.
 *
 * Sizes are tiny on purpose: webgl and webgpu run on SwiftShader (a CPU rasteriser) here.
 */
import * as tf from '@tensorflow/tfjs-core';
import { CutPasteDetector, GaussianDensity, type RawImage } from 'cutpaste';
import {
  colorJitter,
  createPixelBatch,
  createRng,
  crossEntropy,
  cutPaste,
  cutPastePixels,
  cutPasteScar,
  cutPasteScarPixels,
  cutout,
  extractPatches,
  linearClassifier,
  projectionHead,
  randomCrops,
  randomTranslate,
  resnet,
  scar,
  toModelInput,
  trainSelfSupervised,
  type ResNetConfig,
} from 'cutpaste/advanced';
import { synthesizeCategory } from 'cutpaste/synthetic';

/** Named outputs of a workload: each a flat list of numbers. */
export type Outputs = Record<string, number[]>;

/** What a workload returns: its outputs, the backend it ran on and how long it took. */
export interface WorkloadResult {
  backend: string;
  outputs: Outputs;
  milliseconds: number;
}

/** The workloads by name (the page exposes the same table). */
export const WORKLOADS = {
  augment: augmentWorkload,
  train: trainWorkload,
  gde: gdeWorkload,
  scoreMap: scoreMapWorkload,
} satisfies Record<string, () => Promise<Outputs>>;

export type WorkloadName = keyof typeof WORKLOADS;

/**
 * Selects `backend`, runs the workload `name` and checks that it left no tensor behind.
 * @throws Error when the backend cannot be selected or the workload leaks tensors.
 */
export async function runWorkload(name: WorkloadName, backend: string): Promise<WorkloadResult> {
  if (!(await tf.setBackend(backend))) throw new Error(`could not select tfjs backend "${backend}"`);
  await tf.ready();
  const before = tf.memory().numTensors;
  const start = performance.now();
  const outputs = await WORKLOADS[name]();
  const milliseconds = performance.now() - start;
  const leaked = tf.memory().numTensors - before;
  if (leaked > 0) throw new Error(`workload ${name} leaked ${leaked} tensors on ${backend}`);
  return { backend: tf.getBackend(), outputs, milliseconds };
}

/** Deterministic images in [0, 1]: smooth stripes plus seeded noise, `[count, height, width, channels]`. */
export function seededImages(count: number, height: number, width: number, channels: 1 | 3, seed: number | string): tf.Tensor4D {
  const rng = createRng(seed);
  const data = new Float32Array(count * height * width * channels);
  for (let n = 0; n < count; n++) {
    const phase = rng() * 6.28;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = 0.5 + 0.35 * Math.sin((x + 0.6 * y) / 2.5 + phase);
        for (let c = 0; c < channels; c++) {
          data[((n * height + y) * width + x) * channels + c] = Math.min(1, Math.max(0, v * (1 - 0.2 * c) + 0.1 * (rng() - 0.5)));
        }
      }
    }
  }
  return tf.tensor4d(data, [count, height, width, channels]);
}

const list = (data: ArrayLike<number>): number[] => Array.from(data);
const read = async (t: tf.Tensor): Promise<number[]> => list(await t.data());

/**
 * The augmentations as tensor ops (read back, augmented in JS, uploaded: the same pixels on every
 * backend), the pixel layer on its own (pure JS), and the tensor ops that do compute on the backend:
 * `extractPatches` (a gatherND) and `toModelInput` (uint8 → float, RGBA → RGB, bilinear resize).
 */
async function augmentWorkload(): Promise<Outputs> {
  const out: Outputs = {};
  const images = seededImages(3, 18, 22, 3, 'augment');
  const ops: [string, (x: tf.Tensor4D) => tf.Tensor4D][] = [
    ['cutPaste', (x) => cutPaste(x, { rng: createRng(1) })],
    ['cutPasteScar', (x) => cutPasteScar(x, { rng: createRng(2) })],
    ['cutout', (x) => cutout(x, { rng: createRng(3) })],
    ['scar', (x) => scar(x, { rng: createRng(4) })],
    ['colorJitter', (x) => colorJitter(x, { rng: createRng(5), brightness: 0.3, contrast: 0.3, saturation: 0.3, hue: 0.1 })],
    ['randomTranslate', (x) => randomTranslate(x, { rng: createRng(6), maxShift: 0.2 })],
    ['randomCrops', (x) => randomCrops(x, [10, 12], createRng(7))],
  ];
  for (const [name, op] of ops) {
    const result = op(images);
    out[name] = await read(result);
    result.dispose();
  }
  // The pixel layer alone, no tensors at all.
  const batch = createPixelBatch({ batch: 3, height: 18, width: 22, channels: 3 }, Float32Array.from(await images.data()));
  out.cutPastePixels = list(cutPastePixels(batch, { rng: createRng(8) }).data);
  out.cutPasteScarPixels = list(cutPasteScarPixels(batch, { rng: createRng(9) }).data);
  // Tensor ops that compute on the backend.
  const image = tf.slice(images, [1, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
  const grid = extractPatches(image, [8, 10], [3, 4]);
  out.extractPatches = await read(grid.patches);
  out.patchGrid = [grid.rows, grid.cols];
  tf.dispose([image, grid.patches]);
  const rgba = new Uint8Array(13 * 17 * 4).map((_, i) => (i * 37 + 11) % 256);
  const raw: RawImage = { data: rgba, width: 17, height: 13 };
  // `await`: toModelInput may become async (see knownIssues.ts); awaiting a plain value is harmless.
  const input = await toModelInput([raw], [20, 24], 3, 'augmentWorkload');
  out.toModelInput = await read(input.images);
  input.images.dispose();
  images.dispose();
  return out;
}

/** The tiny ResNet of the training workload: 2 stages of width 8 and 16, a 3×3 stem without pooling. */
export const TINY_RESNET: ResNetConfig = {
  name: 'tiny',
  blocks: [1, 1],
  widths: [8, 16],
  strides: [1, 2],
  stem: { channels: 8, kernel: 3, stride: 1, maxPool: false },
};

/**
 * A tiny model (ResNet → projection head → 3-way classifier) on 16×20 images: the loss and every
 * gradient on a fixed batch of 6, then 3 steps of `trainSelfSupervised` (2 images and their 4
 * CutPaste / scar copies per step, built in JS,
 * momentum SGD, BatchNorm statistics): the losses of each step and every weight afterwards, the
 * BatchNorm running statistics included.
 */
async function trainWorkload(): Promise<Outputs> {
  const out: Outputs = {};
  const encoder = resnet(TINY_RESNET, { seed: 11 });
  const head = projectionHead({ inputDim: encoder.featureDim, widths: [16, 16] }, { seed: 12 });
  const classifier = linearClassifier({ inputDim: 16, classes: 3 }, { seed: 13 });
  const images = seededImages(6, 16, 20, 3, 'train');
  try {
    const variables = [...encoder.trainableVariables(), ...head.trainableVariables(), ...classifier.trainableVariables()];
    const labels = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');
    const { value, grads } = tf.variableGrads(
      () => crossEntropy(classifier.apply(head.apply(encoder.features(images, true), true), true), labels, 3),
      variables,
    );
    out.loss = await read(value);
    // tfjs names variables with a global counter: key the gradients by position and shape instead.
    for (const [i, v] of variables.entries()) out[`grad ${i} [${v.shape.join('×')}]`] = await read(grads[v.name]!);
    tf.dispose([value, labels, ...Object.values(grads)]);
    encoder.commitBatchNormStats();
    head.commitBatchNormStats();
    classifier.commitBatchNormStats();

    const losses: number[] = [];
    await trainSelfSupervised({ encoder, head, classifier }, images, {
      steps: 3,
      batchSize: 2,
      learningRate: 0.03,
      seed: 14,
      onProgress: (p) => losses.push(p.loss),
    });
    out.stepLosses = losses;
    for (const [name, weights] of Object.entries({ ...encoder.getWeights(), ...head.getWeights(), ...classifier.getWeights() })) {
      out[`weight:${name}`] = await read(weights);
      weights.dispose();
    }
  } finally {
    [encoder, head, classifier].forEach((m) => m.dispose());
    images.dispose();
  }
  return out;
}

/** GDE fit and score on seeded features (pure JS: the backend plays no part). */
async function gdeWorkload(): Promise<Outputs> {
  const rng = createRng('gde');
  // Rows from the seeded generator alone (no Math.sin: engines may differ in its last bit).
  const row = (shift: number) => Array.from({ length: 12 }, (_, j) => ((j * 7) % 5) / 4 + rng() + shift * rng());
  const train = Array.from({ length: 40 }, () => row(0.3));
  const test = Array.from({ length: 10 }, (_, i) => row(i < 5 ? 0.3 : 2));
  const gde = GaussianDensity.fit(train);
  const json = gde.toJSON();
  return { scores: list(gde.score(test)), mean: json.mean, covariance: json.covariance, shrinkage: [gde.shrinkage] };
}

/** Size of the score-map workload's images, `[height, width]` (non-square). */
export const SCORE_MAP_SIZE: [number, number] = [40, 48];

/**
 * A tiny patch-mode CutPasteDetector (`patch32` encoder, stride 8 on 40×48 px images: a 2×3 grid;
 * one 3-way training step on 2 patches and their 4 augmented copies) fitted on 4 synthetic pills: the scores and the dense score
 * maps of 2 test images. (One step: on SwiftShader each step costs seconds, all of it per-dispatch
 * overhead; the training workload covers several steps.)
 */
async function scoreMapWorkload(): Promise<Outputs> {
  const [height, width] = SCORE_MAP_SIZE;
  const data = synthesizeCategory({ kind: 'pill', seed: 3, trainCount: 4, testCount: 2, defectFraction: 0.5, imageSize: [height, width] });
  const detector = await CutPasteDetector.create({
    mode: 'patch',
    encoder: 'patch32',
    imageSize: [height, width],
    stride: 8,
    steps: 1,
    batchSize: 2,
    seed: 5,
  });
  try {
    const report = await detector.fit(data.train);
    const images = data.test.map((t) => t.image);
    const scores = await detector.score(images);
    const maps = await detector.scoreMaps(images);
    return {
      finalLoss: [report.finalLoss],
      scores: list(scores),
      map0: list(maps[0]!.data),
      map1: list(maps[1]!.data),
      mapShape: [maps[0]!.height, maps[0]!.width],
    };
  } finally {
    detector.dispose();
  }
}

/** Timings of the speed workload, milliseconds. */
export interface SpeedResult {
  backend: string;
  /** One patch32 training step: 32 random 32×32 crops of 256×256 images, 3-way (96 patches). */
  trainStepMs: number;
  /** One dense score map of a 256×256 image (57×57 patches at stride 4) by a fitted fast-preset detector. */
  scoreMapMs: number;
  /** The maps' maximum, to check the run computed something. */
  mapMax: number;
}

/**
 * Times the fast preset's two heavy paths on the current backend, after a warm-up: a patch32
 * training step (`trainStepMs`: mean over `steps` steps) and one dense 256×256 score map
 * (`scoreMapMs`: mean of `maps` calls). A measurement, not a test of speed.
 */
export async function speedWorkload(steps = 3, maps = 2): Promise<SpeedResult> {
  const data = synthesizeCategory({ kind: 'carpet', seed: 1, trainCount: 4, testCount: 1, imageSize: 256 });
  const timed = await CutPasteDetector.create({
    mode: 'patch',
    encoder: 'patch32',
    imageSize: 256,
    steps: 1 + steps,
    batchSize: 32,
    seed: 1,
  });
  const stepTimes: number[] = [];
  let last = performance.now();
  await timed.fit(data.train, {
    onProgress: (p) => {
      if (p.stage !== 'train') return;
      const now = performance.now();
      if (p.step > 1) stepTimes.push(now - last); // step 1 is the warm-up (kernel compilation)
      last = now;
    },
  });
  const image = [data.test[0]!.image];
  await timed.scoreMaps(image); // warm-up
  const start = performance.now();
  let mapMax = 0;
  for (let i = 0; i < maps; i++) {
    const [map] = await timed.scoreMaps(image);
    mapMax = Math.max(...map!.data);
  }
  const scoreMapMs = (performance.now() - start) / maps;
  timed.dispose();
  return {
    backend: tf.getBackend(),
    trainStepMs: stepTimes.reduce((a, b) => a + b, 0) / stepTimes.length,
    scoreMapMs,
    mapMax,
  };
}
