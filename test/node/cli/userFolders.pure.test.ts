/**
 * The `cutpaste` CLI on a user's own folders (issue 16, items 5 and 6), in child processes
 * (test/node/cli/cliHarness.ts): `fit --data` on a flat folder of images, what it says when a folder has
 * no layout it knows, and `score` skipping files it cannot read — named on stderr and in the JSON's
 * `skipped`, exit code 0 while any image was scored and 3 when none was.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, writeCategory } from './cliHarness';

let work = '';
const path = (...parts: string[]): string => join(work, ...parts);
// Tiny and fast: 48×64 images, 2 training steps of 4 patches, a 3×5 patch grid.
const TINY = ['--steps', '2', '--batch-size', '4', '--image-size', '48x64', '--stride', '8', '--quiet'];

interface ScoreJson {
  images: { file: string; score: number; isAnomalous: boolean | null }[];
  skipped: { file: string; reason: string }[];
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cutpaste-cli-own-'));
  const category = await writeCategory(path('pill'), 'pill', { trainCount: 6, testCount: 2, imageSize: [48, 64], seed: 5 });
  // A flat folder of normal images, as a user's photos are: no train/good, no good/.
  mkdirSync(path('photos'));
  for (const name of readdirSync(join(category, 'train/good')))
    copyFileSync(join(category, 'train/good', name), path('photos', `shot ${name}`));
  writeFileSync(path('photos', 'README.txt'), 'taken on line 3');
  // Images to score: two readable ones, a truncated PNG, an empty file and text named .png.
  const png = readFileSync(path('photos', 'shot 000.png'));
  mkdirSync(path('mixed'));
  copyFileSync(path('photos', 'shot 000.png'), path('mixed', 'a.png'));
  copyFileSync(path('photos', 'shot 001.png'), path('mixed', 'c.png'));
  writeFileSync(path('mixed', 'b-truncated.png'), png.subarray(0, png.length >> 1));
  mkdirSync(path('bad'));
  writeFileSync(path('bad', 'empty.png'), '');
  writeFileSync(path('bad', 'text.png'), 'not a PNG at all');
  writeFileSync(path('bad', 'truncated.png'), png.subarray(0, 60));
  // 100 × 100 = 10,000 pixels: over --max-pixels 5000, while the 48 × 64 images are under it.
  const big = await sharp(new Uint8Array(100 * 100 * 3).fill(128), { raw: { width: 100, height: 100, channels: 3 } })
    .png()
    .toBuffer();
  mkdirSync(path('sizes'));
  copyFileSync(path('photos', 'shot 000.png'), path('sizes', 'small.png'));
  writeFileSync(path('sizes', 'big.png'), big);
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('cutpaste fit --data accepts a flat folder of normal images', () => {
  it('trains on the image files directly in the folder and saves a model with a threshold', () => {
    const result = runCli(['fit', '--data', path('photos'), '--out', path('model'), ...TINY]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^saved .*model \(6 images, 2 steps in [\d.]+s\)/);
    expect(result.stdout).toMatch(/threshold: [\d.]+ \(0\.99 quantile of out-of-fold training scores\)/);
    expect(readdirSync(path('model')).sort()).toEqual(['model.json', 'weights.bin']);
  });

  const usage: [what: string, setup: (dir: string) => void, message: RegExp][] = [
    [
      'an empty folder',
      () => undefined,
      /: expected an MVTec AD category \(train\/good\/\), a folder with good\/ \(normal images\) or a folder holding image files \(\.png, \.jpg, \.jpeg, \.bmp, \.tif, \.tiff, \.webp\) directly; found 0 subfolders, 0 other files and no image file \(run 'cutpaste fit --help' for usage\)\n$/,
    ],
    [
      'a folder of text files and a subfolder',
      (dir) => (writeFileSync(join(dir, 'a.txt'), 'x'), mkdirSync(join(dir, 'sub'))),
      /: expected .* directly; found 1 subfolder, 1 other file and no image file \(run/,
    ],
    [
      'images beside subfolders',
      (dir) => (copyFileSync(path('photos', 'shot 000.png'), join(dir, 'x.png')), mkdirSync(join(dir, 'old'))),
      /: holds 1 image file \(x\.png\) beside subfolders \(old\) and no good\/: a flat folder of normal images must hold image files only; or move the normal images into good\/ \(run/,
    ],
  ];
  usage.forEach(([what, setup, message], i) => {
    it(`exits with code 2 and says what it looked for, for ${what}`, () => {
      const dir = path(`layout-${i}`);
      mkdirSync(dir);
      setup(dir);
      const result = runCli(['fit', '--data', dir, '--out', path('never'), ...TINY]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`^cutpaste fit: --data .*layout-${i}${message.source}`));
      expect(existsSync(path('never'))).toBe(false);
    });
  });
});

describe('cutpaste score skips files it cannot read', () => {
  it('scores the readable images, lists the truncated one in the JSON and names it on stderr, exit code 0', () => {
    const result = runCli(['score', '--model', path('model'), path('mixed'), '--json', '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout) as ScoreJson;
    expect(doc.images.map((i) => i.file.split('/').pop())).toEqual(['a.png', 'c.png']);
    for (const image of doc.images) expect(Number.isFinite(image.score) && typeof image.isAnomalous === 'boolean').toBe(true);
    expect(doc.skipped).toHaveLength(1);
    expect(doc.skipped[0]!.file).toMatch(/mixed\/b-truncated\.png$/);
    expect(doc.skipped[0]!.reason).toMatch(/^not a readable image \(unsupported format, corrupt or truncated: /);
    // Named even with --quiet: a skipped image is a warning, not a note.
    expect(result.stderr).toMatch(
      /^cutpaste score: skipped 1 of 3 image files that could not be read:\n {2}.*mixed\/b-truncated\.png: not a readable image \(/,
    );
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(2);
  });

  it('prints the table of the readable images and the skipped one on stderr without --json', () => {
    const result = runCli(['score', '--model', path('model'), path('mixed', 'a.png'), path('mixed', 'b-truncated.png')]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/mixed\/a\.png +[\d.]+ +[\d.]+ +(normal|anomalous) +[\d.]+$/);
    expect(result.stderr).toMatch(/skipped 1 of 2 image files that could not be read:\n {2}.*b-truncated\.png: not a readable image/);
  });

  it('skips a file over --max-pixels, with the size in the reason', () => {
    const result = runCli(['score', '--model', path('model'), path('sizes'), '--max-pixels', '5000', '--json', '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout) as ScoreJson;
    expect(doc.images.map((i) => i.file.split('/').pop())).toEqual(['small.png']);
    expect(doc.skipped).toHaveLength(1);
    expect(doc.skipped[0]!.file).toMatch(/sizes\/big\.png$/);
    expect(doc.skipped[0]!.reason).toBe(
      '100×100 (width × height) = 10,000 pixels, over the limit of 5,000; raise maxPixels (CLI: --max-pixels) to read it',
    );
  });

  it('exits with code 3 when no image could be read, listing each one, and the JSON says so too', () => {
    const result = runCli(['score', '--model', path('model'), path('bad'), '--json', '--quiet']);
    expect(result.code, result.stderr).toBe(3);
    const doc = JSON.parse(result.stdout) as ScoreJson;
    expect(doc.images).toEqual([]);
    expect(doc.skipped.map((s) => [s.file.split('/').pop(), s.reason.split(' (')[0]])).toEqual([
      ['empty.png', 'empty'],
      ['text.png', 'not a readable image'],
      ['truncated.png', 'not a readable image'],
    ]);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('cutpaste score: skipped 3 of 3 image files that could not be read:');
    expect(lines[1]).toMatch(/bad\/empty\.png: empty \(0 bytes\), not an image$/);
    expect(lines.at(-1)).toBe('cutpaste score: none of the 3 image files could be read; nothing was scored');
    const table = runCli(['score', '--model', path('model'), path('bad', 'empty.png'), '--quiet']);
    expect(table.code).toBe(3);
    expect(table.stdout).toBe('');
  });

  it('lists the folder entries it left out in the JSON too', () => {
    const result = runCli(['score', '--model', path('model'), path('photos'), '--json', '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout) as ScoreJson;
    expect(doc.images).toHaveLength(6);
    expect(doc.skipped.map((s) => [s.file.split('/').pop(), s.reason])).toEqual([
      ['README.txt', 'not an image file name: .png, .jpg, .jpeg, .bmp, .tif, .tiff, .webp'],
    ]);
  });
});
