/**
 * Your own images, no masks: a folder with `good/` (normal images: they train the detector) and any
 * other subfolders of images to check (`incoming/`, `line-3/`, …). Fits on most of `good/`, sets the
 * threshold on the good images it held out, scores every other image, prints them ranked by score and
 * writes a heatmap overlay for each.
 *
 *   npx tsx examples/custom-folder.ts [--data DIR] [--out DIR] [--steps N] [--image-size N|HxW]
 *                                     [--per-location] [--backend wasm|cpu|tensorflow] [--quiet]
 *
 * Without --data it makes a sample folder first (synthetic wood: good/ with 60 images, incoming/ with 40
 * unlabelled ones, half of them defective) in examples/output/custom-folder/photos.
 */
import { mkdir, readdir, copyFile, rm } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CutPasteOptions } from 'cutpaste/node';
import { parseImageSize, parseInteger } from '../src/node/cli/parseValues';
import { selectBackend } from '../src/node/cli/backend';
import type { BackendName } from '../src/node/cli/commands';
import { formatScore, formatSeconds } from '../src/node/cli/format';
import { heatmapRange } from '../src/heatmap/heatmapRange';
import { loadLibrary } from '../src/node/cli/library';
import { ProgressDisplay, fitProgress } from '../src/node/cli/progress';

const outputs = resolve(import.meta.dirname, 'output/custom-folder');
const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    out: { type: 'string', default: outputs },
    steps: { type: 'string', default: '200' },
    'image-size': { type: 'string', default: '128' },
    'per-location': { type: 'boolean', default: false },
    backend: { type: 'string', default: 'wasm' },
    quiet: { type: 'boolean', default: false },
  },
});

const backend = await selectBackend(values.backend as BackendName);
const lib = await loadLibrary();
const display = new ProgressDisplay({ quiet: values.quiet });
const out = resolve(values.out);

/** A sample folder in the layout users have: good/ and a folder of unlabelled images. */
async function makeSampleFolder(): Promise<string> {
  const photos = join(out, 'photos');
  const staging = join(out, 'staging');
  await lib.generateSyntheticCategory(staging, { kind: 'wood', seed: 5, trainCount: 60, testCount: 40, imageSize: 256, overwrite: true });
  await rm(photos, { recursive: true, force: true });
  await mkdir(join(photos, 'good'), { recursive: true });
  await mkdir(join(photos, 'incoming'), { recursive: true });
  for (const name of await readdir(join(staging, 'train/good')))
    await copyFile(join(staging, 'train/good', name), join(photos, 'good', name));
  // Unlabelled: test images of every folder, renamed in a shuffled but fixed order.
  const test: string[] = [];
  for (const folder of (await readdir(join(staging, 'test'))).sort()) {
    for (const name of (await readdir(join(staging, 'test', folder))).sort()) test.push(join(staging, 'test', folder, name));
  }
  const order = test.map((_, i) => i).sort((a, b) => ((a * 7919) % 41) - ((b * 7919) % 41));
  for (const [k, i] of order.entries()) await copyFile(test[i]!, join(photos, 'incoming', `photo-${String(k).padStart(3, '0')}.png`));
  await rm(staging, { recursive: true, force: true });
  display.note(`made a sample folder: ${relative(process.cwd(), photos)} (good/: 60 images, incoming/: 40 unlabelled)`);
  return photos;
}

const dataDir = values.data ? resolve(values.data) : await makeSampleFolder();
const detectorOptions: CutPasteOptions = {
  preset: 'fast',
  mode: 'patch',
  imageSize: parseImageSize(values['image-size']),
  patchSize: 32,
  stride: 4,
  perLocation: values['per-location'],
  steps: parseInteger(values.steps, 'steps', 1, Number.MAX_SAFE_INTEGER),
};
const detector = await lib.CutPasteDetector.create(detectorOptions);
try {
  // 1. List the folder: 20 % of good/ is held out to set the threshold; other folders are to be checked.
  const folder = await lib.loadImageFolder(dataDir, { holdout: 0.2 });
  const heldOut = folder.test.filter((s) => s.defectType === 'good');
  const toCheck = folder.test.filter((s) => s.defectType !== 'good');
  display.note(
    `${backend} backend; ${folder.train.length} good images train, ${heldOut.length} set the threshold, ${toCheck.length} to check (${folder.defectTypes.join(', ') || 'none'})`,
  );

  // 2. Fit on the training part of good/.
  const report = await detector.fit(await folder.loadTrain(), { onProgress: fitProgress(display) });
  display.stop();

  // 3. Threshold: the 0.99 quantile of the held-out good images' scores (images the detector never saw).
  const threshold = await detector.calibrate(await Promise.all(heldOut.map(async (s) => (await folder.loadSample(s)).image)));

  // 4. Score the rest (each image at its own size), write heatmaps on one colour scale, rank.
  const range = heatmapRange(threshold.value);
  const heatmaps = join(out, 'heatmaps');
  await rm(heatmaps, { recursive: true, force: true });
  const ranked: { file: string; score: number; isAnomalous: boolean; heatmap: string }[] = [];
  const task = display.start('score', toCheck.length, 'images');
  for (let start = 0; start < toCheck.length; start += 8) {
    const samples = toCheck.slice(start, start + 8);
    const images = await Promise.all(samples.map(async (s) => (await folder.loadSample(s)).image));
    const predictions = await detector.predict(images, { maps: true });
    for (const [i, p] of predictions.entries()) {
      const file = samples[i]!.path;
      const heatmap = join(heatmaps, samples[i]!.defectType, `${basename(file).replace(/\.[^.]+$/, '')}.png`);
      await lib.writeHeatmap(heatmap, images[i]!, p.map!, { colormap: 'turbo', ...(range ? { range } : {}) });
      ranked.push({ file: relative(dataDir, file), score: p.score, isAnomalous: p.isAnomalous, heatmap: relative(process.cwd(), heatmap) });
    }
    task.update(Math.min(toCheck.length, start + 8));
  }
  task.done();
  ranked.sort((a, b) => b.score - a.score);

  console.log(
    `\nfit ${formatSeconds(report.seconds)}; threshold ${formatScore(threshold.value)} (0.99 quantile of ${heldOut.length} held-out good images)\n`,
  );
  const width = Math.max(...ranked.map((r) => r.file.length));
  console.log(`${'rank'.padStart(4)}  ${'file'.padEnd(width)}  ${'score'.padStart(7)}  verdict`);
  ranked.forEach((r, k) =>
    console.log(
      `${String(k + 1).padStart(4)}  ${r.file.padEnd(width)}  ${formatScore(r.score).padStart(7)}  ${r.isAnomalous ? 'ANOMALOUS' : 'normal'}`,
    ),
  );
  console.log(
    `\n${ranked.filter((r) => r.isAnomalous).length} of ${ranked.length} flagged; heatmaps in ${relative(process.cwd(), heatmaps)}`,
  );
} finally {
  detector.dispose();
}
