/**
 * Bad input to the file readers and writers of `cutpaste/node`, tried systematically: missing, empty,
 * corrupt and truncated PNG/JPEG/BMP files (valid files written with sharp, then cut or damaged),
 * masks without images or of another size, folders of no known layout, and options out of range.
 * Every refusal is a typed error naming the function, the argument or file, and what was expected
 * (`DatasetError` carries the path at fault). Pure: no tfjs. See docs/errors.md.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyColormap, colormapTable } from '../../src/heatmap/colormap';
import { DatasetError } from '../../src/node/DatasetError';
import { decodeBmp } from '../../src/node/decodeBmp';
import { loadImageFolder } from '../../src/node/loadImageFolder';
import { loadMvtecCategory } from '../../src/node/loadMvtecCategory';
import { readImage, readMask } from '../../src/node/readImage';
import { renderHeatmap } from '../../src/heatmap/renderHeatmap';
import { resizeBox } from '../../src/node/resizeBox';
import { writeHeatmap } from '../../src/node/writeHeatmap';

type ErrorClass = abstract new (...args: never[]) => Error;
type Row = [what: string, call: () => unknown, kind: ErrorClass, message: RegExp, path?: () => string];

const H = 30; // non-square
const W = 40;
const root = mkdtempSync(join(tmpdir(), 'cutpaste-node-bad-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const at = (...parts: string[]) => join(root, ...parts);

const pixels = (channels: number, k = 0) => Uint8Array.from({ length: H * W * channels }, (_, i) => (i * 37 + k * 11) % 256);
const encode = (data: Uint8Array, channels: 1 | 3, format: 'png' | 'jpeg', width = W, height = H) =>
  sharp(data, { raw: { width, height, channels } }).toFormat(format).toBuffer();
const write = (path: string, bytes: Uint8Array | string) => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, bytes);
};
const cut = (bytes: Uint8Array, fraction: number) => bytes.subarray(0, Math.floor(bytes.length * fraction));
const mask = (width = W, height = H) => Uint8Array.from({ length: width * height }, (_, i) => (i % width > 10 && i % width < 20 ? 255 : 0));

let png: Buffer;
let jpeg: Buffer;
let bmp: Buffer;

/** A small MVTec-layout category: 2 train, 1 good and 1 crack test image (with its mask). */
async function category(name: string): Promise<string> {
  const dir = at(name);
  for (const [path, k] of [
    ['train/good/000.png', 0],
    ['train/good/001.png', 1],
    ['test/good/000.png', 2],
    ['test/crack/000.png', 3],
  ] as const) {
    write(join(dir, path), await encode(pixels(3, k), 3, 'png'));
  }
  write(join(dir, 'ground_truth/crack/000_mask.png'), await encode(mask(), 1, 'png'));
  return dir;
}

beforeAll(async () => {
  png = await encode(pixels(3), 3, 'png');
  jpeg = await encode(pixels(3), 3, 'jpeg');
  const fixture = JSON.parse(readFileSync(new URL('../fixtures/node-images.json', import.meta.url), 'utf8')) as {
    bmp: { name: string; base64: string }[];
  };
  bmp = Buffer.from(fixture.bmp.find((b) => b.name.startsWith('24-bit'))!.base64, 'base64');
  const corrupt = Buffer.from(png);
  corrupt.fill(0x55, Math.floor(png.length / 3), Math.floor((png.length * 2) / 3));
  write(at('files/empty.png'), '');
  write(at('files/text.png'), 'this is not an image');
  write(at('files/header-only.png'), cut(png, 0.1));
  write(at('files/half.png'), cut(png, 0.5));
  write(at('files/corrupt.png'), corrupt);
  write(at('files/half.jpg'), cut(jpeg, 0.5));
  write(at('files/header-only.jpg'), cut(jpeg, 0.05));
  write(at('files/short.bmp'), bmp.subarray(0, bmp.length - 4));
  mkdirSync(at('files/folder.png'), { recursive: true });
  // Categories, each broken in one way.
  const truncatedTrain = await category('truncated-train');
  write(join(truncatedTrain, 'train/good/001.png'), cut(png, 0.5));
  const truncatedTest = await category('truncated-test');
  write(join(truncatedTest, 'test/crack/000.jpg'), cut(jpeg, 0.5));
  rmSync(join(truncatedTest, 'test/crack/000.png'));
  const emptyMask = await category('empty-mask');
  write(join(emptyMask, 'ground_truth/crack/000_mask.png'), '');
  const otherSize = await category('mask-size');
  write(join(otherSize, 'ground_truth/crack/000_mask.png'), await encode(mask(W - 1), 1, 'png', W - 1));
  const orphan = await category('orphan-mask');
  write(join(orphan, 'ground_truth/crack/001_mask.png'), await encode(mask(), 1, 'png'));
  await category('good');
  write(at('no-layout/images/000.png'), png);
  write(at('folder/good/000.png'), cut(png, 0.5));
  mkdirSync(at('empty-good/good'), { recursive: true });
  write(at('no-good/crack/000.png'), png);
});

const unreadable = (fn: string, file: string) =>
  new RegExp(`^${fn}: .*${file.replace(/\./g, '\\.')} is not a readable image \\(unsupported format, corrupt or truncated: .+\\)$`);
const firstBatch = async (dir: string) => {
  for await (const batch of (await loadMvtecCategory(dir)).testBatches({ batchSize: 8 })) return batch;
  return undefined;
};
const sampleOf = async (dir: string, type: string) => {
  const set = await loadMvtecCategory(dir);
  return set.loadSample(set.test.find((s) => s.defectType === type)!);
};
const image = { data: new Uint8Array(H * W * 3), width: W, height: H };
const map = { data: new Float32Array(H * W).map((_, i) => i), height: H, width: W };

const rows: Row[] = [
  // readImage / readMask: files
  [
    'a missing file',
    () => readImage(at('files/missing.png')),
    DatasetError,
    /^readImage: .*missing\.png does not exist$/,
    () => at('files/missing.png'),
  ],
  [
    'a folder named like an image',
    () => readImage(at('files/folder.png')),
    DatasetError,
    /^readImage: .*folder\.png is a folder, not an image file$/,
    () => at('files/folder.png'),
  ],
  [
    'an empty (0-byte) file',
    () => readImage(at('files/empty.png')),
    DatasetError,
    /^readImage: .*empty\.png is empty \(0 bytes\), not an image$/,
    () => at('files/empty.png'),
  ],
  [
    'a text file named .png',
    () => readImage(at('files/text.png')),
    DatasetError,
    unreadable('readImage', 'text.png'),
    () => at('files/text.png'),
  ],
  [
    'a PNG cut inside its header',
    () => readImage(at('files/header-only.png')),
    DatasetError,
    unreadable('readImage', 'header-only.png'),
    () => at('files/header-only.png'),
  ],
  [
    'a PNG cut in half',
    () => readImage(at('files/half.png')),
    DatasetError,
    unreadable('readImage', 'half.png'),
    () => at('files/half.png'),
  ],
  [
    'a PNG with overwritten bytes',
    () => readImage(at('files/corrupt.png')),
    DatasetError,
    unreadable('readImage', 'corrupt.png'),
    () => at('files/corrupt.png'),
  ],
  [
    'a JPEG cut in half',
    () => readImage(at('files/half.jpg')),
    DatasetError,
    unreadable('readImage', 'half.jpg'),
    () => at('files/half.jpg'),
  ],
  [
    'a JPEG cut inside its header',
    () => readImage(at('files/header-only.jpg')),
    DatasetError,
    unreadable('readImage', 'header-only.jpg'),
    () => at('files/header-only.jpg'),
  ],
  [
    'a truncated BMP',
    () => readImage(at('files/short.bmp')),
    DatasetError,
    /^decodeBmp: .*short\.bmp is truncated: pixel data needs \d+ bytes, the file has \d+$/,
    () => at('files/short.bmp'),
  ],
  ['a truncated mask', () => readMask(at('files/half.png')), DatasetError, unreadable('readMask', 'half.png'), () => at('files/half.png')],
  // readImage / readMask: arguments
  ['a path that is not a string', () => readImage(5 as never), TypeError, /^readImage: path must be a non-empty string, got 5$/],
  [
    'a size of 0',
    () => readImage(at('good/train/good/000.png'), { size: 0 }),
    RangeError,
    /^readImage: options\.size must be an integer in \[1, 65535\] or \[height, width\] of such integers, got 0$/,
  ],
  [
    'a huge size',
    () => readImage(at('good/train/good/000.png'), { size: [64, 1e6] }),
    RangeError,
    /^readImage: options\.size must be an integer in \[1, 65535\] or \[height, width\] of such integers, got \[64, 1000000\]$/,
  ],
  [
    'a size given as a string',
    () => readImage(at('good/train/good/000.png'), { size: '64' as never }),
    TypeError,
    /^readImage: options\.size must be an integer in \[1, 65535\] .*, got 64$/,
  ],
  [
    '4 channels',
    () => readImage(at('good/train/good/000.png'), { channels: 4 as never }),
    RangeError,
    /^readImage: options\.channels must be 1 \(gray\) or 3 \(RGB\), got 4$/,
  ],
  [
    'a mask size of [0, 4]',
    () => readMask(at('good/ground_truth/crack/000_mask.png'), { size: [0, 4] }),
    RangeError,
    /^readMask: options\.size must be an integer in \[1, 65535\]/,
  ],
  // loadMvtecCategory: layout, then files read later
  [
    'a folder of no known layout',
    () => loadMvtecCategory(at('no-layout')),
    DatasetError,
    /^loadMvtecCategory: .*no-layout is not an MVTec AD category: it has no train\/good folder; expected <category>\/train\/good\/\*\.png/,
    () => at('no-layout'),
  ],
  [
    'a file instead of a folder',
    () => loadMvtecCategory(at('files/text.png')),
    DatasetError,
    /^loadMvtecCategory: category folder .*text\.png is not a folder$/,
    () => at('files/text.png'),
  ],
  [
    'a mask without its image',
    () => loadMvtecCategory(at('orphan-mask')),
    DatasetError,
    /^loadMvtecCategory: mask .*ground_truth\/crack\/001_mask\.png has no image: expected .*test\/crack\/001\.png$/,
    () => at('orphan-mask/ground_truth/crack/001_mask.png'),
  ],
  [
    'a truncated training PNG',
    async () => (await loadMvtecCategory(at('truncated-train'))).loadTrain(),
    DatasetError,
    unreadable('loadMvtecCategory', 'train/good/001.png'),
    () => at('truncated-train/train/good/001.png'),
  ],
  [
    'a truncated test JPEG',
    () => firstBatch(at('truncated-test')),
    DatasetError,
    unreadable('loadMvtecCategory', 'test/crack/000.jpg'),
    () => at('truncated-test/test/crack/000.jpg'),
  ],
  [
    'an empty mask file',
    () => sampleOf(at('empty-mask'), 'crack'),
    DatasetError,
    /^loadMvtecCategory: .*ground_truth\/crack\/000_mask\.png is empty \(0 bytes\), not an image$/,
    () => at('empty-mask/ground_truth/crack/000_mask.png'),
  ],
  [
    'a mask of another size than its image',
    () => sampleOf(at('mask-size'), 'crack'),
    DatasetError,
    /^loadMvtecCategory: mask .*000_mask\.png is 39×30 \(width × height\) but its image .*test\/crack\/000\.png is 40×30$/,
    () => at('mask-size/ground_truth/crack/000_mask.png'),
  ],
  ['an empty path', () => loadMvtecCategory(''), TypeError, /^loadMvtecCategory: dir must be a non-empty path string, got $/],
  [
    '2 channels',
    () => loadMvtecCategory(at('good'), { channels: 2 as never }),
    RangeError,
    /^loadMvtecCategory: options\.channels must be 1 \(gray\) or 3 \(RGB\), got 2$/,
  ],
  [
    'an image size of 0',
    () => loadMvtecCategory(at('good'), { imageSize: 0 }),
    RangeError,
    /^loadMvtecCategory: options\.imageSize must be an integer in \[1, 65535\]/,
  ],
  [
    'a batch size of 0',
    async () => (await loadMvtecCategory(at('good'))).testBatches({ batchSize: 0 }),
    RangeError,
    /^good\.testBatches: options\.batchSize must be an integer ≥ 1, got 0$/,
  ],
  // loadImageFolder
  [
    'a folder without good/',
    () => loadImageFolder(at('no-good')),
    DatasetError,
    /^loadImageFolder: .*no-good\/good is missing: normal images for training go in good\/, or directly in .*no-good \(a flat folder of normal images\) \(found crack\)$/,
    () => at('no-good/good'),
  ],
  [
    'an empty good/',
    () => loadImageFolder(at('empty-good')),
    DatasetError,
    /^loadImageFolder: .*empty-good\/good holds no image files \(PNG, JPEG, BMP, TIFF or WebP\)$/,
    () => at('empty-good/good'),
  ],
  [
    'a truncated image in good/',
    async () => (await loadImageFolder(at('folder'))).loadTrain(),
    DatasetError,
    unreadable('loadImageFolder', 'good/000.png'),
    () => at('folder/good/000.png'),
  ],
  [
    'a holdout of 1',
    () => loadImageFolder(at('folder'), { holdout: 1 }),
    RangeError,
    /^loadImageFolder: options\.holdout must be a number in \[0, 1\), got 1$/,
  ],
  [
    'a NaN holdout',
    () => loadImageFolder(at('folder'), { holdout: NaN }),
    RangeError,
    /^loadImageFolder: options\.holdout must be a number in \[0, 1\), got NaN$/,
  ],
  // heatmaps and colour maps
  ['an empty heatmap path', () => writeHeatmap('', image, map), TypeError, /^writeHeatmap: path must be a non-empty string, got $/],
  [
    'a map of the wrong length',
    () => writeHeatmap(at('heat/short.png'), image, { ...map, data: new Float32Array(5) }),
    RangeError,
    /^renderHeatmap: map\.data must have length map\.height × map\.width = 1200, got 5$/,
  ],
  [
    'a NaN score',
    () => writeHeatmap(at('heat/nan.png'), image, { ...map, data: new Float32Array(H * W).fill(NaN) }),
    RangeError,
    /^renderHeatmap: scores must be finite, got NaN at index 0$/,
  ],
  [
    'image pixels in an Int16Array',
    () => renderHeatmap({ ...image, data: new Int16Array(3) as never }, map),
    TypeError,
    /^renderHeatmap: image\.data must be a Uint8Array, Uint8ClampedArray or Float32Array, got \[object Int16Array\]$/,
  ],
  [
    'an image of width 0',
    () => renderHeatmap({ ...image, width: 0 }, map),
    RangeError,
    /^renderHeatmap: image\.width must be an integer ≥ 1, got 0$/,
  ],
  [
    'an alpha of 2',
    () => renderHeatmap(image, map, { alpha: 2 }),
    RangeError,
    /^renderHeatmap: options\.alpha must be in \[0, 1\], got 2$/,
  ],
  [
    'a mask of the wrong length',
    () => renderHeatmap(image, map, { mask: new Uint8Array(3) }),
    RangeError,
    /^renderHeatmap: options\.mask must have length image\.height × image\.width = 1200, got 3$/,
  ],
  [
    'a contour colour of 256',
    () => renderHeatmap(image, map, { contourColor: [256, 0, 0] }),
    RangeError,
    /^renderHeatmap: options\.contourColor must be \[r, g, b\] with integers in \[0, 255\], got 256,0,0$/,
  ],
  [
    'a reversed colour range',
    () => applyColormap([1, 2], { range: [2, 1] }),
    RangeError,
    /^applyColormap: options\.range must be \[low, high\] with finite low < high, got \[2, 1\]$/,
  ],
  ['an infinite score', () => applyColormap([1, Infinity]), RangeError, /^applyColormap: scores must be finite, got Infinity at index 1$/],
  [
    'an unknown colour map',
    () => applyColormap([1], { colormap: 'rainbow' as never }),
    RangeError,
    /^applyColormap: options\.colormap must be one of 'jet', 'turbo', 'inferno', got "rainbow"$/,
  ],
  [
    'an unknown colour table',
    () => colormapTable('rainbow' as never),
    RangeError,
    /^colormapTable: name must be one of 'jet', 'turbo', 'inferno', got "rainbow"$/,
  ],
  // decoders
  [
    'bytes that are not a BMP',
    () => decodeBmp(Buffer.from('not an image at all, just some text'), 'a.bmp'),
    DatasetError,
    /^decodeBmp: a\.bmp is not a BMP file \(no "BM" header\)$/,
  ],
  [
    'a string instead of bytes',
    () => decodeBmp('BM' as never),
    TypeError,
    /^decodeBmp: bytes must be a Uint8Array \(or a Buffer\), got \[object String\]$/,
  ],
  [
    'a box resize to height 0',
    () => resizeBox(new Uint8Array(4), 2, 2, 0, 1),
    RangeError,
    /^resizeBox: outHeight must be a positive integer, got 0$/,
  ],
  [
    'box-resize data of the wrong length',
    () => resizeBox(new Uint8Array(3), 2, 2, 1, 1),
    RangeError,
    /^resizeBox: data must have length height × width = 4, got 3$/,
  ],
];

describe('the node readers and writers refuse bad input', () => {
  for (const [what, call, kind, message, path] of rows) {
    it(`refuse ${what} with a ${kind.name}`, async () => {
      const error = await (async () => call())().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, 'the call was not refused').toBeInstanceOf(kind);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
      if (path) expect((error as DatasetError).path).toBe(path());
    });
  }

  it('write no heatmap file for a refused map', () => {
    expect(existsSync(at('heat'))).toBe(false);
  });

  it('render a constant score map (no range given) in the colour map’s low colour instead of refusing it', async () => {
    const flat = { data: new Float32Array(H * W).fill(7), height: H, width: W };
    await writeHeatmap(at('heat-ok/flat.png'), image, flat, { colormap: 'jet', alpha: 1 });
    const { data, info } = await sharp(at('heat-ok/flat.png')).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([W, H]);
    expect(Array.from(data.subarray(0, 3))).toEqual(Array.from(colormapTable('jet').subarray(0, 3)));
  });
});
