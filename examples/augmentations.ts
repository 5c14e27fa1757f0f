/**
 * A contact sheet of the paper's augmentations: rows normal / CutPaste / CutPaste-Scar / Cutout / Scar,
 * one column per image (the same image down each column).
 *
 *   npx tsx examples/augmentations.ts [--data DIR] [--out FILE] [--size 256] [--columns 6] [--seed 0] [--outline]
 *
 * Reads the first images of DIR/train/good (default DIR: ../shared/data/mvtec/bottle, relative to
 * the repository root; the images are only read, never copied), resized to size × size; when that
 * folder is missing, uses generated textures (stripes, noise, checks) instead. `--outline` draws
 * each changed region's border in red. Writes FILE (default examples/output/augmentations.png).
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import sharp from 'sharp';
import { createRng, cutPasteScarWithMask, cutPasteWithMask, cutoutWithMask, scarWithMask } from '../src/advanced';

tf.env().set('IS_TEST', true); // silences tfjs's "install tfjs-node" banner
const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(root, '../shared/data/mvtec/bottle') },
    out: { type: 'string', default: resolve(root, 'examples/output/augmentations.png') },
    size: { type: 'string', default: '256' },
    columns: { type: 'string', default: '6' },
    seed: { type: 'string', default: '0' },
    outline: { type: 'boolean', default: false },
  },
});
const size = Number(values.size);
const columns = Number(values.columns);
const seed = Number(values.seed);

/** [columns, size, size, 3] float32 in [0, 1] from DIR/train/good, or null when it is missing. */
async function loadImages(dir: string): Promise<Float32Array | null> {
  const folder = join(dir, 'train', 'good');
  if (!existsSync(folder)) return null;
  const files = readdirSync(folder)
    .filter((f) => /\.(png|jpe?g)$/i.test(f))
    .sort()
    .slice(0, columns);
  if (files.length < columns) return null;
  const out = new Float32Array(columns * size * size * 3);
  for (const [i, file] of files.entries()) {
    const raw = await sharp(join(folder, file)).removeAlpha().toColourspace('srgb').resize(size, size).raw().toBuffer();
    for (let k = 0; k < size * size * 3; k++) out[i * size * size * 3 + k] = raw[k]! / 255;
  }
  return out;
}

/** Procedural textures: stripes, value noise, checks, rings, … (one per column). */
function generateImages(): Float32Array {
  const rng = createRng(`textures-${seed}`);
  const out = new Float32Array(columns * size * size * 3);
  for (let i = 0; i < columns; i++) {
    const base = [0.3 + 0.5 * rng(), 0.3 + 0.5 * rng(), 0.3 + 0.5 * rng()];
    const period = 8 + 24 * rng();
    const angle = Math.PI * rng();
    const noise = Array.from({ length: 17 * 17 }, () => rng());
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const u = x * Math.cos(angle) + y * Math.sin(angle);
        let v: number;
        if (i % 3 === 0) v = 0.5 + 0.5 * Math.sin((2 * Math.PI * u) / period);
        else if (i % 3 === 1) v = noise[Math.floor((y / size) * 16) * 17 + Math.floor((x / size) * 16)]!;
        else v = (Math.floor(x / period) + Math.floor(y / period)) % 2;
        for (let c = 0; c < 3; c++) out[((i * size + y) * size + x) * 3 + c] = Math.min(1, base[c]! * (0.55 + 0.45 * v));
      }
    }
  }
  return out;
}

const loaded = await loadImages(values.data);
const source = loaded ? `${values.data}/train/good` : 'generated textures';
const images = tf.tensor4d(loaded ?? generateImages(), [columns, size, size, 3]);

const rows: Array<{ images: tf.Tensor4D; masks?: tf.Tensor4D }> = [{ images }];
const started = performance.now();
rows.push(cutPasteWithMask(images, { rng: createRng(seed + 1) }));
rows.push(cutPasteScarWithMask(images, { rng: createRng(seed + 2) }));
rows.push(cutoutWithMask(images, { rng: createRng(seed + 3) }));
rows.push(scarWithMask(images, { rng: createRng(seed + 4) }));
const ms = performance.now() - started;

const gap = 4;
const sheetWidth = columns * (size + gap) + gap;
const sheetHeight = rows.length * (size + gap) + gap;
const sheet = new Uint8Array(sheetWidth * sheetHeight * 3).fill(255);
rows.forEach((row, r) => {
  const pixels = row.images.dataSync();
  const mask = row.masks?.dataSync();
  for (let c = 0; c < columns; c++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const i = (c * size + y) * size + x;
        const o = ((gap + r * (size + gap) + y) * sheetWidth + gap + c * (size + gap) + x) * 3;
        const edge = values.outline && mask !== undefined && mask[i] === 1 && isEdge(mask, c, x, y);
        for (let ch = 0; ch < 3; ch++) sheet[o + ch] = edge ? [255, 0, 0][ch]! : Math.round(pixels[i * 3 + ch]! * 255);
      }
    }
  }
});

function isEdge(mask: ArrayLike<number>, c: number, x: number, y: number): boolean {
  const at = (xx: number, yy: number) => (xx >= 0 && yy >= 0 && xx < size && yy < size ? mask[(c * size + yy) * size + xx] : 0);
  return at(x - 1, y) !== 1 || at(x + 1, y) !== 1 || at(x, y - 1) !== 1 || at(x, y + 1) !== 1;
}

mkdirSync(dirname(values.out), { recursive: true });
await sharp(Buffer.from(sheet), { raw: { width: sheetWidth, height: sheetHeight, channels: 3 } })
  .png()
  .toFile(values.out);
console.log(`${values.out}: ${rows.length} rows × ${columns} images of ${size} px from ${source}; 4 augmentations in ${ms.toFixed(0)} ms`);
tf.dispose(rows.flatMap((r) => (r.masks ? [r.images, r.masks] : [r.images])));
