// writeReport (src/node/report): index.html and the PNGs it refers to, the refusal of a folder that
// holds files (the rule of `evaluate --out`), and nothing written for bad data.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport, type ReportData } from '../../../src/node/index';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cutpaste-report-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** 10 wide × 6 high: an RGB image and a float grey one, a 3 × 5 score map, a mask with a 2 × 2 defect. */
const rgb = { data: new Uint8Array(10 * 6 * 3).map((_, i) => i % 251), width: 10, height: 6, channels: 3 as const };
const grey = { data: new Float32Array(10 * 6).fill(0.5), width: 10, height: 6, channels: 1 as const };
const map = { data: Float32Array.from({ length: 15 }, (_, i) => i), height: 3, width: 5 };
const mask = new Uint8Array(60);
mask.set([255, 255], 22);
mask.set([255, 255], 32);

const data: ReportData = {
  title: 'two parts',
  images: [
    { name: 'good/a.png', score: 1, label: 0, image: grey, map, mask: new Uint8Array(60) },
    { name: 'crack/b.png', score: 5, label: 1, defectType: 'crack', image: rgb, map, mask },
  ],
  threshold: { value: 3, method: 'manual' },
  heatmap: { range: [1.5, 4.5] },
};

describe('writeReport', () => {
  it('writes index.html and, per image, the image, its mask and its heatmap as PNGs at the image size', async () => {
    const dir = join(root, 'new', 'report');
    const file = await writeReport(dir, data);
    expect(file).toBe(join(dir, 'index.html'));
    expect((await readdir(join(dir, 'images'))).sort()).toEqual([
      '0001-map.png',
      '0001-mask.png',
      '0001.png',
      '0002-map.png',
      '0002-mask.png',
      '0002.png',
    ]);
    const html = await readFile(file, 'utf8');
    for (const m of html.matchAll(/ src="([^"]+)"/g)) expect(existsSync(join(dir, m[1]!)), m[1]).toBe(true);
    const shown = await sharp(join(dir, 'images', '0002.png'))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(shown.info).toMatchObject({ width: 10, height: 6, channels: 3 });
    expect(Uint8Array.from(shown.data)).toEqual(rgb.data);
    const greyPng = await sharp(join(dir, 'images', '0001.png'))
      .raw()
      .toBuffer();
    expect(greyPng[0]).toBe(128); // 0.5 · 255, as RGB
    expect((await sharp(join(dir, 'images', '0002-mask.png')).metadata()).channels).toBe(1); // a grey PNG
    const maskPng = await sharp(join(dir, 'images', '0002-mask.png'))
      .toColourspace('b-w')
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([...maskPng.data].filter((v) => v === 255)).toHaveLength(4);
    const heat = await sharp(join(dir, 'images', '0002-map.png')).metadata();
    expect([heat.width, heat.height]).toEqual([10, 6]);
    expect((await readdir(join(root, 'new'))).filter((n) => n.startsWith('.'))).toEqual([]); // no temporary folder left
  });

  it('refuses a folder that holds files unless force, and then replaces the report files there', async () => {
    const dir = join(root, 'busy');
    await mkdir(dir);
    await writeFile(join(dir, 'notes.txt'), 'mine');
    await expect(writeReport(dir, data)).rejects.toThrow(
      /^writeReport: refusing to write into .*busy: it holds files \(notes\.txt\); choose a new or empty folder, or pass \{ force: true \}/,
    );
    expect(await readdir(dir)).toEqual(['notes.txt']);
    await writeReport(dir, data, { force: true });
    expect((await readdir(dir)).sort()).toEqual(['images', 'index.html', 'notes.txt']);
    await writeFile(join(root, 'a-file'), '');
    await expect(writeReport(join(root, 'a-file'), data)).rejects.toThrow(/a-file is a file; expected a folder for the report/);
  });

  it('writes nothing when the data is malformed', async () => {
    const dir = join(root, 'bad');
    const badMask = { ...data, images: [data.images[0]!, { ...data.images[1]!, mask: new Uint8Array(59) }] };
    await expect(writeReport(dir, badMask)).rejects.toThrow(
      /writeReport: data.images\[1\].mask must have the image's height × width = 6 × 10 = 60 values, got 59/,
    );
    await expect(writeReport(dir, { ...data, images: [] })).rejects.toThrow(RangeError);
    expect(existsSync(dir)).toBe(false);
    expect((await readdir(root)).filter((n) => n.includes('bad'))).toEqual([]);
  });
});
