import { cpSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { ImagesInput, TestSet } from '../../src/detector/index';
import type { ImageBatch } from '../../src/node/ImageDataset';
import type { LoadedImage } from '../../src/node/imageOptions';
import { DatasetError } from '../../src/node/DatasetError';
import { loadMvtecCategory } from '../../src/node/loadMvtecCategory';

const root = mkdtempSync(join(tmpdir(), 'cutpaste-mvtec-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const H = 12;
const W = 20;

/** Image `k`: a distinct deterministic pattern, `H × W × channels`. */
function pixels(k: number, channels: number): Uint8Array {
  const data = new Uint8Array(H * W * channels);
  for (let i = 0; i < data.length; i++) data[i] = (i * 29 + k * 71) % 256;
  return data;
}

/** A defect mask: a rectangle whose corner depends on `k`. */
function maskPixels(k: number): Uint8Array {
  const data = new Uint8Array(H * W);
  for (let y = 2; y < 6; y++) for (let x = 3 + k; x < 10 + k; x++) data[y * W + x] = 255;
  return data;
}

async function write(path: string, data: Uint8Array, channels: 1 | 3, sixteen = false): Promise<void> {
  mkdirSync(join(path, '..'), { recursive: true });
  const input = sixteen ? Uint16Array.from(data, (v) => v * 257) : data;
  let image = sharp(input, { raw: { width: W, height: H, channels } });
  if (sixteen) image = image.toColourspace(channels === 1 ? 'grey16' : 'rgb16');
  else if (channels === 1) image = image.toColourspace('b-w');
  writeFileSync(path, await image.png().toBuffer());
}

/** Category `name`: 3 train (RGB, one 16-bit), test/good 2, crack 2 (one 16-bit gray), hole 1, with masks. */
async function makeCategory(name: string, { masks = true } = {}): Promise<string> {
  const dir = join(root, name);
  await write(join(dir, 'train/good/000.png'), pixels(0, 3), 3);
  await write(join(dir, 'train/good/001.png'), pixels(1, 3), 3, true);
  await write(join(dir, 'train/good/002.png'), pixels(2, 3), 3);
  await write(join(dir, 'test/good/000.png'), pixels(10, 3), 3);
  await write(join(dir, 'test/good/001.png'), pixels(11, 3), 3);
  await write(join(dir, 'test/crack/000.png'), pixels(20, 3), 3);
  await write(join(dir, 'test/crack/001.png'), pixels(21, 1), 1, true);
  await write(join(dir, 'test/hole/000.png'), pixels(30, 3), 3);
  writeFileSync(join(dir, 'license.txt'), 'not an image');
  writeFileSync(join(dir, 'train/good/.DS_Store'), 'hidden');
  if (masks) {
    await write(join(dir, 'ground_truth/crack/000_mask.png'), maskPixels(0), 1);
    await write(join(dir, 'ground_truth/crack/001_mask.png'), maskPixels(1), 1);
    await write(join(dir, 'ground_truth/hole/000_mask.png'), maskPixels(2), 1);
  }
  return dir;
}

let base: string;
beforeAll(async () => {
  base = await makeCategory('widget');
});

describe('loadMvtecCategory', () => {
  it('lists every sample with split, defect type, label and mask path, without reading pixels', async () => {
    const widget = await loadMvtecCategory(base);
    expect(widget).toMatchObject({ dir: base, name: 'widget', hasMasks: true, defectTypes: ['crack', 'hole'], imageSize: null });
    expect(widget.train.map((s) => s.path)).toEqual(['000', '001', '002'].map((n) => join(base, `train/good/${n}.png`)));
    expect(widget.train.every((s) => s.split === 'train' && s.label === 0 && s.defectType === 'good' && s.maskPath === null)).toBe(true);
    expect(widget.test.map((s) => [s.defectType, s.label, s.maskPath?.slice(base.length + 1) ?? null])).toEqual([
      ['good', 0, null],
      ['good', 0, null],
      ['crack', 1, 'ground_truth/crack/000_mask.png'],
      ['crack', 1, 'ground_truth/crack/001_mask.png'],
      ['hole', 1, 'ground_truth/hole/000_mask.png'],
    ]);
  });

  it("returns batches the detector's evaluate accepts and training images fit accepts", () => {
    expectTypeOf<ImageBatch>().toMatchTypeOf<TestSet>();
    expectTypeOf<LoadedImage[]>().toMatchTypeOf<ImagesInput>();
  });

  it('loads training images with their exact pixels, 8- and 16-bit alike', async () => {
    const train = await (await loadMvtecCategory(base)).loadTrain();
    expect(train.map((t) => [t.width, t.height, t.channels])).toEqual([
      [W, H, 3],
      [W, H, 3],
      [W, H, 3],
    ]);
    train.forEach((image, k) => expect(image.data).toEqual(pixels(k, 3)));
  });

  it('streams the test set in batches with labels and masks at the image size', async () => {
    const widget = await loadMvtecCategory(base, { batchSize: 2 });
    const batches = [];
    for await (const batch of widget.testBatches()) batches.push(batch);
    expect(batches.map((b) => b.images.length)).toEqual([2, 2, 1]);
    expect(batches.flatMap((b) => b.labels)).toEqual([0, 0, 1, 1, 1]);
    const masks = batches.flatMap((b) => b.masks);
    expect(masks[0]).toEqual(new Uint8Array(H * W)); // normal images: all zero
    expect(masks[2]).toEqual(maskPixels(0));
    expect(masks[3]).toEqual(maskPixels(1));
    expect(masks[4]).toEqual(maskPixels(2));
    // The gray 16-bit defect image keeps one channel; the samples travel with their batch.
    expect(batches[1]!.images[1]).toMatchObject({ channels: 1, width: W, height: H });
    expect(batches[1]!.images[1]!.data).toEqual(pixels(21, 1));
    expect(batches[2]!.samples[0]!.path).toBe(join(base, 'test/hole/000.png'));
    // A per-call batch size overrides the loader's.
    const sizes = [];
    for await (const batch of widget.testBatches({ batchSize: 4 })) sizes.push(batch.images.length);
    expect(sizes).toEqual([4, 1]);
  });

  it('resizes images and masks to imageSize [height, width] and converts channels', async () => {
    const widget = await loadMvtecCategory(base, { imageSize: [6, 5], channels: 1 });
    expect(widget.imageSize).toEqual([6, 5]);
    const { images, masks } = await widget.loadTest();
    for (const image of images) expect(image).toMatchObject({ width: 5, height: 6, channels: 1 });
    for (const mask of masks) {
      expect(mask).toHaveLength(30);
      expect(mask!.every((v) => v === 0 || v === 255)).toBe(true);
    }
    // Mask 0 covers rows 2–5, columns 3–9 of 12 × 20: area ≥ 50 % for output rows 1–2, columns 1–2.
    const expected = new Uint8Array(30);
    for (const y of [1, 2]) for (const x of [1, 2]) expected[y * 5 + x] = 255;
    expect(masks[2]).toEqual(expected);
  });

  it('loads a category without ground_truth for image-level use only', async () => {
    const dir = await makeCategory('plain', { masks: false });
    const plain = await loadMvtecCategory(dir);
    expect(plain.hasMasks).toBe(false);
    expect(plain.test.every((s) => s.maskPath === null)).toBe(true);
    const { masks, labels } = await plain.loadTest();
    expect(masks).toEqual([null, null, null, null, null]);
    expect(labels).toEqual([0, 0, 1, 1, 1]);
  });

  it('accepts masks named like their image (<name>.png) as well as <name>_mask.png', async () => {
    const dir = join(root, 'same-name');
    cpSync(base, dir, { recursive: true });
    renameSync(join(dir, 'ground_truth/hole/000_mask.png'), join(dir, 'ground_truth/hole/000.png'));
    const category = await loadMvtecCategory(dir);
    expect(category.test.at(-1)!.maskPath).toBe(join(dir, 'ground_truth/hole/000.png'));
  });

  describe('layout errors name the path', () => {
    const variant = (name: string, change: (dir: string) => void): string => {
      const dir = join(root, name);
      cpSync(base, dir, { recursive: true });
      change(dir);
      return dir;
    };
    const cases: [string, (dir: string) => void, RegExp, string][] = [
      [
        'no train/good',
        (d) => rmSync(join(d, 'train/good'), { recursive: true }),
        /train\/good is missing: training needs normal images in train\/good/,
        'train/good',
      ],
      [
        'an empty train/good',
        (d) => {
          rmSync(join(d, 'train/good'), { recursive: true });
          mkdirSync(join(d, 'train/good'));
        },
        /train\/good holds no image files/,
        'train/good',
      ],
      [
        'a defect image without its mask',
        (d) => rmSync(join(d, 'ground_truth/crack/001_mask.png')),
        /test\/crack\/001\.png has no mask: expected .*ground_truth\/crack\/001_mask\.png/,
        'test/crack/001.png',
      ],
      [
        'a defect type without a mask folder',
        (d) => rmSync(join(d, 'ground_truth/hole'), { recursive: true }),
        /test\/hole\/000\.png has no mask: the folder .*ground_truth\/hole is missing/,
        'test/hole/000.png',
      ],
      [
        'a mask without its image',
        (d) => rmSync(join(d, 'test/crack/000.png')),
        /mask .*ground_truth\/crack\/000_mask\.png has no image/,
        'ground_truth/crack/000_mask.png',
      ],
      [
        'a mask folder without images',
        (d) => rmSync(join(d, 'test/hole'), { recursive: true }),
        /masks in .*ground_truth\/hole have no images/,
        'ground_truth/hole',
      ],
      [
        'a loose image in test/',
        (d) => writeFileSync(join(d, 'test/stray.png'), ''),
        /unexpected image .*test\/stray\.png/,
        'test/stray.png',
      ],
      [
        'a folder beside train/good',
        (d) => mkdirSync(join(d, 'train/bad')),
        /unexpected .*train\/bad: train\/ may only hold good\//,
        'train/bad',
      ],
    ];
    it.each(cases)('%s', async (name, change, message, at) => {
      const dir = variant(name.replace(/\W+/g, '-'), change);
      const error = await loadMvtecCategory(dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatasetError);
      expect((error as Error).message).toMatch(/^loadMvtecCategory: /);
      expect((error as Error).message).toMatch(message);
      expect((error as DatasetError).path).toBe(join(dir, at));
    });

    it('a missing folder, and a dataset root passed instead of a category (with a hint)', async () => {
      await expect(loadMvtecCategory(join(root, 'nope'))).rejects.toThrow(/^loadMvtecCategory: category folder .*nope does not exist$/);
      await expect(loadMvtecCategory(root)).rejects.toThrow(
        /is not an MVTec AD category: it has no train\/good folder; it looks like a dataset root holding the categories .*widget.*: pass one of them/,
      );
      const empty = join(root, 'empty');
      mkdirSync(empty);
      await expect(loadMvtecCategory(empty)).rejects.toThrow(/has no train\/good folder; expected <category>\/train\/good\/\*\.png/);
    });
  });

  it('reports an unreadable file and a mask of the wrong size when it is loaded', async () => {
    const dir = join(root, 'broken');
    cpSync(base, dir, { recursive: true });
    writeFileSync(join(dir, 'test/good/001.png'), 'garbage');
    // Make the hole mask 12 × 19 instead of 12 × 20.
    writeFileSync(
      join(dir, 'ground_truth/hole/000_mask.png'),
      await sharp(new Uint8Array(H * 19), { raw: { width: 19, height: H, channels: 1 } })
        .toColourspace('b-w')
        .png()
        .toBuffer(),
    );
    const category = await loadMvtecCategory(dir, { batchSize: 2 });
    const seen: number[] = [];
    const error = await (async () => {
      for await (const batch of category.testBatches()) seen.push(batch.images.length);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([]);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).path).toBe(join(dir, 'test/good/001.png'));
    const hole = category.test.at(-1)!;
    await expect(category.loadSample(hole)).rejects.toThrow(
      /mask .*hole\/000_mask\.png is 19×12 \(width × height\) but its image .*hole\/000\.png is 20×12/,
    );
    expect((await category.loadTrain()).length).toBe(3);
  });

  it('rejects invalid options with errors naming them', async () => {
    await expect(loadMvtecCategory(base, { imageSize: [0, 4] })).rejects.toThrow(
      /^loadMvtecCategory: options\.imageSize must be an integer in \[1, 65535\]/,
    );
    await expect(loadMvtecCategory(base, { channels: 2 as 1 })).rejects.toThrow(
      /^loadMvtecCategory: options\.channels must be 1 \(gray\) or 3 \(RGB\), got 2$/,
    );
    await expect(loadMvtecCategory(base, { batchSize: 0 })).rejects.toThrow(
      /^loadMvtecCategory: options\.batchSize must be an integer ≥ 1, got 0$/,
    );
    await expect(loadMvtecCategory('')).rejects.toThrow(TypeError);
    const category = await loadMvtecCategory(base);
    expect(() => category.testBatches({ batchSize: 1.5 })).toThrow(
      /^widget\.testBatches: options\.batchSize must be an integer ≥ 1, got 1\.5$/,
    );
  });
});
