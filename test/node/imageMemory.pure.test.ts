/**
 * Memory bounds of the image readers: a file whose header declares more than `maxPixels` pixels is
 * refused from the header with an `ImageTooLargeError` (a 64-megapixel PNG of one colour is a tiny
 * file), a raised limit reads it resized while decoding, and `cutpaste score` on such files stays far
 * below what decoding them at full size costs (measured as the child process's peak RSS; before the
 * limit, two 8000 × 8000 PNGs took 2.8 GB, 262 MB after). No tensors in this process.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/node/cli/args';
import { heatmapSize } from '../../src/node/cli/heatmapImage';
import { UsageError } from '../../src/node/cli/UsageError';
import { DatasetError } from '../../src/node/DatasetError';
import { decodeBmp } from '../../src/node/decodeBmp';
import { DEFAULT_MAX_PIXELS } from '../../src/node/imageOptions';
import { ImageTooLargeError } from '../../src/node/ImageTooLargeError';
import { loadImageFolder } from '../../src/node/loadImageFolder';
import { loadMvtecCategory } from '../../src/node/loadMvtecCategory';
import { readImage, readImageSize, readMask } from '../../src/node/readImage';
import { REPO, runCli, writeCategory } from './cli/cliHarness';

const COLOUR = { r: 90, g: 120, b: 200 };
const BIG = 8000; // 64,000,000 pixels: over the default limit, 192 MB as RGB at full size
const RAISED = BIG * BIG;

let work: string;
let bigPng: string; // 8000 × 8000, one colour
let turnedJpeg: string; // stored 9000 × 4000 with EXIF orientation 6: read as 4000 × 9000
let smallPng: string; // 40 × 30
let bombBmp: string; // a 54-byte BMP header claiming 8000 × 8000
let smallBmp: Uint8Array; // 40 × 30, 24-bit

/** A 24-bit bottom-up BMP of one colour (BITMAPINFOHEADER), or only its header when `headerOnly`. */
function bmp(width: number, height: number, headerOnly = false): Uint8Array {
  const stride = Math.ceil((width * 3) / 4) * 4;
  const size = 54 + (headerOnly ? 0 : stride * height);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes.set([0x42, 0x4d]);
  view.setUint32(2, 54 + stride * height, true);
  view.setUint32(10, 54, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, width, true);
  view.setInt32(22, height, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, 24, true);
  for (let i = 54; i < size; i++) bytes[i] = 77;
  return bytes;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cutpaste-memory-'));
  bigPng = join(work, 'big.png');
  await sharp({ create: { width: BIG, height: BIG, channels: 3, background: COLOUR } })
    .png({ compressionLevel: 9 })
    .toFile(bigPng);
  turnedJpeg = join(work, 'turned.jpg');
  await sharp({ create: { width: 9000, height: 4000, channels: 3, background: COLOUR } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .toFile(turnedJpeg);
  smallPng = join(work, 'small.png');
  await sharp({ create: { width: 40, height: 30, channels: 3, background: COLOUR } })
    .png()
    .toFile(smallPng);
  bombBmp = join(work, 'bomb.bmp');
  writeFileSync(bombBmp, bmp(BIG, BIG, true));
  smallBmp = bmp(40, 30);
}, 120_000);
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Awaits `promise` and returns its ImageTooLargeError (failing when it resolves or throws another error). */
async function tooLarge(promise: Promise<unknown>): Promise<ImageTooLargeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImageTooLargeError);
  expect(error).toBeInstanceOf(DatasetError);
  return error as ImageTooLargeError;
}

describe('maxPixels: files over the limit are refused from their header, before decoding', () => {
  const rows: [string, () => Promise<unknown>, RegExp, [number, number, number]][] = [
    [
      'readImage, an 8000×8000 PNG, default limit',
      () => readImage(bigPng, { size: 64 }),
      /^readImage: .*big\.png is 8000×8000 \(width × height\) = 64,000,000 pixels, over the limit of 33,554,432; raise maxPixels \(CLI: --max-pixels\) to read it$/,
      [8000, 8000, DEFAULT_MAX_PIXELS],
    ],
    [
      'readMask, the same PNG',
      () => readMask(bigPng),
      /^readMask: .*big\.png is 8000×8000 .* over the limit of 33,554,432/,
      [8000, 8000, DEFAULT_MAX_PIXELS],
    ],
    [
      'readImage, a JPEG turned by EXIF: the size as read',
      () => readImage(turnedJpeg),
      /^readImage: .*turned\.jpg is 4000×9000 \(width × height\) = 36,000,000 pixels/,
      [4000, 9000, DEFAULT_MAX_PIXELS],
    ],
    [
      'readImage, a BMP header claiming 8000×8000 (no pixel data)',
      () => readImage(bombBmp),
      /^readImage: .*bomb\.bmp is 8000×8000/,
      [8000, 8000, DEFAULT_MAX_PIXELS],
    ],
    [
      'readImage, 40×30 against maxPixels 1199',
      () => readImage(smallPng, { maxPixels: 1199 }),
      /^readImage: .*small\.png is 40×30 \(width × height\) = 1,200 pixels, over the limit of 1,199/,
      [40, 30, 1199],
    ],
    [
      'decodeBmp, a 40×30 BMP against maxPixels 1199',
      async () => decodeBmp(smallBmp, 'small.bmp', { maxPixels: 1199 }),
      /^decodeBmp: small\.bmp is 40×30 .* over the limit of 1,199/,
      [40, 30, 1199],
    ],
    [
      'decodeBmp, the 8000×8000 header',
      async () => decodeBmp(readFileSync(bombBmp), 'bomb.bmp'),
      /^decodeBmp: bomb\.bmp is 8000×8000/,
      [8000, 8000, DEFAULT_MAX_PIXELS],
    ],
  ];
  it.each(rows)('%s', async (_, call, message, [width, height, maxPixels]) => {
    const error = await tooLarge(call());
    expect(error.message).toMatch(message);
    expect(error.name).toBe('ImageTooLargeError');
    expect([error.width, error.height, error.maxPixels]).toEqual([width, height, maxPixels]);
    if (!error.message.startsWith('decodeBmp')) expect(error.path).toMatch(/\.(png|jpg|bmp)$/);
  });

  it('accepts a file of exactly maxPixels pixels (the limit is inclusive)', async () => {
    expect((await readImage(smallPng, { maxPixels: 1200 })).width).toBe(40);
    expect(decodeBmp(smallBmp, 'small.bmp', { maxPixels: 1200 }).height).toBe(30);
  });

  it("with a raised limit reads the 8000×8000 PNG at the asked size, every pixel the file's colour", async () => {
    const image = await readImage(bigPng, { size: [48, 64], maxPixels: RAISED });
    expect([image.height, image.width, image.channels, image.data.length]).toEqual([48, 64, 3, 48 * 64 * 3]);
    for (let i = 0; i < image.data.length; i += 3) expect([image.data[i], image.data[i + 1], image.data[i + 2]]).toEqual([90, 120, 200]);
  });

  it('readImageSize reports any size from the header (after EXIF orientation) without a limit', async () => {
    expect(await readImageSize(bigPng)).toEqual({ width: 8000, height: 8000 });
    expect(await readImageSize(turnedJpeg)).toEqual({ width: 4000, height: 9000 });
    expect(await readImageSize(bombBmp)).toEqual({ width: 8000, height: 8000 });
  });

  it('the loaders refuse a large training image or mask when they read it, and read it resized with a raised limit', async () => {
    const folder = join(work, 'folder');
    mkdirSync(join(folder, 'good'), { recursive: true });
    copyFileSync(bigPng, join(folder, 'good', '000.png'));
    copyFileSync(smallPng, join(folder, 'good', '001.png'));
    const refused = await tooLarge((await loadImageFolder(folder, { imageSize: [48, 64] })).loadTrain());
    expect(refused.message).toMatch(/^loadImageFolder: .*good\/000\.png is 8000×8000/);
    const images = await (await loadImageFolder(folder, { imageSize: [48, 64], maxPixels: RAISED })).loadTrain();
    expect(images.map((i) => [i.height, i.width])).toEqual([
      [48, 64],
      [48, 64],
    ]);

    const category = join(work, 'category');
    for (const dir of ['train/good', 'test/crack', 'ground_truth/crack']) mkdirSync(join(category, dir), { recursive: true });
    copyFileSync(smallPng, join(category, 'train/good/000.png'));
    copyFileSync(smallPng, join(category, 'test/crack/000.png'));
    copyFileSync(bigPng, join(category, 'ground_truth/crack/000_mask.png'));
    const dataset = await loadMvtecCategory(category, { imageSize: 16 });
    const mask = await tooLarge(dataset.loadSample(dataset.test[0]!));
    expect(mask.message).toMatch(/^loadMvtecCategory: .*000_mask\.png is 8000×8000/);
  });

  const bad: [string, unknown, typeof RangeError | typeof TypeError][] = [
    ['0', 0, RangeError],
    ['-1', -1, RangeError],
    ['1.5', 1.5, RangeError],
    ['NaN', Number.NaN, RangeError],
    ['Infinity', Number.POSITIVE_INFINITY, RangeError],
    ['2^53', 2 ** 53, RangeError],
    ["'1000'", '1000', TypeError],
    ['null', null, TypeError],
  ];
  it.each(bad)('maxPixels %s is refused by every reader, naming the option', async (_, value, type) => {
    const options = { maxPixels: value as number };
    const calls: [string, () => Promise<unknown>][] = [
      ['readImage', () => readImage(smallPng, options)],
      ['readMask', () => readMask(smallPng, options)],
      ['loadImageFolder', () => loadImageFolder(join(work, 'folder'), options)],
      ['loadMvtecCategory', () => loadMvtecCategory(join(work, 'category'), options)],
      ['decodeBmp', async () => decodeBmp(smallBmp, 'small.bmp', options)],
    ];
    for (const [fn, call] of calls) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, fn).toBeInstanceOf(type);
      expect((error as Error).message).toMatch(new RegExp(`^${fn}: options\\.maxPixels must be `));
    }
  });
});

describe('the readers read only regular files, and no more bytes than an image of maxPixels can have', () => {
  it('refuses a named pipe with an image name at once instead of waiting for a writer', { timeout: 5000 }, async () => {
    const pipe = join(work, 'pipe.png');
    execFileSync('mkfifo', [pipe]);
    for (const call of [() => readImage(pipe), () => readMask(pipe), () => readImageSize(pipe)]) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DatasetError);
      expect((error as Error).message).toMatch(/^read(Image|Mask|ImageSize): .*pipe\.png is a named pipe, not an image file$/);
    }
  });

  it('refuses a file larger than 8 bytes a pixel of maxPixels plus 16 MiB before reading it (a sparse 20 MiB file)', async () => {
    const sparse = join(work, 'sparse.png');
    writeFileSync(sparse, readFileSync(smallPng));
    truncateSync(sparse, 20 * 2 ** 20);
    const error = await readImage(sparse, { maxPixels: 1000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as Error).message).toMatch(
      /^readImage: .*sparse\.png has 20971520 bytes, more than 16785216 are read \(8 per pixel of maxPixels, plus 16 MiB\): raise maxPixels \(CLI: --max-pixels\) to read it$/,
    );
    expect((await readImage(smallPng, { maxPixels: 1200 })).width).toBe(40); // a real file of the limit's size is read
  });
});

describe('cutpaste --max-pixels and the memory of score', () => {
  let model: string;
  let bigFolder: string;
  beforeAll(async () => {
    const data = await writeCategory(join(work, 'pill'), 'pill', { trainCount: 6, testCount: 2, imageSize: [48, 64], seed: 1 });
    model = join(work, 'model');
    const fit = runCli([
      'fit',
      '--data',
      data,
      '--out',
      model,
      '--steps',
      '2',
      '--batch-size',
      '4',
      '--image-size',
      '48x64',
      '--stride',
      '8',
      '--backend',
      'cpu',
      '--quiet',
    ]);
    expect(fit.stderr).toBe('');
    bigFolder = join(work, 'big');
    mkdirSync(bigFolder);
    copyFileSync(bigPng, join(bigFolder, 'a.png'));
    copyFileSync(bigPng, join(bigFolder, 'b.png'));
  }, 120_000);

  /** Runs `cutpaste score …` with its peak resident memory (MB) recorded at exit. */
  function scoreWithPeak(args: readonly string[]): { code: number | null; stdout: string; stderr: string; peakMb: number } {
    const probe = join(work, 'peak.mjs');
    const out = join(work, 'peak.txt');
    writeFileSync(
      probe,
      `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(${JSON.stringify(out)}, String(process.resourceUsage().maxRSS)));\n`,
    );
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        probe,
        join(REPO, 'src/node/cli/main.ts'),
        'score',
        '--model',
        model,
        ...args,
        '--backend',
        'cpu',
        '--quiet',
      ],
      { cwd: REPO, encoding: 'utf8', timeout: 120_000 },
    );
    return { code: run.status, stdout: run.stdout, stderr: run.stderr, peakMb: Number(readFileSync(out, 'utf8')) / 1024 };
  }

  it('parses --max-pixels on fit, score and evaluate, and refuses a value that is not an integer ≥ 1 (exit 2)', () => {
    expect(parseCommandLine(['score', '--model', 'm', 'a.png', '--max-pixels', '100'])).toMatchObject({ args: { maxPixels: 100 } });
    expect(parseCommandLine(['fit', '--data', 'd', '--out', 'm', '--max-pixels', '64000000'])).toMatchObject({
      args: { maxPixels: 64_000_000 },
    });
    expect(parseCommandLine(['evaluate', '--data', 'd'])).not.toHaveProperty('args.maxPixels');
    for (const value of ['0', '-5', '1.5', 'lots']) {
      expect(() => parseCommandLine(['evaluate', '--data', 'd', `--max-pixels=${value}`])).toThrow(UsageError);
    }
    expect(() => parseCommandLine(['score', '--model', 'm', 'a.png', '--max-pixels', '0'])).toThrow(
      /^option --max-pixels must be an integer ≥ 1, got '0'$/,
    );
  });

  it('score skips an 8000×8000 PNG by default, naming the file, its size and the limit (exit 3: nothing scored)', () => {
    const result = runCli(['score', '--model', model, join(bigFolder, 'a.png'), '--backend', 'cpu', '--quiet']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/a\.png: 8000×8000 \(width × height\) = 64,000,000 pixels, over the limit of 33,554,432/);
  });

  it('score with a raised limit reads two 8000×8000 PNGs at the model size: peak RSS under 600 MB (2.8 GB at full size)', () => {
    const result = scoreWithPeak([bigFolder, '--max-pixels', String(RAISED), '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as { images: { score: number }[] };
    expect(doc.images).toHaveLength(2);
    expect(doc.images[0]!.score).toBe(doc.images[1]!.score);
    expect(result.peakMb).toBeLessThan(600);
  });

  it('score --heatmaps draws large images at most 4096×4096 (aspect kept), under 900 MB', async () => {
    expect(heatmapSize(40, 30)).toEqual([30, 40]);
    expect(heatmapSize(4096, 4096)).toEqual([4096, 4096]);
    expect(heatmapSize(8000, 6000)).toEqual([3547, 4729]);
    const heatmaps = join(work, 'heatmaps');
    const result = scoreWithPeak([bigFolder, '--max-pixels', String(RAISED), '--heatmaps', heatmaps, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as { images: { heatmap: string }[] };
    const meta = await sharp(resolve(REPO, doc.images[0]!.heatmap)).metadata();
    expect([meta.width, meta.height]).toEqual([4096, 4096]);
    expect(result.peakMb).toBeLessThan(900);
  });
});
