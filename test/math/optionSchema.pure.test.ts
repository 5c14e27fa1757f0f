/**
 * The option tables (src/math/optionSchema.ts, src/detector/cutPasteOptionTable.ts): one row per
 * option, every refusal an `OptionError` naming its option, the trainer's options and ranges read from
 * the same rows, the CLI's flags, help and errors derived from the table, and docs/options.md listing it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { CUTPASTE_OPTION_SCHEMA, ENCODER_NAMES } from '../../src/detector/cutPasteOptionTable';
import { DETECTOR_PRESETS, resolveCutPasteOptions, trainOptionsOf, type CutPasteOptions } from '../../src/detector/options';
import { OptionError } from '../../src/errors';
import { OPTION_GROUP_TITLES, type OptionSchema, type SwitchFlag, type ValueFlag } from '../../src/math/optionSchema';
import { RESNET_PRESETS } from '../../src/models/resnetPresets';
import { resolveTrainOptions, type TrainOptions } from '../../src/train/options';
import { PRETEXT_VARIANTS } from '../../src/train/pretext';
import { TRAIN_OPTION_ROWS } from '../../src/train/trainOptionRows';
import { parseCommandLine } from '../../src/node/cli/args';
import { helpText } from '../../src/node/cli/help';
import { createDetector } from '../../src/node/cli/detectorOptions';
import { runCli } from '../../src/node/cli/run';
import { flagSpecs } from '../../src/node/cli/schemaFlags';
import { UsageError } from '../../src/node/cli/UsageError';

/** Every option once (the compiler refuses a missing or unknown key): a value of the right kind that each row refuses. */
const WRONG: Readonly<Record<keyof CutPasteOptions, unknown>> = {
  preset: 'slow',
  mode: 'pixel',
  imageSize: 8,
  patchSize: 300,
  stride: 0,
  scoreSigma: 0,
  encoder: 'resnet50',
  headWidths: [],
  featureStages: [2, 1],
  variant: '4way',
  steps: 0,
  batchSize: 5000,
  learningRate: 11,
  momentum: 1,
  weightDecay: 2,
  colorJitter: 0.6,
  translate: -0.1,
  headOnlySteps: 2000,
  fineTuneLearningRate: 0,
  freezeBatchNorm: 'yes',
  pasteFrom: 'nowhere',
  rotate: 1,
  redrawInvisible: 'on',
  pasteCentre: 0,
  perLocation: 'always',
  l2Normalize: 0,
  fusion: 'both',
  alignObjects: 'yes',
  shrinkage: 1.5,
  densityMaxRows: 1,
  seed: Number.NaN,
  inferenceBatchSize: 0,
};

/** The refusal of `call`: an `OptionError` (fails the test when `call` returns). */
function refusal(call: () => unknown): OptionError {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(OptionError);
    expect(error).toBeInstanceOf(RangeError);
    return error as OptionError;
  }
  throw new Error('the call was not refused');
}

const flagNames = (schema: OptionSchema): string[] => flagSpecs(schema).map((s) => s.name);

describe('the CutPaste option table', () => {
  it('has exactly one row per CutPasteOptions key (checked by the compiler and here)', () => {
    expectTypeOf<keyof typeof CUTPASTE_OPTION_SCHEMA>().toEqualTypeOf<keyof CutPasteOptions>();
    expect(Object.keys(CUTPASTE_OPTION_SCHEMA).sort()).toEqual(Object.keys(WRONG).sort());
    expect(Object.keys(resolveCutPasteOptions()).sort()).toEqual(Object.keys(WRONG).sort());
  });

  it('refuses a wrong value of every option with an OptionError naming it, and null too', () => {
    for (const [option, value] of Object.entries(WRONG)) {
      for (const bad of [value, null]) {
        const error = refusal(() => resolveCutPasteOptions({ [option]: bad }));
        expect(error.option, `${option}: ${String(bad)}`).toBe(option);
        expect(error.value).toBe(bad);
        expect(error.message.startsWith(`CutPasteDetector: option ${option} must be ${error.allowed}, got `)).toBe(true);
      }
    }
  });

  it('names an unknown option and a non-object', () => {
    expect(refusal(() => resolveCutPasteOptions({ strides: 4 } as never)).option).toBe('strides');
    expect(refusal(() => resolveCutPasteOptions(7 as never)).option).toBe('options');
  });

  it('lists the same encoders and pretext variants as the registries', () => {
    expect(ENCODER_NAMES).toEqual(Object.keys(RESNET_PRESETS));
    expect(CUTPASTE_OPTION_SCHEMA.variant.check('union', undefined)).toBeUndefined();
    for (const variant of PRETEXT_VARIANTS) expect(resolveCutPasteOptions({ variant }).variant).toBe(variant);
    expect(refusal(() => resolveCutPasteOptions({ variant: 'x' as never })).allowed).toBe(
      `one of ${PRETEXT_VARIANTS.map((v) => `'${v}'`).join(', ')}`,
    );
  });

  it('keeps the presets as they were', () => {
    expect(DETECTOR_PRESETS.fast.image).toMatchObject({ imageSize: [64, 64], encoder: 'resnet18-slim', steps: 300, stride: 4 });
    expect(DETECTOR_PRESETS.fast.patch).toMatchObject({ imageSize: [256, 256], encoder: 'patch32', steps: 1000, stride: 8 });
    expect(DETECTOR_PRESETS.paper.image).toMatchObject({ imageSize: [256, 256], encoder: 'resnet18', steps: 65_536, stride: 4 });
    expect(DETECTOR_PRESETS.paper.patch).toMatchObject({
      mode: 'patch',
      encoder: 'resnet18',
      headWidths: [512, 128],
      densityMaxRows: 100_000,
    });
  });
});

describe('the trainer reads the same rows', () => {
  it('gets its options from the resolved detector options (what fit passed field by field before)', () => {
    expect(trainOptionsOf(resolveCutPasteOptions({ seed: 7, rotate: true }))).toEqual({
      variant: '3way',
      steps: 1000,
      batchSize: 32,
      learningRate: 0.03,
      momentum: 0.9,
      weightDecay: 3e-5,
      colorJitter: 0.1,
      translate: 0,
      headOnlySteps: 0,
      fineTuneLearningRate: 0.03,
      freezeBatchNorm: false,
      seed: '7/train',
      level: 'patch',
      patchSize: 32,
      pasteFrom: 'crop',
      rotate: true,
      redrawInvisible: true,
      pasteCentre: 0.5,
    });
    expect(trainOptionsOf(resolveCutPasteOptions({ mode: 'image' }))).toMatchObject({
      level: 'image',
      steps: 300,
      seed: '0/train',
      pasteCentre: 1,
      redrawInvisible: false,
    });
  });

  it('refuses what the detector refuses, with the same words (the ranges that used to differ)', () => {
    const shared: Partial<Record<keyof TrainOptions & keyof CutPasteOptions, unknown>> = {
      learningRate: 11,
      fineTuneLearningRate: 20,
      weightDecay: 2,
      steps: 20_000_000,
      batchSize: 5000,
      seed: 'x'.repeat(2000),
      freezeBatchNorm: 'yes',
      colorJitter: '0.1',
      momentum: 1,
    };
    for (const [option, value] of Object.entries(shared)) {
      const train = refusal(() => resolveTrainOptions({ [option]: value }));
      const detector = refusal(() => resolveCutPasteOptions({ [option]: value }));
      expect([train.option, train.allowed], option).toEqual([detector.option, detector.allowed]);
    }
    expect(Object.keys(TRAIN_OPTION_ROWS).every((k) => k in CUTPASTE_OPTION_SCHEMA)).toBe(true);
  });

  it('refuses null and unknown keys for direct callers too', () => {
    for (const option of [
      'variant',
      'level',
      'patchSize',
      'warmupSteps',
      'workers',
      'workerProvider',
      'rng',
      'onProgress',
      'signal',
      'probeBatches',
    ]) {
      expect(refusal(() => resolveTrainOptions({ [option]: null })).option).toBe(option);
    }
    expect(refusal(() => resolveTrainOptions({ epochs: 3 } as never)).option).toBe('epochs');
  });
});

describe('the CLI reads the table', () => {
  it('lists every flag of the table in help, under its group', () => {
    const lines = helpText('fit').split('\n');
    for (const [option, row] of Object.entries(CUTPASTE_OPTION_SCHEMA)) {
      const flag = row.flag;
      if (!flag) continue;
      for (const name of 'name' in flag ? [flag.name] : [flag.on, flag.off].filter((n) => n !== undefined)) {
        const at = lines.findIndex((l) => new RegExp(`^ {6}--${name}( |$)`).test(l));
        expect(at, `--${name}`).toBeGreaterThan(0);
        const header = lines
          .slice(0, at)
          .reverse()
          .find((l) => l.endsWith('options:'));
        expect(header, `${option} (--${name})`).toBe(`${OPTION_GROUP_TITLES[row.group]} options:`);
      }
    }
    expect(flagNames(CUTPASTE_OPTION_SCHEMA)).toEqual(
      expect.arrayContaining(['steps', 'patch-size', 'per-location', 'no-per-location', 'encoder', 'variant']),
    );
  });

  it('parses the flags the table adds, checked by the rows', () => {
    const args = parseCommandLine([
      'fit',
      '--data',
      'd',
      '--out',
      'm',
      '--encoder',
      'resnet18',
      '--variant',
      'scar',
      '--learning-rate',
      '0.01',
      '--rotate',
      '--score-sigma',
      '2.5',
    ]);
    expect(args).toMatchObject({ args: { encoder: 'resnet18', variant: 'scar', learningRate: 0.01, rotate: true, scoreSigma: 2.5 } });
    expect(() => parseCommandLine(['fit', '--data', 'd', '--out', 'm', '--learning-rate', '11'])).toThrow(
      /^option --learning-rate must be a number in \(0, 10\], got '11'$/,
    );
    expect(() => parseCommandLine(['fit', '--data', 'd', '--out', 'm', '--encoder', 'resnet50'])).toThrow(
      /^option --encoder must be one of resnet18, resnet18-slim, patch16, patch32, patch48, patch64, got 'resnet50'$/,
    );
  });

  it("names the library's refusal by the option's flag, not by reading the message", async () => {
    const lib = {
      createDetector: () =>
        Promise.reject(
          new OptionError('a message that names nothing', {
            option: 'patchSize',
            allowed: 'an integer in [8, 48] (the image size)',
            value: 64,
          }),
        ),
    };
    const error = await createDetector(lib as never, {}, 'fit').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe('option --patch-size must be an integer in [8, 48] (the image size), got 64');
  });

  it('exits with code 2 and names --steps for --steps 0', async () => {
    let stderr = '';
    const sink = { write: (text: string) => ((stderr += text), true) } as unknown as NodeJS.WriteStream;
    const code = await runCli(['fit', '--data', 'd', '--out', 'm', '--steps', '0'], { stdout: sink, stderr: sink });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^cutpaste fit: option --steps must be an integer ≥ 1, got '0' /);
  });
});

/** The option list of docs/options.md as the table gives it: a section per group, a row per option. */
function optionsMarkdown(schema: OptionSchema): string {
  const flagText = (flag: ValueFlag | SwitchFlag | undefined): string => {
    if (!flag) return '';
    if ('name' in flag) return `\`--${flag.name} ${flag.metavar.replace(/\|/g, '\\|')}\``;
    return [flag.on, flag.off]
      .filter((n) => n !== undefined)
      .map((n) => `\`--${n}\``)
      .join(', ');
  };
  return (Object.keys(OPTION_GROUP_TITLES) as (keyof typeof OPTION_GROUP_TITLES)[])
    .flatMap((group) => {
      const rows = Object.entries(schema).filter(([, row]) => row.group === group);
      if (rows.length === 0) return [];
      return [
        `### ${OPTION_GROUP_TITLES[group]}`,
        '',
        '| Option | CLI flag | What it is |',
        '| --- | --- | --- |',
        ...rows.map(([option, row]) => `| \`${option}\` | ${flagText(row.flag)} | ${row.help.replace(/\|/g, '\\|')} |`),
        '',
      ];
    })
    .join('\n');
}

describe('docs/options.md', () => {
  it('lists every option of the table, with its group, flag and help', () => {
    const doc = readFileSync(resolve(import.meta.dirname, '../../docs/options.md'), 'utf8');
    const block = /<!-- options:start -->\n([\s\S]*?)<!-- options:end -->/.exec(doc)?.[1];
    expect(block, 'docs/options.md has no <!-- options:start --> … <!-- options:end --> block').toBeDefined();
    expect(block).toBe(optionsMarkdown(CUTPASTE_OPTION_SCHEMA));
  });
});
