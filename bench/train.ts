/**
 * Training-step and inference speed, ours beside PyTorch on the same architecture, batch and size.
 *
 *   npx tsx bench/train.ts [--backends wasm,cpu] [--budget 10] [--cases resnet18@64,resnet18-slim@128] [--batch 96]
 *
 * A training step is the 3-way pretext step (batch 96 = 32 originals × 3: forward, cross-entropy,
 * gradients, momentum SGD with weight decay, BatchNorm statistics) on fixed random images; the data
 * pipeline (CutPaste in JS) is timed separately by bench/augment.ts. Inference is pooled features in
 * eval mode (BatchNorm folded). PyTorch: Debian's python3-torch, 2 threads (bench/train_torch.py).
 * Each figure: images/s over ≥ 1 timed run after one warm-up, until `budget` seconds pass.
 * The cpu backend is ~100× slower than PyTorch: only the small cases run there. The wasm backend's
 * memory (a 32-bit heap) does not hold a ResNet-18 training step at 128 px with batch 96 (it aborts):
 * run the large cases alone with a smaller `--batch` (PyTorch gets the same batch).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import {
  linearClassifier, MomentumSGD, projectionHead, resnet, resnetPreset, trainStep, type ResNetPresetName,
} from '../src/index';
import { useThreadedWasm } from '../src/node/threadedWasm';

const { values } = parseArgs({
  options: {
    threads: { type: 'string' },
    backends: { type: 'string', default: 'wasm,cpu' },
    budget: { type: 'string', default: '10' },
    cases: { type: 'string', default: 'resnet18@64,resnet18-slim@128,patch32@32' },
    batch: { type: 'string', default: '96' },
  },
});
const budget = Number(values.budget);
const BATCH = Number(values.batch);
const HEAD = [512, 128];
const CPU_CASES = new Set(['resnet18@64', 'resnet18-slim@128', 'patch32@32']);

interface Case { name: string; preset: ResNetPresetName; size: number }
const cases: Case[] = values.cases!.split(',').map((c) => {
  const [preset, size] = c.split('@');
  return { name: c, preset: preset as ResNetPresetName, size: Number(size) };
});

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

async function ours(c: Case): Promise<{ train: number; infer: number }> {
  const encoder = resnet(resnetPreset(c.preset), { seed: 0 });
  const head = projectionHead({ inputDim: encoder.featureDim, widths: HEAD });
  const classifier = linearClassifier({ inputDim: head.outputDim, classes: 3 });
  const model = { encoder, head, classifier };
  const variables = [...encoder.trainableVariables(), ...head.trainableVariables(), ...classifier.trainableVariables()];
  const optimizer = new MomentumSGD(variables);
  const x = tf.randomUniform([BATCH, c.size, c.size, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const labels = Array.from({ length: BATCH }, (_, i) => i % 3);
  const train = await measure(async () => {
    const [loss, acc] = trainStep(model, tf.clone(x), tf.tensor1d(labels, 'int32'), {
      variables, optimizer, learningRate: 0.03, classes: 3, encoderTrains: true,
    });
    await loss.data();
    tf.dispose([loss, acc]);
  });
  const infer = await measure(async () => {
    const f = encoder.features(x, false);
    await f.data();
    f.dispose();
  });
  optimizer.dispose();
  [encoder, head, classifier, x].forEach((m) => m.dispose());
  return { train, infer };
}

/** Two decimals, or two significant digits below 0.1 (the cpu backend's ratios). */
const ratio = (x: number) => (x < 0.1 ? x.toPrecision(2) : x.toFixed(2));

function torch(list: Case[]): { train: number; infer: number }[] {
  const input = JSON.stringify(list.map((c) => ({
    config: resnet(resnetPreset(c.preset)).toConfig(), headWidths: HEAD, batch: BATCH, size: c.size,
    budget, minRuns: 1, maxRuns: 1000,
  })));
  const out = execFileSync('/usr/bin/python3', ['bench/train_torch.py'], { input, encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out) as { train: number; infer: number }[];
}

tf.env().set('PROD', true);
if (values.threads !== undefined) await useThreadedWasm({ threads: Number(values.threads) });
await tf.setBackend('cpu');
const reference = torch(cases);
const rows: string[] = [];
for (const backend of values.backends!.split(',')) {
  await tf.setBackend(backend);
  for (const [i, c] of cases.entries()) {
    if (backend === 'cpu' && !CPU_CASES.has(c.name)) {
      rows.push(`| ${c.name} | ${backend} | skipped (cpu backend too slow) | | | | | |`);
      continue;
    }
    const r = await ours(c);
    const t = reference[i]!;
    rows.push(`| ${c.name} | ${backend} | ${r.train.toFixed(1)} | ${t.train.toFixed(1)} | ${ratio(r.train / t.train)} | ${r.infer.toFixed(1)} | ${t.infer.toFixed(1)} | ${ratio(r.infer / t.infer)} |`);
    console.error(rows.at(-1));
  }
}
console.log(`\nimages/s, batch ${BATCH}, budget ${budget} s per figure, ${new Date().toISOString()}\n`);
console.log('| case | backend | train ours | train PyTorch | ratio | infer ours | infer PyTorch | ratio |');
console.log('|---|---|---|---|---|---|---|---|');
console.log(rows.join('\n'));
