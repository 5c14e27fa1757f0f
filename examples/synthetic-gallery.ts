/**
 * Contact sheets of the synthetic categories: one PNG per kind with a row of normal training images,
 * then one row per defect type (defect images with the ground-truth mask outlined in red; `--plain`: no outline).
 *
 *   npx tsx examples/synthetic-gallery.ts [--out DIR] [--kinds carpet,wood] [--size 256] [--seed 0] [--columns 6] [--plain]
 *
 * Without `--size` every kind is drawn at its own default size (256 px; `ceramic` 256 × 320).
 *
 * Writes DIR/<kind>.png (default DIR: examples/output/synthetic-gallery) and prints the time per image.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { type SyntheticImage, createSyntheticCategory, listSyntheticKinds } from '../src/data/index';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: resolve(import.meta.dirname, 'output/synthetic-gallery') },
    kinds: { type: 'string' },
    size: { type: 'string' },
    seed: { type: 'string', default: '0' },
    columns: { type: 'string', default: '6' },
    plain: { type: 'boolean', default: false },
  },
});
const columns = Number(values.columns);
const out = resolve(values.out);
mkdirSync(out, { recursive: true });
const kinds = listSyntheticKinds().filter((k) => !values.kinds || values.kinds.split(',').includes(k.kind));

for (const info of kinds) {
  const types = info.defectTypes;
  const started = performance.now();
  const category = createSyntheticCategory({
    kind: info.kind,
    seed: values.seed,
    imageSize: values.size === undefined ? info.defaultSize : Number(values.size),
    trainCount: columns,
    testCount: columns * types.length,
    defectFraction: 1,
  });
  const rows: { image: SyntheticImage; mask?: Uint8Array }[][] = [[...category.trainImages()].map((image) => ({ image }))];
  for (let t = 0; t < types.length; t++) rows.push([]);
  for (const sample of category.testSamples()) rows[1 + types.indexOf(sample.defectType)]!.push(sample);
  const seconds = (performance.now() - started) / 1000;
  const count = columns * (1 + types.length);

  const { height, width } = category.options;
  const sheetWidth = columns * (width + 4);
  const sheetHeight = rows.length * (height + 4);
  const sheet = new Uint8Array(sheetWidth * sheetHeight * 3).fill(255);
  rows.forEach((row, r) =>
    row.forEach((tile, c) => {
      const { image, mask } = tile;
      const x0 = c * (width + 4) + 2;
      const y0 = r * (height + 4) + 2;
      for (let y = 0; y < image.height; y++) {
        for (let x = 0; x < image.width; x++) {
          const i = y * image.width + x;
          const o = ((y0 + y) * sheetWidth + x0 + x) * 3;
          const edge = !values.plain && mask !== undefined && mask[i] !== 0 && isEdge(mask, image.width, image.height, x, y);
          for (let ch = 0; ch < 3; ch++) {
            sheet[o + ch] = edge ? (ch === 0 ? 255 : 0) : image.data[i * image.channels + (image.channels === 3 ? ch : 0)]!;
          }
        }
      }
    }),
  );
  const file = join(out, `${info.kind}.png`);
  await sharp(sheet, { raw: { width: sheetWidth, height: sheetHeight, channels: 3 } })
    .png()
    .toFile(file);
  console.log(
    `${info.kind.padEnd(8)} rows: good, ${types.join(', ')}  ${count} images in ${seconds.toFixed(2)} s ` +
      `(${((seconds * 1000) / count).toFixed(1)} ms/image) → ${file}`,
  );
}

function isEdge(mask: Uint8Array, width: number, height: number, x: number, y: number): boolean {
  return (
    x === 0 ||
    y === 0 ||
    x === width - 1 ||
    y === height - 1 ||
    mask[y * width + x - 1] === 0 ||
    mask[y * width + x + 1] === 0 ||
    mask[(y - 1) * width + x] === 0 ||
    mask[(y + 1) * width + x] === 0
  );
}
