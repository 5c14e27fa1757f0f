/**
 * Checks `loadMvtecCategory` on real MVTec AD data: listing and loading speed of a category, and how
 * close resizing the 900 px originals to 256 px comes to the 256 px copies (made with Pillow: Lanczos
 * for images, area average + threshold 128 for masks). Writes one heatmap overlay (a stand-in score map:
 * the blurred ground-truth mask) to show `writeHeatmap`.
 *
 *   npx tsx examples/mvtec-loader.ts [--data ../shared/data/mvtec/bottle] [--fullres ../shared/data/mvtec-fullres/bottle] [--out DIR]
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gaussianBlur } from '../src/math/index';
import { loadMvtecCategory } from '../src/node/loadMvtecCategory';
import { writeHeatmap } from '../src/node/writeHeatmap';

const repo = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(repo, '../shared/data/mvtec/bottle') },
    fullres: { type: 'string', default: resolve(repo, '../shared/data/mvtec-fullres/bottle') },
    out: { type: 'string', default: resolve(import.meta.dirname, 'output/mvtec-loader') },
  },
});
if (!existsSync(values.data)) {
  console.log(`no data at ${values.data}; pass --data <MVTec category folder>`);
  process.exit(0);
}

let started = performance.now();
const category = await loadMvtecCategory(values.data, { imageSize: 256 });
console.log(
  `${category.name}: ${category.train.length} train, ${category.test.length} test (${category.defectTypes.join(', ')}), masks: ${category.hasMasks}, listed in ${(performance.now() - started).toFixed(0)} ms`,
);
started = performance.now();
const train = await category.loadTrain();
let tested = 0;
let firstDefect: { image: (typeof train)[number]; mask: Uint8Array } | undefined;
for await (const batch of category.testBatches({ batchSize: 32 })) {
  tested += batch.images.length;
  const k = batch.labels.indexOf(1);
  if (!firstDefect && k >= 0) firstDefect = { image: batch.images[k]!, mask: batch.masks[k]! };
}
const seconds = (performance.now() - started) / 1000;
console.log(
  `loaded ${train.length + tested} images at 256 px in ${seconds.toFixed(2)} s (${((train.length + tested) / seconds).toFixed(0)} images/s)`,
);

if (firstDefect) {
  const { image, mask } = firstDefect;
  const map = gaussianBlur(
    Float32Array.from(mask, (v) => v / 255),
    image.height,
    image.width,
    6,
  );
  const path = join(values.out, 'heatmap.png');
  await writeHeatmap(path, image, { data: map, height: image.height, width: image.width }, { mask, colormap: 'turbo' });
  console.log(`wrote ${path}`);
}

if (existsSync(values.fullres)) {
  const full = await loadMvtecCategory(values.fullres, { imageSize: 256 });
  const small = await loadMvtecCategory(values.data);
  const byPath = new Map([...small.train, ...small.test].map((s) => [s.path.slice(small.dir.length), s]));
  let sum = 0;
  let count = 0;
  let max = 0;
  let maskDiffers = 0;
  for (const sample of [...full.train, ...full.test]) {
    const reference = byPath.get(sample.path.slice(full.dir.length));
    if (!reference) continue;
    const [a, b] = await Promise.all([full.loadSample(sample), small.loadSample(reference)]);
    for (let i = 0; i < a.image.data.length; i++) {
      const d = Math.abs(a.image.data[i]! - b.image.data[i]!);
      sum += d;
      max = Math.max(max, d);
    }
    count += a.image.data.length;
    if (a.mask && b.mask) for (let i = 0; i < a.mask.length; i++) if (a.mask[i] !== b.mask[i]) maskDiffers++;
  }
  console.log(
    `900 → 256 px vs the 256 px copies: mean |Δ| ${(sum / count).toFixed(3)} gray levels, max ${max}; mask pixels that differ: ${maskDiffers}`,
  );
}
