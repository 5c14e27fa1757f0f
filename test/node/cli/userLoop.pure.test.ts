/**
 * The command line's loop after `fit`, in child processes on tiny generated images: `--detector`
 * (created and loaded through the registry), `evaluate --model`, `score --threshold`, normalised
 * scores and `--masks`, and `calibrate` rewriting only the threshold.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../../src/node/cli/args';
import { helpText } from '../../../src/node/cli/help';
import { DETECTOR_KINDS, DETECTOR_NAMES } from '../../../src/node/cli/detectorKinds';
import { runCli, writeCategory } from './cliHarness';

let work = '';
let category = '';
let flat = '';
let fd = '';
let cp = '';
const FD_TINY = ['--detector', 'feature-density', '--image-size', '48x64', '--max-features', '16', '--quiet'];
const CP_TINY = ['--steps', '2', '--batch-size', '4', '--image-size', '48x64', '--stride', '8', '--quiet'];

interface ScoreJson {
  detector: string;
  threshold: number;
  thresholdFrom: string;
  mode: string;
  images: { file: string; score: number; normalizedScore: number; isAnomalous: boolean; mask?: string }[];
}

const scoreJson = (args: string[]): ScoreJson => {
  const result = runCli(['score', ...args, '--json', '--quiet']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as ScoreJson;
};
const savedDocument = (dir: string): { threshold: { value: number; method: string; quantile?: number } } & Record<string, unknown> =>
  (JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { userDefinedMetadata: { cutpaste: never } }).userDefinedMetadata.cutpaste;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cutpaste-loop-'));
  category = await writeCategory(join(work, 'pill'), 'pill', { trainCount: 6, testCount: 6, imageSize: [48, 64], seed: 1 });
  flat = join(work, 'photos');
  cpSync(join(category, 'train', 'good'), flat, { recursive: true }); // a flat folder of PNGs
  fd = join(work, 'models', 'fd');
  cp = join(work, 'models', 'cp');
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('--detector', () => {
  it("offers the registry's kinds with their option tables", async () => {
    const { detectorKinds, detectorFor } = await import('../../../src/detector/registry');
    expect(DETECTOR_NAMES).toEqual(detectorKinds());
    for (const kind of DETECTOR_NAMES) expect(DETECTOR_KINDS[kind]!.schema).toBe(detectorFor(kind)!.schema);
  });

  it('lists each detector with its options in fit help', () => {
    const text = helpText('fit');
    expect(text).toMatch(/^--detector cutpaste \(the default\): /m);
    const fdSection = text.slice(text.indexOf('--detector feature-density:'));
    expect(fdSection).toMatch(/^ {6}--stages LIST /m);
    expect(fdSection).toMatch(/^ {6}--max-features N /m);
    expect(fdSection).not.toMatch(/^ {6}--steps /m);
  });

  it("refuses an unknown kind, listing the kinds, and another detector's flag, naming both", () => {
    const unknown = runCli(['fit', '--detector', 'x', '--data', flat, '--out', fd]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^cutpaste fit: option --detector must be one of cutpaste, feature-density, got 'x'/);
    expect(() => parseCommandLine(['fit', '--data', 'd', '--out', 'm', '--detector', 'feature-density', '--steps', '3'])).toThrow(
      /^option --steps belongs to --detector cutpaste, not to --detector feature-density$/,
    );
    expect(() => parseCommandLine(['evaluate', '--data', 'd', '--stages', '2'])).toThrow(
      /^option --stages belongs to --detector feature-density, not to --detector cutpaste \(the default\)$/,
    );
    expect(
      parseCommandLine(['fit', '--data', 'd', '--out', 'm', '--detector', 'feature-density', '--stages', '1,2', '--max-features', '8']),
    ).toMatchObject({ args: { detector: 'feature-density', stages: [1, 2], maxFeatures: 8 } });
  });

  it('fits feature-density on a flat folder of PNGs, printing its features, and score reads the model', () => {
    const fit = runCli(['fit', '--data', flat, '--out', fd, ...FD_TINY]);
    expect(fit.stderr).toBe('');
    expect(fit.code).toBe(0);
    expect(fit.stdout).toMatch(/^ {2}features: 16 per location on a \d+×\d+ grid, from resnet18-slim \(no training\)$/m);
    expect(fit.stdout).not.toContain('pretext');
    expect(savedDocument(fd).detector).toBe('feature-density');
    const doc = scoreJson(['--model', fd, join(category, 'test')]);
    expect(doc.detector).toBe('feature-density');
    expect(doc.images).toHaveLength(6);
    for (const image of doc.images) expect(image.normalizedScore).toBeCloseTo(image.score / doc.threshold, 6);
  });
});

describe('cutpaste evaluate --model', () => {
  it('scores a saved model of either kind on a category without training', () => {
    expect(runCli(['fit', '--data', category, '--out', cp, ...CP_TINY]).code).toBe(0);
    for (const model of [cp, fd]) {
      const before = readFileSync(join(model, 'model.json'), 'utf8');
      const result = runCli(['evaluate', '--model', model, '--data', category, '--quiet']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^\| pill +\| +[\d.]+ \| +[\d.]+ \| +[\d.]+ \|/m);
      expect(readFileSync(join(model, 'model.json'), 'utf8')).toBe(before);
    }
  });

  it('refuses training flags with --model', () => {
    const result = runCli(['evaluate', '--model', cp, '--data', category, '--steps', '5']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^cutpaste evaluate: option --steps configures a new detector; with --model the saved one is evaluated as is/,
    );
  });
});

describe('cutpaste score --threshold and --masks', () => {
  it('uses --threshold for this run only, in verdicts and normalised scores', () => {
    const saved = savedDocument(cp).threshold.value;
    const doc = scoreJson(['--model', cp, join(category, 'test'), '--threshold', '123.5']);
    expect([doc.threshold, doc.thresholdFrom]).toEqual([123.5, '--threshold']);
    for (const image of doc.images) {
      expect(image.isAnomalous).toBe(image.score >= 123.5);
      expect(image.normalizedScore).toBeCloseTo(image.score / 123.5, 6);
    }
    expect(savedDocument(cp).threshold.value).toBe(saved);
  });

  it('writes a binary mask per image, white exactly where the map reaches the threshold, and replaces only its own', async () => {
    const masks = join(work, 'masks');
    const doc = scoreJson(['--model', fd, join(category, 'test'), '--masks', masks]);
    expect(doc.images.every((i) => i.mask !== undefined)).toBe(true);
    for (const image of doc.images) {
      const { data, info } = await sharp(String(image.mask)).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
      expect([info.height, info.width, info.channels]).toEqual([48, 64, 1]);
      expect(data.every((v) => v === 0 || v === 255)).toBe(true);
      // The image score is the map's maximum, so an image is anomalous exactly when its mask has a white pixel.
      expect(data.includes(255), image.file).toBe(image.isAnomalous);
    }
    expect(scoreJson(['--model', fd, join(category, 'test'), '--masks', masks]).images).toHaveLength(6); // its own masks are replaced
    const foreign = join(masks, 'good', '000.png.png');
    writeFileSync(foreign, 'not a mask');
    const refused = runCli(['score', '--model', fd, join(category, 'test'), '--masks', masks]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--masks .*000\.png\.png exists and is not a mask written by cutpaste; it is never replaced/);
  });

  it('refuses a --masks folder inside the input folders, before scoring', () => {
    const inside = runCli(['score', '--model', fd, join(category, 'test'), '--masks', join(category, 'test', 'm')]);
    expect(inside.code).toBe(2);
    expect(inside.stderr).toMatch(
      /^cutpaste score: --masks .*: is inside the input folder .*; masks there could replace the images being scored/,
    );
  });
});

describe('cutpaste calibrate', () => {
  it('sets the quantile of normal images, rewriting only the threshold of the model folder', () => {
    const weights = readFileSync(join(fd, 'weights.bin'));
    const before = savedDocument(fd);
    const result = runCli(['calibrate', '--model', fd, '--data', join(category, 'test', 'good'), '--quantile', '0.5', '--quiet']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const after = savedDocument(fd);
    expect(after.threshold).toMatchObject({ method: 'quantile', quantile: 0.5 });
    expect(result.stdout).toMatch(/^threshold of .*fd: [\d.]+ → [\d.]+ \(0\.5 quantile of 3 normal images\)\n$/);
    expect({ ...after, threshold: null }).toEqual({ ...before, threshold: null });
    expect(readFileSync(join(fd, 'weights.bin')).equals(weights)).toBe(true);
    expect(readdirSync(join(work, 'models')).sort()).toEqual(['cp', 'fd']); // no temporary folder left
    // The median of the three normal scores: score reads it back.
    const scores = scoreJson(['--model', fd, join(category, 'test', 'good')])
      .images.map((i) => i.score)
      .sort((a, b) => a - b);
    expect(after.threshold.value).toBeCloseTo(scores[1]!, 3);
  });

  it('sets the F1-max threshold from good/ beside defect folders, and refuses --quantile there', () => {
    const result = runCli(['calibrate', '--model', cp, '--data', join(category, 'test'), '--quiet']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\(F1-max on 3 normal and 3 defective images\)\n$/);
    expect(savedDocument(cp).threshold.method).toBe('f1-max');
    const quantile = runCli(['calibrate', '--model', cp, '--data', join(category, 'test'), '--quantile', '0.9']);
    expect(quantile.code).toBe(2);
    expect(quantile.stderr).toMatch(/option --quantile applies to normal images only/);
  });

  it('refuses a model folder cutpaste did not write, changing nothing', () => {
    const foreign = join(work, 'models', 'foreign');
    mkdirSync(foreign, { recursive: true });
    cpSync(fd, foreign, { recursive: true });
    const json = JSON.parse(readFileSync(join(foreign, 'model.json'), 'utf8')) as Record<string, unknown>;
    delete json.savedBy;
    writeFileSync(join(foreign, 'model.json'), JSON.stringify(json));
    const before = readFileSync(join(foreign, 'model.json'), 'utf8');
    const result = runCli(['calibrate', '--model', foreign, '--data', flat]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/refusing to replace .*foreign: it holds a model this library did not write/);
    expect(readFileSync(join(foreign, 'model.json'), 'utf8')).toBe(before);
  });
});

describe('--report', () => {
  it('evaluate --model writes the HTML report with each test image, its mask and its map', () => {
    const report = join(work, 'report-evaluate');
    const result = runCli(['evaluate', '--model', fd, '--data', category, '--report', report, '--quiet']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const html = readFileSync(join(report, 'index.html'), 'utf8');
    const files = readdirSync(join(report, 'images'));
    expect(files.filter((f) => /^\d{4}\.png$/.test(f))).toHaveLength(6);
    expect(files.filter((f) => f.endsWith('-map.png'))).toHaveLength(6);
    expect(files.filter((f) => f.endsWith('-mask.png'))).toHaveLength(6); // ground truth: empty for the normal images
    for (const f of files) expect(html).toContain(`images/${f}`);
  });

  it('evaluate fits a feature-density detector and writes its report; score writes one without labels', () => {
    const report = join(work, 'report-fit');
    const result = runCli(['evaluate', '--data', category, '--report', report, ...FD_TINY]);
    expect(result.code).toBe(0);
    expect(readdirSync(join(report, 'images')).filter((f) => f.endsWith('-map.png'))).toHaveLength(6);
    const scored = join(work, 'report-score');
    const score = runCli(['score', '--model', cp, join(category, 'test', 'good'), '--report', scored, '--quiet']);
    expect(score.stderr).toBe('');
    expect(score.code).toBe(0);
    expect(readdirSync(join(scored, 'images')).sort()).toEqual([
      '0001-map.png',
      '0001.png',
      '0002-map.png',
      '0002.png',
      '0003-map.png',
      '0003.png',
    ]);
    const again = runCli(['score', '--model', cp, join(category, 'test', 'good'), '--report', scored]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^cutpaste score: --report .*: the folder holds files/);
  });
});
