/**
 * The `cutpaste` CLI end to end, in child processes (each picks its own tfjs backend): fit → score →
 * evaluate on a tiny generated category, and the exit codes of bad command lines and runtime errors.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../../src/version';
import { runCli, writeCategory } from './cliHarness';

let work = '';
let data = '';
let model = '';
// Tiny and fast: 48×64 images (non-square), 2 training steps of 4 patches, a 3×5 patch grid.
const TINY = ['--steps', '2', '--batch-size', '4', '--image-size', '48x64', '--stride', '8', '--quiet'];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cutpaste-cli-'));
  data = await writeCategory(join(work, 'mvtec', 'pill'), 'pill', { trainCount: 6, testCount: 6, imageSize: [48, 64], seed: 1 });
  model = join(work, 'models', 'pill');
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('cutpaste fit, score and evaluate', () => {
  it('fits a category, sets the threshold on held-out images and saves model.json and weights.bin atomically', () => {
    const result = runCli(['fit', '--data', data, '--out', model, ...TINY, '--per-location', '--holdout', '0.34']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^saved .*models\/pill \(4 images, 2 steps in [\d.]+s\)/);
    expect(result.stdout).toMatch(/threshold: [\d.]+ \(0\.99 quantile of 2 held-out normal images\)/);
    expect(readdirSync(model).sort()).toEqual(['model.json', 'weights.bin']);
    expect(readdirSync(join(work, 'models'))).toEqual(['pill']); // no temporary folder left
  });

  it('refuses to replace a saved model without --force, before training', () => {
    const result = runCli(['fit', '--data', data, '--out', model, ...TINY]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^cutpaste fit: --out .*: already holds a saved model; pass --force to replace it \(run 'cutpaste fit --help' for usage\)\n$/,
    );
  });

  it('scores files and folders, prints JSON and writes one heatmap per image at its own size', async () => {
    const heatmaps = join(work, 'heatmaps');
    const crack = readdirSync(join(data, 'test')).find((d) => d !== 'good')!;
    const result = runCli([
      'score',
      '--model',
      model,
      join(data, 'test', 'good'),
      join(data, 'test', crack, '000.png'),
      '--heatmaps',
      heatmaps,
      '--json',
      '--quiet',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as {
      threshold: number;
      mode: string;
      heatmapRange: [number, number];
      images: { file: string; score: number; isAnomalous: boolean; heatmap: string }[];
      skipped: unknown[];
    };
    const goods = readdirSync(join(data, 'test', 'good'));
    expect(doc.images.map((i) => i.file.split('/').slice(-2).join('/'))).toEqual([...goods.map((g) => `good/${g}`), `${crack}/000.png`]);
    expect(doc.mode).toBe('patch');
    expect(doc.skipped).toEqual([]);
    expect(doc.heatmapRange).toEqual([doc.threshold / 2, doc.threshold * 1.5]);
    for (const image of doc.images) {
      expect(Number.isFinite(image.score)).toBe(true);
      expect(image.isAnomalous).toBe(image.score >= doc.threshold);
    }
    // Heatmaps mirror the folders below the images' common folder (test/), so names cannot collide.
    expect(readdirSync(heatmaps).sort()).toEqual([crack, 'good'].sort());
    expect(readdirSync(join(heatmaps, crack))).toEqual(['000.png.png']); // the whole file name: x.jpg and x.png cannot collide
    const meta = await sharp(join(heatmaps, crack, '000.png.png')).metadata();
    expect([meta.height, meta.width, meta.channels]).toEqual([48, 64, 3]);
  });

  it('prints a table of file, score, normalised score, verdict and threshold for every image below a folder', () => {
    const result = runCli(['score', '--model', model, join(data, 'test'), '--backend', 'cpu', '--quiet']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^file +score +normalized +verdict +threshold$/);
    expect(lines).toHaveLength(1 + 6);
    for (const line of lines.slice(1)) expect(line).toMatch(/test\/\w+\/\d{3}\.png +[\d.]+ +[\d.]+ +(normal|anomalous) +[\d.]+$/);
    expect(lines.some((l) => /test\/good\/000\.png /.test(l))).toBe(true);
  });

  it('evaluates every category under a root and writes Markdown, JSON and CSV', () => {
    const out = join(work, 'results');
    const result = runCli(['evaluate', '--data', join(work, 'mvtec'), '--out', out, ...TINY]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\| category +\| image AUROC \| pixel AUROC \| AUPRO \| pretext \| fit s \| evaluate s \|\n/);
    expect(result.stdout).toMatch(
      /\n\| pill +\| +[\d.]+ \| +[\d.]+ \| +[\d.]+ \| +[\d.]+ \| +[\d.]+ \| +[\d.]+ \|\n\| \*\*mean\*\* \(1\) /,
    );
    expect(readdirSync(out).sort()).toEqual(['results.csv', 'results.json', 'results.md']);
    const doc = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
      categories: { category: string; imageAuroc: number; pixelAuroc: number; auPro: number; density: string; testImages: number }[];
    };
    const [pill] = doc.categories;
    expect(pill).toMatchObject({ category: 'pill', density: 'per-location', testImages: 6 }); // perLocation 'auto': the pill is an aligned object
    for (const v of [pill!.imageAuroc, pill!.pixelAuroc, pill!.auPro]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(readFileSync(join(out, 'results.csv'), 'utf8').split('\n')[1]).toMatch(/^pill,/);
    expect(readFileSync(join(out, 'results.md'), 'utf8')).toBe(result.stdout);
  });
});

describe('cutpaste errors and exit codes', () => {
  it('prints the version and the help', () => {
    expect(runCli(['--version'])).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
    const help = runCli(['evaluate', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: cutpaste evaluate --data MVTEC_ROOT/);
  });

  const usage: [string, string[], RegExp][] = [
    [
      'an unknown flag',
      ['fit', '--data', 'x', '--out', 'y', '--epochs', '1'],
      /^cutpaste fit: unknown option --epochs \(run 'cutpaste fit --help' for usage\)\n$/,
    ],
    ['an unknown command', ['train'], /^cutpaste: unknown command 'train' .*\(run 'cutpaste --help' for usage\)\n$/],
    ['a bad number', ['evaluate', '--data', '.', '--steps', '-3'], /^cutpaste evaluate: option --steps must be an integer ≥ 1, got '-3' /],
    [
      'a missing data folder',
      ['fit', '--data', 'no/such/folder', '--out', 'm'],
      /^cutpaste fit: --data no\/such\/folder: no such folder \(run/,
    ],
    [
      'a data folder of no known layout',
      ['fit', '--data', 'src', '--out', 'm'],
      /^cutpaste fit: --data .*src: expected an MVTec AD category \(train\/good\/\), a folder with good\/ \(normal images\) or a folder holding image files \(\.png, .*\) directly; found \d+ subfolders, \d+ other files and no image file \(run/,
    ],
    [
      'an MVTec root given to fit',
      ['fit', '--data', '<mvtec>', '--out', 'm'],
      /it looks like an MVTec AD root: pass one category, e\.g\. --data .*pill/,
    ],
    [
      'a missing category',
      ['evaluate', '--data', '<mvtec>', '--categories', 'pill,bottle'],
      /^cutpaste evaluate: --categories: bottle not found under .* \(found: pill\)/,
    ],
    ['a missing image', ['score', '--model', '<model>', 'nope.png'], /^cutpaste score: nope\.png: no such file or folder/],
    ['a folder that is not a model', ['score', '--model', 'src', 'a.png'], /^cutpaste score: --model src: no model\.json there/],
    [
      'a holdout that leaves nothing to hold out',
      ['fit', '--data', '<pill>', '--out', '<new>', '--holdout', '0.1'],
      /^cutpaste fit: option --holdout 0\.1 leaves 6 of 6 normal images to train on and 0 to set the threshold/,
    ],
    [
      'an option the detector rejects',
      ['fit', '--data', '<pill>', '--out', '<new>', '--patch-size', '64', '--image-size', '48'],
      /^cutpaste fit: option --patch-size must be an integer in \[8, 48\]/,
    ],
  ];
  for (const [what, args, message] of usage) {
    it(`exits with code 2 and one line for ${what}`, () => {
      const fill = (a: string): string =>
        a.replace('<mvtec>', join(work, 'mvtec')).replace('<pill>', data).replace('<model>', model).replace('<new>', join(work, 'never'));
      const result = runCli(args.map(fill));
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(result.stdout).toBe('');
      expect(existsSync(join(work, 'never'))).toBe(false);
    });
  }

  it('exits with code 1 and the library message for a corrupt model, with the stack only under --verbose', () => {
    const corrupt = join(work, 'corrupt-model');
    mkdirSync(corrupt);
    writeFileSync(join(corrupt, 'model.json'), readFileSync(join(model, 'model.json')).subarray(0, 60));
    writeFileSync(join(corrupt, 'weights.bin'), readFileSync(join(model, 'weights.bin')));
    const image = join(data, 'test', 'good', '000.png');
    const result = runCli(['score', '--model', corrupt, image, '--quiet']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^cutpaste score: fileSystemHandler\.load: .*corrupt-model\/model\.json is not valid JSON/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const verbose = runCli(['score', '--model', corrupt, image, '--quiet', '--verbose']);
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });

  it('names the package to install for a backend that is not installed', () => {
    const result = runCli(['score', '--model', model, join(data, 'test', 'good', '000.png'), '--backend', 'tensorflow']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^cutpaste score: --backend tensorflow needs the package @tensorflow\/tfjs-node .*: run `npm install @tensorflow\/tfjs-node`/,
    );
  });
});
