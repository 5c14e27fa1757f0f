import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetError } from '../../src/node/DatasetError';
import { loadImageFolder } from '../../src/node/loadImageFolder';

const root = mkdtempSync(join(tmpdir(), 'cutpaste-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function writeImage(path: string, value: number, format: 'png' | 'jpeg' = 'png'): Promise<void> {
  mkdirSync(join(path, '..'), { recursive: true });
  const image = sharp(new Uint8Array(9 * 14 * 3).fill(value), { raw: { width: 14, height: 9, channels: 3 } });
  writeFileSync(path, await (format === 'png' ? image.png() : image.jpeg()).toBuffer());
}

async function makeFolder(name: string, goods: number, defects: Record<string, number>): Promise<string> {
  const dir = join(root, name);
  for (let i = 0; i < goods; i++) await writeImage(join(dir, 'good', `part-${i + 1}.png`), i);
  for (const [type, count] of Object.entries(defects)) {
    for (let i = 0; i < count; i++) await writeImage(join(dir, type, `img${i}.jpg`), 200 + i, 'jpeg');
  }
  return dir;
}

describe('loadImageFolder', () => {
  it('trains on good/ and tests on every other folder (label 1, no masks), in natural file order', async () => {
    const dir = await makeFolder('parts', 11, { scratch: 2, dent: 1 });
    const parts = await loadImageFolder(dir, { imageSize: [8, 6] });
    expect(parts).toMatchObject({ name: 'parts', hasMasks: false, defectTypes: ['dent', 'scratch'] });
    // part-2 before part-10: natural order.
    expect(parts.train.map((s) => s.path.split('/').at(-1))).toEqual(Array.from({ length: 11 }, (_, i) => `part-${i + 1}.png`));
    expect(parts.test.map((s) => [s.defectType, s.label])).toEqual([
      ['dent', 1],
      ['scratch', 1],
      ['scratch', 1],
    ]);
    const train = await parts.loadTrain();
    expect(train.map((t) => [t.width, t.height, t.channels])).toEqual(new Array(11).fill([6, 8, 3]));
    expect(train[9]!.data.every((v) => v === 9)).toBe(true);
    const { masks, labels } = await parts.loadTest();
    expect(masks).toEqual([null, null, null]);
    expect(labels).toEqual([1, 1, 1]);
  });

  it('holds out an evenly spaced fraction of good images for testing', async () => {
    const dir = await makeFolder('holdout', 10, { crack: 1 });
    const set = await loadImageFolder(dir, { holdout: 0.2 });
    expect(set.train).toHaveLength(8);
    expect(set.test.map((s) => [s.path.split('/').at(-1), s.split, s.label])).toEqual([
      ['part-5.png', 'test', 0],
      ['part-10.png', 'test', 0],
      ['img0.jpg', 'test', 1],
    ]);
  });

  it('throws DatasetErrors naming the path for a missing or empty good/ and loose images', async () => {
    const noGood = await makeFolder('no-good', 0, { crack: 1 });
    await expect(loadImageFolder(noGood)).rejects.toThrow(
      new RegExp(
        `^loadImageFolder: ${join(noGood, 'good')} is missing: normal images for training go in good/, or directly in ${noGood} \\(a flat folder of normal images\\) \\(found crack\\)$`,
      ),
    );
    mkdirSync(join(noGood, 'good'));
    await expect(loadImageFolder(noGood)).rejects.toThrow(/good holds no image files/);
    const loose = await makeFolder('loose', 2, {});
    await writeImage(join(loose, 'stray.png'), 1);
    const error = await loadImageFolder(loose).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).path).toBe(join(loose, 'stray.png'));
    await expect(loadImageFolder(join(root, 'missing'))).rejects.toThrow(/image folder .*missing does not exist/);
  });

  it('reads a flat folder of images as normal training images, holdout included, and refuses images beside subfolders', async () => {
    const dir = join(root, 'flat');
    for (let i = 0; i < 5; i++) await writeImage(join(dir, `shot-${i + 1}.${i === 2 ? 'jpg' : 'png'}`), 10 * i, i === 2 ? 'jpeg' : 'png');
    writeFileSync(join(dir, 'notes.txt'), 'not an image');
    const flat = await loadImageFolder(dir, { imageSize: [8, 6], holdout: 0.2 });
    expect(flat).toMatchObject({ dir, name: 'flat', hasMasks: false, defectTypes: [] });
    expect(flat.train.map((s) => [s.path.split('/').at(-1), s.defectType, s.label])).toEqual([
      ['shot-1.png', 'good', 0],
      ['shot-2.png', 'good', 0],
      ['shot-3.jpg', 'good', 0],
      ['shot-4.png', 'good', 0],
    ]);
    expect(flat.test.map((s) => [s.path.split('/').at(-1), s.split, s.label])).toEqual([['shot-5.png', 'test', 0]]);
    const train = await flat.loadTrain();
    expect(train.map((t) => [t.height, t.width])).toEqual(new Array(4).fill([8, 6]));
    mkdirSync(join(dir, 'old'));
    const error = await loadImageFolder(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).path).toBe(join(dir, 'shot-1.png'));
    expect((error as Error).message).toMatch(
      /unexpected image .*shot-1\.png beside the folders old: either put normal images in good\/ .*or keep only image files in .*flat \(a flat folder of normal images\)$/,
    );
  });

  it('rejects a holdout outside [0, 1)', async () => {
    await expect(loadImageFolder(root, { holdout: 1 })).rejects.toThrow(
      /^loadImageFolder: options\.holdout must be a number in \[0, 1\), got 1$/,
    );
  });
});
