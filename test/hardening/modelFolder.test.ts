/**
 * Bad saved detectors and bad folders: artifacts of another format version, foreign or damaged
 * documents and weights (in memory and as `file://` model folders), saves that cannot happen, and the
 * synthetic-category writer. Every refusal is a typed error (or, for file-system refusals, an Error
 * naming the path) that leaks no tensor and leaves nothing half-written on disk.
 */
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortError,
  CutPasteDetector,
  fileSystemHandler,
  FormatError,
  generateSyntheticCategory,
  StateError,
  VERSION,
} from '../../src/node/index';
import { DETECTOR_FORMAT_VERSION } from '../../src/advanced';
import { objectImages } from '../helpers/textures';
import { editDocument, saveToMemory } from '../helpers/artifacts';
import { expectRefusal, type Refusal } from './refusal';

const H = 32;
const W = 40;
const TINY_RESNET = {
  blocks: [1],
  widths: [8],
  strides: [1],
  padding: 'same' as const,
  stem: { channels: 8, kernel: 3, stride: 2, maxPool: false },
};
const options = {
  mode: 'image' as const,
  encoder: TINY_RESNET,
  headWidths: [8],
  imageSize: [H, W] as [number, number],
  steps: 1,
  batchSize: 4,
};

let root: string;
let model: string; // a good model folder
let artifacts: tf.io.ModelArtifacts;
let detector: CutPasteDetector;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'cutpaste-hardening-'));
  const { images } = objectImages(4, H, W, 2);
  detector = await CutPasteDetector.create(options);
  await detector.fit(images);
  images.dispose();
  artifacts = await saveToMemory(detector);
  model = join(root, 'good');
  await detector.save(`file://${model}`);
});
afterAll(() => {
  detector.dispose();
  rmSync(root, { recursive: true, force: true });
});

/** A copy of the good model folder, changed by `change`; returns its path. */
function damagedCopy(name: string, change: (dir: string) => void): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const file of readdirSync(model)) writeFileSync(join(dir, file), readFileSync(join(model, file)));
  change(dir);
  return dir;
}

type ModelJson = { userDefinedMetadata: { cutpaste: Record<string, unknown> } };
const editJson = (dir: string, edit: (json: ModelJson) => void): void => {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as ModelJson;
  edit(json);
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
};

/** Loading the good artifacts with their document changed by `edit` (built when the row runs). */
const edited = (edit: (doc: Record<string, unknown>) => void) => () =>
  CutPasteDetector.load(tf.io.fromMemory(editDocument(artifacts, edit)));
const load = '^CutPasteDetector\\.load: ';

describe('CutPasteDetector.load refuses saved detectors it cannot read, creating nothing', () => {
  const rows: Refusal[] = [
    [
      'an older format version',
      edited((d) => (d.formatVersion = 0)),
      FormatError,
      new RegExp(
        `${load}format version 0 is not supported; this library \\(cutpaste ${VERSION.replace(/\./g, '\\.')}\\) reads version ${DETECTOR_FORMAT_VERSION}$`,
      ),
    ],
    [
      'a newer format version',
      edited((d) => (d.formatVersion = DETECTOR_FORMAT_VERSION + 1)),
      FormatError,
      new RegExp(`${load}format version ${DETECTOR_FORMAT_VERSION + 1} is not supported`),
    ],
    [
      'another format',
      edited((d) => (d.format = 'other.detector')),
      FormatError,
      new RegExp(`${load}userDefinedMetadata\\.cutpaste\\.format must be 'cutpaste\\.detector', got "other\\.detector"$`),
    ],
    [
      'a tfjs model that is not a detector',
      () => CutPasteDetector.load(tf.io.fromMemory({ ...artifacts, userDefinedMetadata: {} })),
      FormatError,
      new RegExp(`${load}these artifacts hold no cutpaste detector \\(userDefinedMetadata\\.cutpaste is missing\\)$`),
    ],
    [
      'a document without its density',
      edited((d) => delete d.density),
      FormatError,
      new RegExp(`${load}the document has no valid 'density' section$`),
    ],
    [
      'an unknown density kind',
      edited((d) => ((d.density as { kind: string }).kind = 'mixture')),
      FormatError,
      new RegExp(`${load}the saved density is invalid: unknown density kind "mixture" \\(registered: image, shared, per-location\\)$`),
    ],
    [
      'a threshold that is not a number',
      edited((d) => (d.threshold = { value: 'NaN', method: 'fit' })),
      FormatError,
      new RegExp(`${load}the saved threshold is invalid: \\{"value":"NaN","method":"fit"\\}$`),
    ],
    [
      'saved options out of range',
      edited((d) => ((d.options as { steps: number }).steps = -1)),
      FormatError,
      new RegExp(`${load}the saved options are invalid: CutPasteDetector: option steps must be an integer ≥ 1, got -1$`),
    ],
    [
      'an architecture the weights do not fit',
      edited((d) => ((d.networks as { encoder: { widths: number[] } }).encoder.widths = [16])),
      FormatError,
      new RegExp(`${load}the weights do not fit the saved architecture: `),
    ],
    [
      'a pretrained encoder without its model',
      edited((d) => ((d.networks as { encoder: { kind: string } }).encoder.kind = 'pretrained')),
      TypeError,
      new RegExp(
        `${load}this detector was made with a pretrained encoder, whose model is not part of the save; pass it again as load\\(source, \\{ encoderModel \\}\\)$`,
      ),
    ],
    [
      'truncated weights',
      () => CutPasteDetector.load(tf.io.fromMemory({ ...artifacts, weightData: (artifacts.weightData as ArrayBuffer).slice(0, 100) })),
      FormatError,
      new RegExp(
        `${load}the weight data has 100 bytes but the weight specs describe \\d+ \\(a truncated or mismatched weights file\\?\\)$`,
      ),
    ],
  ];
  for (const [what, call, kind, message] of rows) {
    it(`refuses ${what} with a ${kind.name}`, async () => {
      await expectRefusal(call, kind, message);
    });
  }
});

describe('model folders: load refuses damaged folders, save refuses targets it would damage', () => {
  it('refuses a model folder of another format version, naming both versions', async () => {
    const dir = damagedCopy('version0', (d) => editJson(d, (j) => (j.userDefinedMetadata.cutpaste.formatVersion = 0)));
    await expectRefusal(
      () => CutPasteDetector.load(`file://${dir}`),
      FormatError,
      /^CutPasteDetector\.load: format version 0 is not supported; this library \(cutpaste .*\) reads version 1$/,
    );
  });

  it('refuses a truncated model.json', async () => {
    const dir = damagedCopy('short-json', (d) => writeFileSync(join(d, 'model.json'), readFileSync(join(d, 'model.json')).subarray(0, 50)));
    await expectRefusal(
      () => CutPasteDetector.load(`file://${dir}`),
      FormatError,
      /^fileSystemHandler\.load: .*short-json\/model\.json is not valid JSON \(.*\); the file is corrupt or truncated$/,
    );
  });

  it('refuses a truncated or missing weights.bin', async () => {
    const short = damagedCopy('short-weights', (d) =>
      writeFileSync(join(d, 'weights.bin'), readFileSync(join(d, 'weights.bin')).subarray(0, 64)),
    );
    await expectRefusal(
      () => CutPasteDetector.load(`file://${short}`),
      FormatError,
      /^fileSystemHandler\.load: the weights of .*short-weights\/model\.json hold 64 bytes but its manifest's \d+ tensors need \d+; the files are truncated or belong to another model$/,
    );
    const missing = damagedCopy('no-weights', (d) => rmSync(join(d, 'weights.bin')));
    await expectRefusal(
      () => CutPasteDetector.load(`file://${missing}`),
      FormatError,
      /^fileSystemHandler\.load: the weights file .*no-weights\/weights\.bin listed in .*model\.json does not exist$/,
    );
  });

  it('names the path when there is no model', async () => {
    await expectRefusal(
      () => CutPasteDetector.load(`file://${join(root, 'nothing')}`),
      Error,
      /^fileSystemHandler\.load: no model at .*nothing: the path does not exist$/,
    );
    await expectRefusal(() => fileSystemHandler(''), TypeError, /^fileSystemHandler: path must be a non-empty string, got $/);
  });

  it('saves nothing for an unfitted detector', async () => {
    const fresh = await CutPasteDetector.create(options);
    await expectRefusal(
      () => fresh.save(`file://${join(root, 'unfitted')}`),
      StateError,
      /^CutPasteDetector\.save: the detector is not fitted; call fit\(\) first$/,
    );
    fresh.dispose();
    expect(existsSync(join(root, 'unfitted'))).toBe(false);
  });

  it('refuses to replace a file or a folder of other files, leaving them and no temporary folder', async () => {
    const parent = join(root, 'targets');
    mkdirSync(parent);
    writeFileSync(join(parent, 'a-file'), 'keep me');
    mkdirSync(join(parent, 'photos'));
    writeFileSync(join(parent, 'photos', 'cat.jpg'), 'keep me too');
    await expectRefusal(
      () => detector.save(`file://${join(parent, 'a-file')}`),
      Error,
      /^fileSystemHandler\.save: .*a-file exists and is a file; the path must be a folder or not exist$/,
    );
    await expectRefusal(
      () => detector.save(`file://${join(parent, 'photos')}`),
      Error,
      /^fileSystemHandler\.save: refusing to replace .*photos: it holds files that are not part of a saved model \(cat\.jpg\); save into an empty or new folder$/,
    );
    expect(readdirSync(parent).sort()).toEqual(['a-file', 'photos']);
    expect(readFileSync(join(parent, 'a-file'), 'utf8')).toBe('keep me');
    expect(readdirSync(join(parent, 'photos'))).toEqual(['cat.jpg']);
  });
});

describe('generateSyntheticCategory refuses bad options and leaves nothing behind', () => {
  it('refuses an unknown kind, a tiny size, a non-empty folder and an aborted signal', async () => {
    const out = join(root, 'synthetic');
    await expectRefusal(
      () => generateSyntheticCategory(out, { kind: 'glass' as never }),
      RangeError,
      /^generateSyntheticCategory: options\.kind must be one of 'carpet', 'grid', 'leather', 'tile', 'wood', 'pill', 'bolt', 'board', 'ceramic', got "glass"$/,
    );
    await expectRefusal(
      () => generateSyntheticCategory(out, { kind: 'carpet', imageSize: 3 }),
      RangeError,
      /^generateSyntheticCategory: options\.imageSize must be an integer in \[32, 4096\]/,
    );
    await expectRefusal(
      () => generateSyntheticCategory('', { kind: 'carpet' }),
      TypeError,
      /^generateSyntheticCategory: outDir must be a non-empty path string, got $/,
    );
    await expectRefusal(
      () => generateSyntheticCategory(join(root, 'targets'), { kind: 'carpet' }),
      Error,
      /^generateSyntheticCategory: .*targets already exists and is not empty; pass \{ overwrite: true \} to replace it$/,
    );
    const controller = new AbortController();
    controller.abort();
    await expectRefusal(
      () => generateSyntheticCategory(out, { kind: 'carpet', trainCount: 2, testCount: 2, imageSize: 32, signal: controller.signal }),
      AbortError,
      /^generateSyntheticCategory was aborted$/,
    );
    expect(readdirSync(root).filter((n) => n.includes('synthetic'))).toEqual([]);
  });
});
