/**
 * Training-step and inference speed, ours beside PyTorch on the same architecture, batch and size.
 *
 *   npx tsx bench/train.ts [--backends wasm,cpu] [--budget 10] [--cases resnet18@64,resnet18-slim@128] [--batch 96]
 *
 * A training step is the 3-way pretext step (batch 96 = 32 originals × 3: forward, cross-entropy,
 * gradients, momentum SGD with weight decay, BatchNorm statistics) on fixed random images; the data
 * pipeline (CutPaste in JS) is timed separately by bench/augment.ts. Inference is pooled features in
 * eval mode (BatchNorm folded). PyTorch: Debian's python3-torch, 2 threads (bench/train_torch.py).
 *
 * Ours runs in three set-ups, each in its own process (a wasm backend's threads are fixed when it
 * starts):
 * - `1 thread`: the ordinary wasm (or cpu) backend on the main thread;
 * - `worker`: the same plus one gradient worker thread (`workers: 1`, what `fit` does by default in
 *   Node): each step's batch is split in two class-balanced halves, one per thread (training only);
 * - `threads`: the multi-threaded wasm build (`useThreadedWasm({ threads: 2 })`): XNNPACK runs each
 *   convolution and matrix product on 2 threads (what `cutpaste score` does by default).
 * The ratios compare the best two-core figure with PyTorch on two cores.
 * Each figure: images/s over ≥ 1 timed run after one warm-up, until `budget` seconds pass.
 * The cpu backend is ~100× slower than PyTorch: only the small cases run there, on one thread. The
 * wasm backend's memory (a 32-bit heap) does not hold a ResNet-18 training step at 128 px with batch
 * 96 (it aborts): run the large cases alone with a smaller `--batch` (PyTorch gets the same batch).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { linearClassifier, MomentumSGD, projectionHead, resnet, resnetPreset, trainStep, type ResNetPresetName } from '../src/advanced';
import { useThreadedWasm } from '../src/node/index';
import { threadGradientWorkers } from '../src/node/parallel/threadGradientWorkers';
import { parallelStep, splitPretext } from '../src/train/parallelStep';
import { phaseVariables, replicaArchitecture, replicaSpec } from '../src/train/replica';

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: 'wasm,cpu' },
    budget: { type: 'string', default: '10' },
    cases: { type: 'string', default: 'resnet18@64,resnet18-slim@128,patch32@32' },
    batch: { type: 'string', default: '96' },
    child: { type: 'string' }, // internal: `backend:setup`, run one set-up and print JSON
  },
});
const budget = Number(values.budget);
const BATCH = Number(values.batch);
const HEAD = [512, 128];
const CPU_CASES = new Set(['resnet18@64', 'resnet18-slim@128', 'patch32@32']);

interface Case {
  name: string;
  preset: ResNetPresetName;
  size: number;
}
const cases: Case[] = values.cases.split(',').map((c) => {
  const [preset, size] = c.split('@');
  return { name: c, preset: preset as ResNetPresetName, size: Number(size) };
});

type Setup = '1 thread' | 'worker' | 'threads';
interface Figures {
  train: number;
  infer: number | null;
}

async function measure(fn: () => Promise<void>): Promise<number> {
  await fn(); // warm-up (kernel setup, folded weights)
  let runs = 0;
  const start = performance.now();
  while (runs < 1 || performance.now() - start < budget * 1000) {
    await fn();
    runs++;
  }
  return (BATCH * runs) / ((performance.now() - start) / 1000);
}

async function ours(c: Case, setup: Setup): Promise<Figures> {
  const encoder = resnet(resnetPreset(c.preset), { seed: 0 });
  const head = projectionHead({ inputDim: encoder.featureDim, widths: HEAD });
  const classifier = linearClassifier({ inputDim: head.outputDim, classes: 3 });
  const model = { encoder, head, classifier };
  const variables = phaseVariables(model, 'all', false);
  const optimizer = new MomentumSGD(variables);
  const x = tf.randomUniform([BATCH, c.size, c.size, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const labels = Array.from({ length: BATCH }, (_, i) => i % 3);
  const settings = { variables, optimizer, learningRate: 0.03, classes: 3, encoderTrains: true };
  let train: number;
  if (setup === 'worker') {
    // As the trainer does: the batch is 3 blocks of BATCH / 3 originals, split class-balanced in two.
    const pixels = {
      images: { data: (await x.data()) as Float32Array, batch: BATCH, height: c.size, width: c.size, channels: 3 },
      labels: Int32Array.from(labels),
    };
    const parts = splitPretext(pixels, BATCH / 3, 2);
    const workers = await threadGradientWorkers.start(1, await replicaSpec(model, replicaArchitecture(model)!, 3, false), tf.getBackend());
    try {
      train = await measure(async () => {
        await parallelStep(model, parts, workers, { ...settings, phase: 'all' });
      });
    } finally {
      await workers.dispose();
    }
  } else {
    train = await measure(async () => {
      const [loss, acc] = trainStep(model, tf.clone(x), tf.tensor1d(labels, 'int32'), settings);
      await loss.data();
      tf.dispose([loss, acc]);
    });
  }
  const infer =
    setup === 'worker'
      ? null
      : await measure(async () => {
          const f = encoder.features(x, false);
          await f.data();
          f.dispose();
        });
  optimizer.dispose();
  [encoder, head, classifier, x].forEach((m) => m.dispose());
  return { train, infer };
}

if (values.child !== undefined) {
  const [backend, setup] = values.child.split(':') as [string, Setup];
  tf.env().set('PROD', true);
  if (setup === 'threads') await useThreadedWasm({ threads: 2 });
  await tf.setBackend(backend);
  const out: (Figures | null)[] = [];
  for (const c of cases) out.push(backend === 'cpu' && !CPU_CASES.has(c.name) ? null : await ours(c, setup));
  console.log(JSON.stringify(out));
  process.exit(0);
}

/** Two decimals, or two significant digits below 0.1 (the cpu backend's ratios). */
const ratio = (x: number) => (x < 0.1 ? x.toPrecision(2) : x.toFixed(2));
const fmt = (x: number | null | undefined) => (x == null ? '–' : x.toFixed(1));

function torch(list: Case[]): { train: number; infer: number }[] {
  const input = JSON.stringify(
    list.map((c) => ({
      config: resnet(resnetPreset(c.preset)).toConfig(),
      headWidths: HEAD,
      batch: BATCH,
      size: c.size,
      budget,
      minRuns: 1,
      maxRuns: 1000,
    })),
  );
  const out = execFileSync('/usr/bin/python3', ['bench/train_torch.py'], { input, encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out) as { train: number; infer: number }[];
}

function child(backend: string, setup: Setup): (Figures | null)[] {
  const args = [
    '--import',
    'tsx',
    'bench/train.ts',
    '--child',
    `${backend}:${setup}`,
    '--budget',
    String(budget),
    '--batch',
    String(BATCH),
    '--cases',
    values.cases,
  ];
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })) as (Figures | null)[];
}

await tf.setBackend('cpu');
const reference = torch(cases);
const rows: string[] = [];
for (const backend of values.backends.split(',')) {
  const setups: Setup[] = backend === 'wasm' ? ['1 thread', 'worker', 'threads'] : ['1 thread'];
  const results = new Map(setups.map((s) => [s, child(backend, s)]));
  cases.forEach((c, i) => {
    const one = results.get('1 thread')![i];
    if (!one) {
      rows.push(`| ${c.name} | ${backend} | skipped (cpu backend too slow) | | | | | | | | |`);
      return;
    }
    const worker = results.get('worker')?.[i];
    const threads = results.get('threads')?.[i];
    const t = reference[i]!;
    const train2 = Math.max(worker?.train ?? 0, threads?.train ?? 0);
    const infer2 = threads?.infer ?? 0;
    rows.push(
      `| ${c.name} | ${backend} | ${fmt(one.train)} | ${fmt(worker?.train)} | ${fmt(threads?.train)} | ${fmt(t.train)} | ${ratio(one.train / t.train)} | ${train2 ? ratio(train2 / t.train) : '–'}` +
        ` | ${fmt(one.infer)} | ${fmt(threads?.infer)} | ${fmt(t.infer)} | ${ratio(one.infer! / t.infer)} | ${infer2 ? ratio(infer2 / t.infer) : '–'} |`,
    );
    console.error(rows.at(-1));
  });
}
console.log(`\nimages/s, batch ${BATCH}, budget ${budget} s per figure, PyTorch on 2 threads, ${new Date().toISOString()}\n`);
console.log(
  '| case | backend | train: 1 thread | worker | 2 threads | PyTorch | ratio 1 thread | ratio 2 cores | infer: 1 thread | 2 threads | PyTorch | ratio 1 thread | ratio 2 cores |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
console.log(rows.join('\n'));
