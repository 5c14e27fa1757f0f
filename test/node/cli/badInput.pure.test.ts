/**
 * The `cutpaste` CLI on bad input, as a table (child processes, through test/node/cli/cliHarness.ts).
 * Bad command lines — folders that are files, folders that must not be replaced, sizes of zero or
 * beyond range, detector options the detector rejects — exit with code 2 and one line naming the
 * option. Bad data — truncated or empty images, a mask without its image, a single training image, a
 * model folder of another format version or with damaged files — exit with code 1 and the library's
 * message (images `score` cannot read are skipped instead: cli-userFolders.test.ts). Nothing is written to --out when a command fails. Complements cli-args.test.ts (the parser)
 * and cli-e2e.test.ts (the first usage and runtime errors); docs/errors.md lists every row.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, writeCategory } from './cliHarness';

let work = '';
const TINY = ['--steps', '2', '--batch-size', '4', '--image-size', '48x64', '--stride', '8', '--quiet'];
const path = (...parts: string[]) => join(work, ...parts);
const copy = (from: string, to: string) => {
  mkdirSync(join(to, '..'), { recursive: true });
  writeFileSync(to, readFileSync(from));
};
/** A model folder like `models/pill`, with `change` applied. */
function damagedModel(name: string, change: (dir: string) => void): string {
  const dir = path('models', name);
  for (const file of ['model.json', 'weights.bin']) copy(path('models', 'pill', file), join(dir, file));
  change(dir);
  return dir;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cutpaste-cli-bad-'));
  const pill = await writeCategory(path('mvtec', 'pill'), 'pill', { trainCount: 4, testCount: 4, imageSize: [48, 64], seed: 2 });
  const fit = runCli(['fit', '--data', pill, '--out', path('models', 'pill'), ...TINY]);
  expect(fit.code, fit.stderr).toBe(0);
  const png = readFileSync(join(pill, 'train/good/000.png'));
  writeFileSync(path('a-file'), 'not a folder');
  mkdirSync(path('busy'));
  writeFileSync(path('busy', 'notes.txt'), 'mine');
  mkdirSync(path('no-images'));
  mkdirSync(path('no-categories', 'photos'), { recursive: true });
  writeFileSync(path('half.png'), png.subarray(0, png.length >> 1));
  // A category with a truncated training image; one whose mask has no image; one with a truncated test image.
  await writeCategory(path('broken', 'train'), 'pill', { trainCount: 4, testCount: 2, imageSize: [48, 64], seed: 3 });
  writeFileSync(path('broken', 'train', 'train/good/001.png'), png.subarray(0, png.length >> 1));
  await writeCategory(path('broken', 'orphan'), 'pill', { trainCount: 4, testCount: 4, imageSize: [48, 64], seed: 3 });
  const [defect] = readdirSync(path('broken', 'orphan', 'ground_truth'));
  copy(path('broken', 'orphan', 'train/good/000.png'), path('broken', 'orphan', 'ground_truth', defect!, '007_mask.png'));
  await writeCategory(path('broken-test', 'pill'), 'pill', { trainCount: 4, testCount: 2, imageSize: [48, 64], seed: 4 });
  writeFileSync(path('broken-test', 'pill', 'test/good/000.png'), png.subarray(0, 40));
  // A folder of your own images with a single normal image.
  copy(path('mvtec', 'pill', 'train/good/000.png'), path('single', 'good', '000.png'));
  damagedModel('v99', (d) => {
    const json = JSON.parse(readFileSync(join(d, 'model.json'), 'utf8')) as {
      userDefinedMetadata: { cutpaste: { formatVersion: number } };
    };
    json.userDefinedMetadata.cutpaste.formatVersion = 99;
    writeFileSync(join(d, 'model.json'), JSON.stringify(json));
  });
  damagedModel('short-weights', (d) => writeFileSync(join(d, 'weights.bin'), readFileSync(join(d, 'weights.bin')).subarray(0, 100)));
  damagedModel('short-json', (d) => writeFileSync(join(d, 'model.json'), readFileSync(join(d, 'model.json')).subarray(0, 100)));
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** `<x>` in an argument is the path of x under the work folder. */
const fill = (args: string[]) => args.map((a) => a.replace(/<([^>]+)>/g, (_, p: string) => path(p)));
const NEW = '<never>'; // an --out that must never be created

describe('cutpaste exits with code 2 and one line naming the option for a bad command line', () => {
  const rows: [what: string, args: string[], message: RegExp][] = [
    [
      'a file given as the data folder',
      ['fit', '--data', '<a-file>', '--out', NEW],
      /^cutpaste fit: --data .*a-file: is a file, expected a folder \(run 'cutpaste fit --help' for usage\)\n$/,
    ],
    [
      'a file given as the model folder to write',
      ['fit', '--data', '<mvtec/pill>', '--out', '<a-file>'],
      /^cutpaste fit: --out .*a-file: is a file, expected a folder to save the model in /,
    ],
    [
      'a model folder holding other files',
      ['fit', '--data', '<mvtec/pill>', '--out', '<busy>'],
      /^cutpaste fit: --out .*busy: refusing to replace .*busy: it holds files that are not part of a saved model \(notes\.txt\); save into an empty or new folder /,
    ],
    [
      'an image size of zero',
      ['fit', '--data', '<mvtec/pill>', '--out', NEW, '--image-size', '0x64'],
      /^cutpaste fit: option --image-size must be an integer in \[16, 4096\], got '0' /,
    ],
    [
      'a huge image size',
      ['fit', '--data', '<mvtec/pill>', '--out', NEW, '--image-size', '100000'],
      /^cutpaste fit: option --image-size must be an integer in \[16, 4096\], got '100000' /,
    ],
    [
      'a step count beyond the safe integers',
      ['fit', '--data', '<mvtec/pill>', '--out', NEW, '--steps', '99999999999999999999'],
      /^cutpaste fit: option --steps must be an integer ≥ 1, got '99999999999999999999' /,
    ],
    [
      'a stride larger than the patch',
      ['fit', '--data', '<mvtec/pill>', '--out', NEW, '--stride', '40'],
      /^cutpaste fit: option --stride must be an integer in \[1, patchSize = 32\], got 40 /,
    ],
    [
      'a file given as the model to score with',
      ['score', '--model', '<a-file>', '<half.png>'],
      /^cutpaste score: --model .*a-file: is a file, expected a folder /,
    ],
    [
      'a folder without images to score',
      ['score', '--model', '<models/pill>', '<no-images>'],
      /^cutpaste score: .*no-images: the folder holds no image files \(\.png, \.jpg, \.jpeg, \.bmp, \.tif, \.tiff, \.webp\) /,
    ],
    [
      'a file given as the heatmap folder',
      ['score', '--model', '<models/pill>', '<mvtec/pill/test/good>', '--heatmaps', '<a-file>'],
      /^cutpaste score: --heatmaps .*a-file: is a file, expected a folder for the heatmap PNGs /,
    ],
    [
      'a root without categories',
      ['evaluate', '--data', '<no-categories>'],
      /^cutpaste evaluate: --data .*no-categories: no MVTec AD category found \(expected folders like bottle\/ holding train\/good\/ and test\/\) /,
    ],
    [
      'a file given as the results folder',
      ['evaluate', '--data', '<mvtec>', '--out', '<a-file>'],
      /^cutpaste evaluate: --out .*a-file: is a file, expected a folder for the result files /,
    ],
    [
      'a patch larger than the image (evaluate)',
      ['evaluate', '--data', '<mvtec>', '--out', NEW, '--patch-size', '64', '--image-size', '48'],
      /^cutpaste evaluate: option --patch-size must be an integer in \[8, 48\] \(the image size\), got 64 /,
    ],
  ];
  for (const [what, args, message] of rows) {
    it(`for ${what}`, () => {
      const result = runCli(fill(args));
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(result.stdout).toBe('');
      expect(existsSync(path('never'))).toBe(false);
      expect(readFileSync(path('a-file'), 'utf8')).toBe('not a folder');
    });
  }
});

describe('cutpaste exits with code 1 and the library message for bad data, writing nothing', () => {
  const rows: [what: string, args: string[], message: RegExp][] = [
    [
      'a truncated training image',
      ['fit', '--data', '<broken/train>', '--out', NEW, ...TINY],
      /^cutpaste fit: loadMvtecCategory: .*train\/good\/001\.png is not a readable image \(unsupported format, corrupt or truncated: /,
    ],
    [
      'a mask without its image',
      ['fit', '--data', '<broken/orphan>', '--out', NEW, ...TINY],
      /^cutpaste fit: loadMvtecCategory: mask .*ground_truth\/(\w+)\/007_mask\.png has no image: expected .*test\/\1\/007\.png$/,
    ],
    [
      'a single training image',
      ['fit', '--data', '<single>', '--out', NEW, ...TINY],
      /^cutpaste fit: CutPasteDetector\.fit: images must hold at least 2 normal images, got 1$/,
    ],
    [
      'a truncated test image',
      ['evaluate', '--data', '<broken-test>', '--out', NEW, ...TINY],
      /^cutpaste evaluate: loadMvtecCategory: .*test\/good\/000\.png is not a readable image /,
    ],
    [
      'a model folder of another format version',
      ['score', '--model', '<models/v99>', '<half.png>'],
      /^cutpaste score: CutPasteDetector\.load: format version 99 is not supported; this library \(cutpaste .*\) reads version 1$/,
    ],
    [
      'a truncated weights file',
      ['score', '--model', '<models/short-weights>', '<mvtec/pill/test/good>'],
      /^cutpaste score: fileSystemHandler\.load: the weights of .*short-weights\/model\.json hold 100 bytes but its manifest's \d+ tensors need \d+; the files are truncated or belong to another model$/,
    ],
    [
      'a truncated model.json',
      ['score', '--model', '<models/short-json>', '<mvtec/pill/test/good>'],
      /^cutpaste score: fileSystemHandler\.load: .*short-json\/model\.json is not valid JSON \(.*\); the file is corrupt or truncated$/,
    ],
  ];
  for (const [what, args, message] of rows) {
    it(`for ${what}`, () => {
      const result = runCli(fill(args));
      expect(result.code, result.stderr).toBe(1);
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines[0]).toMatch(message);
      expect(lines.slice(1)).toEqual(['(run with --verbose for the stack trace)']);
      expect(result.stdout).toBe('');
      expect(existsSync(path('never'))).toBe(false);
    });
  }
});
