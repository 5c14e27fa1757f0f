/**
 * Soak run: a long fit and many score calls, watching tensors and memory.
 *
 *   npx tsx bench/soak.ts [--backend wasm] [--steps 2000] [--calls 1000] [--image-size 64] [--batch-size 8]
 *
 * Fits a patch-mode detector (the fast preset's patch32 encoder) for `--steps` steps on synthetic
 * wood images, recording `tf.memory().numTensors`, the backend's bytes and the process RSS at
 * checkpoints of the fit, then calls `score` `--calls` times on one image (one call, one image, its
 * dense map inside) and records the same at checkpoints. Prints both tables and a verdict line:
 * tensors must not grow after the first step / first call (any growth is a leak), RSS should level off.
 * Small images and batches keep the run to a few minutes; the code paths are the full-size ones.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { parseArgs } from 'node:util';
import { CutPasteDetector } from '../src/index';
import { synthesizeCategory } from '../src/synthetic';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    steps: { type: 'string', default: '2000' },
    calls: { type: 'string', default: '1000' },
    'image-size': { type: 'string', default: '64' },
    'batch-size': { type: 'string', default: '8' },
  },
});
const steps = Number(values.steps);
const calls = Number(values.calls);
const size = Number(values['image-size']);

await tf.setBackend(values.backend);
await tf.ready();

interface Row {
  at: string;
  tensors: number;
  backendMiB: number;
  rssMiB: number;
  heapMiB: number;
}
const mib = (bytes: number) => bytes / 2 ** 20;
function sample(at: string): Row {
  const m = tf.memory();
  const p = process.memoryUsage();
  return { at, tensors: m.numTensors, backendMiB: mib(m.numBytes), rssMiB: mib(p.rss), heapMiB: mib(p.heapUsed) };
}
function table(title: string, rows: Row[]): void {
  console.log(`\n${title}\n`);
  console.log('| checkpoint | tensors | tensor MiB | RSS MiB | JS heap MiB |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.at} | ${r.tensors} | ${r.backendMiB.toFixed(1)} | ${r.rssMiB.toFixed(0)} | ${r.heapMiB.toFixed(0)} |`);
  }
}
const checkpoints = (n: number) => new Set([1, 10, 100, ...Array.from({ length: 10 }, (_, i) => Math.round((n * (i + 1)) / 10))]);

const data = synthesizeCategory({ kind: 'wood', seed: 0, trainCount: 24, testCount: 4, imageSize: size });
const empty = sample('before create');
const detector = await CutPasteDetector.create({
  preset: 'fast',
  mode: 'patch',
  imageSize: size,
  patchSize: 32,
  stride: 8,
  steps,
  batchSize: Number(values['batch-size']),
  seed: 0,
});
const before = sample('before fit');
const fitRows: Row[] = [empty, before];
const fitMarks = checkpoints(steps);
const t0 = performance.now();
const report = await detector.fit(data.train, {
  onProgress: (p) => {
    if (p.stage === 'train' && fitMarks.has(p.step)) fitRows.push(sample(`step ${p.step}`));
  },
});
fitRows.push(sample('after fit'));
const fitSeconds = (performance.now() - t0) / 1000;
table(
  `fit: ${steps} steps on ${values.backend} (${size} px, batch ${values['batch-size']}), ${fitSeconds.toFixed(0)} s, final loss ${report.finalLoss.toFixed(3)}`,
  fitRows,
);

const image = data.test[0]!.image;
const scoreRows: Row[] = [sample('before scoring')];
const callMarks = checkpoints(calls);
const t1 = performance.now();
let last = 0;
for (let call = 1; call <= calls; call++) {
  const [score] = await detector.score([image]);
  if (call > 1 && score !== last) throw new Error(`score changed between calls: ${last} then ${score}`);
  last = score!;
  if (callMarks.has(call)) scoreRows.push(sample(`call ${call}`));
}
const scoreSeconds = (performance.now() - t1) / 1000;
table(`score: ${calls} calls of one image, ${((scoreSeconds * 1000) / calls).toFixed(1)} ms a call`, scoreRows);

detector.dispose();
const after = sample('after dispose');
const fitGrowth = fitRows.at(-2)!.tensors - fitRows[2]!.tensors;
const scoreGrowth = scoreRows.at(-1)!.tensors - scoreRows[1]!.tensors;
const peakRss = Math.max(...fitRows.map((r) => r.rssMiB), ...scoreRows.map((r) => r.rssMiB));
console.log(
  `\ntensors: fit step 1 → ${steps}: ${fitGrowth >= 0 ? '+' : ''}${fitGrowth}; score call 1 → ${calls}: ${scoreGrowth >= 0 ? '+' : ''}${scoreGrowth}; after dispose ${after.tensors} (before create ${empty.tensors})`,
);
console.log(
  `RSS: peak ${peakRss.toFixed(0)} MiB; fit ${fitRows[2]!.rssMiB.toFixed(0)} → ${fitRows.at(-2)!.rssMiB.toFixed(0)} MiB; score ${scoreRows[1]!.rssMiB.toFixed(0)} → ${scoreRows.at(-1)!.rssMiB.toFixed(0)} MiB`,
);
if (fitGrowth !== 0 || scoreGrowth !== 0 || after.tensors !== empty.tensors) {
  console.log('LEAK: tensor count grew');
  process.exitCode = 1;
}
