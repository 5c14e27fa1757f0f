/**
 * Data-parallel training (`TrainOptions.workers`): images/s of the fast preset's patch training with
 * 0, 1, … gradient worker threads.
 *
 *   npx tsx bench/parallel.ts [--backend wasm] [--workers 0,1] [--steps 40] [--preset patch32] [--size 32]
 *
 * The run is `trainSelfSupervised` exactly as `CutPasteDetector.fit` calls it for the fast preset in
 * patch mode: `patch32`, one random 32 px crop of each of 32 originals per step, 3-way (96 images per
 * step), on 24 generated 256 px images. images/s counts training only (the trainer starts its clock
 * once the workers are up); "start-up" is the rest of the wall time (mostly the workers' start);
 * "CPU ms/step" is the process's CPU time (all threads, start-up included) per step: with idle cores,
 * images/s scales by up to (threads × single CPU ms/step) / (parallel CPU ms/step).
 * Needs as many idle cores as threads: on a busy machine the figures say little.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { linearClassifier, projectionHead, resnet, resnetPreset, trainSelfSupervised, type ResNetPresetName } from '../src/advanced';
import { useThreadedWasm } from '../src/node/index';
import { threadGradientWorkers } from '../src/node/parallel/threadGradientWorkers';

const { values } = parseArgs({
  options: {
    threads: { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
    workers: { type: 'string', default: '0,1' },
    steps: { type: 'string', default: '40' },
    preset: { type: 'string', default: 'patch32' },
    size: { type: 'string', default: '32' },
  },
});
const steps = Number(values.steps);
const patch = Number(values.size);
tf.enableProdMode();
if (values.threads !== undefined) await useThreadedWasm({ threads: Number(values.threads) });
await tf.setBackend(values.backend);
await tf.ready();

const images = tf.randomUniform([24, 256, 256, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
const rows: string[][] = [];
let single = 0;
for (const workers of values.workers.split(',').map(Number)) {
  const encoder = resnet(resnetPreset(values.preset as ResNetPresetName), { seed: 0 });
  const head = projectionHead({ inputDim: encoder.featureDim, widths: [512, 128] }, { seed: 0 });
  const classifier = linearClassifier({ inputDim: head.outputDim, classes: 3 }, { seed: 0 });
  const started = performance.now();
  const cpu = process.cpuUsage();
  const report = await trainSelfSupervised({ encoder, head, classifier }, images, {
    level: 'patch',
    patchSize: patch,
    steps,
    batchSize: 32,
    seed: 0,
    workers,
    workerProvider: threadGradientWorkers,
  });
  const wall = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  if (workers === 0) single = report.imagesPerSecond;
  rows.push([
    String(workers),
    report.imagesPerSecond.toFixed(1),
    single ? `${(report.imagesPerSecond / single).toFixed(2)}×` : '–',
    ((report.seconds / steps) * 1000).toFixed(0),
    ((cpuSeconds / steps) * 1000).toFixed(0),
    (wall - report.seconds).toFixed(2),
    report.finalLoss.toFixed(4),
  ]);
  [encoder, head, classifier].forEach((n) => n.dispose());
}
images.dispose();

const header = ['workers', 'images/s', 'vs 0', 'ms/step', 'CPU ms/step', 'start-up s', 'final loss'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
console.log(
  `${values.preset} @ ${patch} px crops, batch 32 × 3, ${steps} steps, ${values.backend} backend; ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(2)}`,
);
console.log([line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n'));
