/**
 * A validation draw for a real category without its test labels (issue 13's protocol for bottle): the
 * normal training images are split (seeded) into a fit part and a held-out part; every held-out image
 * is scored as it is and once more with one synthetic defect (in turn a small CutPaste patch, a
 * CutPaste-Scar and a stain, the density choice's probes), whose mask is the pixels it changed. Each
 * variant (a JSON object merged into the fast preset's options) is fitted on the fit part and
 * evaluated there: image AUROC, pixel AUROC and AUPRO. Settings for a real category are compared
 * here, never on its test set.
 *
 *   npx tsx bench/validation-split.ts --category ../shared/data/mvtec/bottle [--holdout 0.25]
 *       [--variants '[{"fusion":"none"},{"fusion":"feature-density"}]'] [--seed 0] [--size 256]
 */
import { appendFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    category: { type: 'string', default: '../shared/data/mvtec/bottle' },
    holdout: { type: 'string', default: '0.25' },
    variants: { type: 'string', default: '[{"fusion":"none"},{"fusion":"feature-density"}]' },
    seed: { type: 'string', default: '0' },
    size: { type: 'string', default: '256' },
    workers: { type: 'string', default: 'auto' },
  },
});

const tf = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-layers');
await import('@tensorflow/tfjs-backend-wasm');
const lib = await import('../src/node/index');
const { CutPasteDetector } = await import('../src/index');
const { createRng } = await import('../src/math/random');
const { cutPastePixels, cutPasteScarPixels, toModelInput } = await import('../src/advanced');
const { stainPixels } = await import('../src/ops/pixels/stainPixels');
tf.enableProdMode();
await tf.setBackend('wasm');

const size = Number(values.size);
const seed = Number(values.seed);
const folder = join(values.category, 'train', 'good');
const files = readdirSync(folder).sort();
const rng = createRng(`validation-split/${seed}`);
const order = files.map((f) => [rng(), f] as const).sort((a, b) => a[0] - b[0]);
const held = Math.round(files.length * Number(values.holdout));
// Every image at the model's size as float pixels: the defects are drawn at the scale the detector sees.
const load = async (f: string) => {
  const image = await lib.readImage(join(folder, f));
  const input = await toModelInput([image], [size, size], 3, 'validation-split');
  const data = Float32Array.from(await input.images.data());
  input.images.dispose();
  return { data, width: size, height: size, channels: 3 as const };
};
const fit = await Promise.all(order.slice(held).map(([, f]) => load(f)));
const normals = await Promise.all(order.slice(0, held).map(([, f]) => load(f)));

// One synthetic defect per held-out image, in turn; its mask is where it changed a pixel by > 0.02.
const probes = [
  (b: Parameters<typeof stainPixels>[0]) => cutPastePixels(b, { area: [0.005, 0.03], rng }),
  (b: Parameters<typeof stainPixels>[0]) => cutPasteScarPixels(b, { rng }),
  (b: Parameters<typeof stainPixels>[0]) => stainPixels(b, { rng }),
];
const defects = normals.map((image, i) => {
  const out = probes[i % 3]!({ data: image.data, batch: 1, height: size, width: size, channels: 3 }).data;
  const mask = new Uint8Array(size * size);
  for (let p = 0; p < size * size; p++) {
    const change = Math.max(...[0, 1, 2].map((c) => Math.abs(out[p * 3 + c]! - image.data[p * 3 + c]!)));
    mask[p] = change > 0.02 ? 1 : 0;
  }
  return { image: { ...image, data: out }, mask };
});
const testSet = {
  images: [...normals, ...defects.map((d) => d.image)],
  labels: [...normals.map(() => 0), ...defects.map(() => 1)],
  masks: [...normals.map(() => new Uint8Array(size * size)), ...defects.map((d) => d.mask)],
};
mkdirSync('bench/output', { recursive: true });
console.log(`${values.category}: fit on ${fit.length}, validate on ${normals.length} normal + ${defects.length} synthetic defects`);
const pct = (x: number | undefined) => (x === undefined ? '–' : (100 * x).toFixed(1));
for (const variant of JSON.parse(values.variants) as Record<string, unknown>[]) {
  const detector = await CutPasteDetector.create({ preset: 'fast', seed, imageSize: size, ...variant });
  const start = performance.now();
  const report = await detector.fit(fit, { workers: values.workers === 'auto' ? 'auto' : Number(values.workers) });
  const seconds = (performance.now() - start) / 1000;
  const result = await detector.evaluate(testSet);
  detector.dispose();
  const row = {
    category: values.category,
    seed,
    variant,
    imageAuroc: result.imageAuroc,
    pixelAuroc: result.pixelAuroc,
    auPro: result.auPro,
    density: report.density,
    fitSeconds: seconds,
    at: new Date().toISOString(),
  };
  appendFileSync('bench/output/validation-split.jsonl', `${JSON.stringify(row)}\n`);
  console.log(
    `${JSON.stringify(variant)}: image ${pct(result.imageAuroc)} pixel ${pct(result.pixelAuroc)} AUPRO ${pct(result.auPro)} ` +
      `density ${report.density}${report.companion ? ' + companion' : ''} fit ${seconds.toFixed(0)} s`,
  );
}
