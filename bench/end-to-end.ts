/**
 * Fit + evaluate of MVTec AD categories with the fast preset, end to end: minutes and peak memory.
 *
 *   npx tsx bench/end-to-end.ts [--data ../shared/data/mvtec] [--categories bottle] [--mode patch]
 *                               [--setups worker,threads,single]
 *
 * Each set-up runs in its own process (a wasm backend's threads are fixed when it starts; peak RSS
 * is per process):
 * - `worker`: the ordinary wasm backend plus one gradient worker for training (the default of
 *   `fit` in Node and of `cutpaste evaluate`);
 * - `threads`: the multi-threaded wasm build, XNNPACK on every core, no gradient worker
 *   (`useThreadedWasm()`; `cutpaste evaluate --threads auto --workers 0`);
 * - `single`: one thread, no worker (`workers: 0`).
 * "start + load" is importing tfjs, starting the backend and reading and resizing the training images;
 * "fit" is training (its own time and rate in brackets), embedding and the density;
 * "evaluate" reads and scores the test set; "total" is the process's wall time. The metrics are
 * printed to show the set-ups agree (they differ only through the worker's per-half BatchNorm).
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/data/mvtec' },
    categories: { type: 'string', default: 'bottle' },
    mode: { type: 'string', default: 'patch' },
    setups: { type: 'string', default: 'worker' },
    child: { type: 'string' }, // internal: `setup:category`
  },
});
type Setup = 'worker' | 'threads' | 'single';
const mode = values.mode as 'patch' | 'image';

interface Row {
  category: string;
  setup: Setup;
  loadSeconds: number;
  fitSeconds: number;
  trainSeconds: number;
  imagesPerSecond: number;
  evaluateSeconds: number;
  totalSeconds: number;
  peakRssMb: number;
  imageAuroc: number;
  pixelAuroc: number | null;
  auPro: number | null;
}

if (values.child !== undefined) {
  const started = performance.now();
  const [setup, category] = values.child.split(':') as [Setup, string];
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-layers');
  await import('@tensorflow/tfjs-backend-wasm');
  const lib = { ...(await import('../src/node/index')), ...(await import('../src/advanced')) }; // the CLI's Library: cutpaste/node and the registry
  const { evaluateCategory } = await import('../src/node/cli/evaluateCategory');
  if (setup === 'threads') await lib.useThreadedWasm();
  tf.enableProdMode();
  await tf.setBackend('wasm');
  const { result, fitReport } = await evaluateCategory(lib, join(values.data, category), {
    detector: { preset: 'fast', mode },
    workers: setup === 'worker' ? 'auto' : 0,
  });
  const total = (performance.now() - started) / 1000;
  const row: Row = {
    category,
    setup,
    loadSeconds: total - result.fitSeconds - result.evaluateSeconds,
    fitSeconds: result.fitSeconds,
    trainSeconds: fitReport.trainSeconds,
    imagesPerSecond: fitReport.imagesPerSecond,
    evaluateSeconds: result.evaluateSeconds,
    totalSeconds: total,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    imageAuroc: result.imageAuroc,
    pixelAuroc: result.pixelAuroc,
    auPro: result.auPro,
  };
  console.log(JSON.stringify(row));
  process.exit(0);
}

const minutes = (s: number) => {
  const whole = Math.round(s);
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
};
const pct = (x: number | null) => (x === null ? '–' : (100 * x).toFixed(1));
const rows: Row[] = [];
for (const category of values.categories.split(',')) {
  for (const setup of values.setups.split(',') as Setup[]) {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', 'bench/end-to-end.ts', '--child', `${setup}:${category}`, '--data', values.data, '--mode', mode],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 1 << 24,
      },
    );
    const row = JSON.parse(out.trim().split('\n').at(-1)!) as Row;
    rows.push(row);
    console.error(`${category} ${setup}: ${minutes(row.totalSeconds)}`);
  }
}
console.log(
  `\nfast preset, ${mode} mode, wasm; ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(2)} at the end; ${new Date().toISOString()}\n`,
);
console.log(
  '| category | set-up | start + load | fit (training, img/s) | evaluate | total | peak RSS | image AUROC | pixel AUROC | AUPRO |',
);
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.category} | ${r.setup} | ${r.loadSeconds.toFixed(1)} s | ${minutes(r.fitSeconds)} (${minutes(r.trainSeconds)}, ${r.imagesPerSecond.toFixed(0)}) | ${r.evaluateSeconds.toFixed(1)} s` +
      ` | ${minutes(r.totalSeconds)} | ${(r.peakRssMb / 1024).toFixed(2)} GB | ${pct(r.imageAuroc)} | ${pct(r.pixelAuroc)} | ${pct(r.auPro)} |`,
  );
}
