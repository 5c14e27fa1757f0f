/**
 * Augmentation speed (not a test).
 *
 *   npx tsx bench/augment.ts              # part 1 only
 *   BENCH_TENSOR=1 npx tsx bench/augment.ts   # also part 2
 *
 * Part 1: building one 3-way pretext batch purely in JS (the pixel functions, no tfjs): sample 32
 * originals from a 64-image dataset held in a Float32Array (`gatherImages`), optionally crop them
 * (patch level), translate and color-jitter them in place, then write CutPaste and CutPaste-Scar
 * copies straight into one [96, h, w, 3] array (the `out` option), ready for a single upload.
 * Image-level at 64, 128 and 256 px; patch-level 32 px crops of 256 px images. Milliseconds per
 * batch per stage, median of 5 timed runs after one warm-up.
 * Part 2 (BENCH_TENSOR=1): the tensor ops on the cpu and wasm backends (read back, same JS, upload).
 * The machine may be shared: read ratios, not digits.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { createRng, type Rng } from '../src/math/random';
import {
  colorJitter,
  colorJitterPixels,
  cutPaste,
  cutPastePixels,
  cutPasteScar,
  cutPasteScarPixels,
  cutout,
  gatherImages,
  randomCrops,
  randomCropsPixels,
  randomTranslate,
  randomTranslatePixels,
  scar,
  type PixelBatch,
} from '../src/ops/index';

tf.env().set('IS_TEST', true);
const ORIGINALS = 32;
const DATASET = 64;
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

interface Setup {
  name: string;
  size: number;
  crop?: number;
  augment: boolean;
}

/** One pretext batch; returns per-stage milliseconds. */
function pretextBatch(dataset: PixelBatch, setup: Setup, rng: Rng): Record<string, number> {
  const t: Record<string, number> = {};
  let t0 = performance.now();
  const lap = (stage: string): void => {
    const now = performance.now();
    t[stage] = now - t0;
    t0 = now;
  };
  const indices = Array.from({ length: ORIGINALS }, () => Math.floor(rng() * DATASET));
  let x = gatherImages(dataset, indices);
  lap('gather');
  if (setup.crop) {
    x = randomCropsPixels(x, setup.crop, rng);
    lap('crop');
  }
  if (setup.augment) {
    x = randomTranslatePixels(x, { maxShift: 0.1, rng });
    lap('translate');
    colorJitterPixels(x, { rng, out: x.data });
    lap('jitter');
  }
  const n = x.data.length;
  const all = new Float32Array(3 * n);
  all.set(x.data);
  cutPastePixels(x, { rng, out: all.subarray(n, 2 * n) });
  lap('cutPaste');
  cutPasteScarPixels(x, { rng, out: all.subarray(2 * n) });
  lap('scar');
  t.total = Object.values(t).reduce((a, b) => a + b, 0);
  return t;
}

function randomDataset(size: number): PixelBatch {
  const rng = createRng(`dataset-${size}`);
  const data = new Float32Array(DATASET * size * size * 3);
  for (let i = 0; i < data.length; i++) data[i] = rng();
  return { data, batch: DATASET, height: size, width: size, channels: 3 };
}

console.log(`Part 1: one 3-way pretext batch (${ORIGINALS} originals → ${3 * ORIGINALS} images) in JS, Node ${process.version}`);
const setups: Setup[] = [
  { name: '64 px', size: 64, augment: false },
  { name: '64 px + translate + jitter', size: 64, augment: true },
  { name: '128 px', size: 128, augment: false },
  { name: '128 px + translate + jitter', size: 128, augment: true },
  { name: '256 px', size: 256, augment: false },
  { name: '256 px + translate + jitter', size: 256, augment: true },
  { name: '32 px crops of 256 px', size: 256, crop: 32, augment: false },
  { name: '32 px crops of 256 px + translate + jitter', size: 256, crop: 32, augment: true },
];
const datasets = new Map<number, PixelBatch>();
for (const setup of setups) {
  if (!datasets.has(setup.size)) datasets.set(setup.size, randomDataset(setup.size));
  const dataset = datasets.get(setup.size)!;
  const runs: Array<Record<string, number>> = [];
  for (let r = 0; r < 6; r++) runs.push(pretextBatch(dataset, setup, createRng(r)));
  runs.shift();
  const stages = Object.keys(runs[0]!);
  const cells = stages.map((s) => `${s} ${median(runs.map((run) => run[s]!)).toFixed(1)}`);
  console.log(`${setup.name.padEnd(44)} ms: ${cells.join(' | ')}`);
}

if (process.env.BENCH_TENSOR) {
  console.log('\nPart 2: tensor ops (read back once, pixel function, one upload), median of 3 after a warm-up');
  const ops: Record<string, (x: tf.Tensor4D, s: number) => tf.Tensor> = {
    cutPaste: (x, s) => cutPaste(x, { rng: createRng(s) }),
    cutPasteScar: (x, s) => cutPasteScar(x, { rng: createRng(s) }),
    cutout: (x, s) => cutout(x, { rng: createRng(s) }),
    scar: (x, s) => scar(x, { rng: createRng(s) }),
    colorJitter: (x, s) => colorJitter(x, { rng: createRng(s) }),
    randomTranslate: (x, s) => randomTranslate(x, { rng: createRng(s) }),
    'randomCrops 1/2': (x, s) => randomCrops(x, x.shape[1] / 2, createRng(s)),
  };
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    await tf.ready();
    for (const [batch, size] of [
      [96, 64],
      [32, 256],
    ] as const) {
      const x = tf.randomUniform([batch, size, size, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
      const cells: string[] = [];
      for (const [name, f] of Object.entries(ops)) {
        const times: number[] = [];
        for (let r = 0; r < 4; r++) {
          const t0 = performance.now();
          const y = f(x, r);
          await y.data();
          times.push(performance.now() - t0);
          y.dispose();
        }
        times.shift();
        cells.push(`${name} ${median(times).toFixed(0)}`);
      }
      console.log(`${backend} ${batch}×${size}px ms: ${cells.join(' | ')}`);
      x.dispose();
    }
  }
}
