import { describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import { parseCommandLine } from '../../../src/node/cli/args';
import { parseFraction, parseImageSize, parseInteger } from '../../../src/node/cli/parseValues';
import { wasmThreads } from '../../../src/node/cli/backend';
import { holdoutIndices } from '../../../src/node/cli/fitCommand';
import { COMMAND_NAMES, COMMANDS } from '../../../src/node/cli/commands';
import { helpText } from '../../../src/node/cli/help';
import { UsageError } from '../../../src/node/cli/UsageError';

/** The UsageError a command line throws (fails the test when it parses). */
function usageError(argv: string[]): UsageError {
  try {
    parseCommandLine(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error(`expected ${argv.join(' ')} to be rejected`);
}

describe('parseCommandLine', () => {
  it('reads every fit option into typed values', () => {
    const parsed = parseCommandLine([
      'fit',
      '--data',
      'mvtec/bottle',
      '--out=models/b',
      '--preset',
      'paper',
      '--mode',
      'patch',
      '--steps',
      '300',
      '--seed',
      '7',
      '--image-size',
      '192x256',
      '--batch-size',
      '16',
      '--patch-size',
      '24',
      '--stride',
      '8',
      '--per-location',
      '--backend',
      'cpu',
      '-q',
      '--force',
      '--holdout',
      '0.2',
    ]);
    expect(parsed).toEqual({
      command: 'fit',
      args: {
        data: 'mvtec/bottle',
        out: 'models/b',
        preset: 'paper',
        mode: 'patch',
        steps: 300,
        seed: 7,
        imageSize: [192, 256],
        batchSize: 16,
        patchSize: 24,
        stride: 8,
        perLocation: true,
        backend: 'cpu',
        quiet: true,
        verbose: false,
        force: true,
        holdout: 0.2,
      },
    });
  });

  it('reads --threads (a number or auto) and --workers', () => {
    expect(parseCommandLine(['score', '--model', 'm', 'a.png', '--threads', '2'])).toMatchObject({ args: { threads: 2 } });
    expect(parseCommandLine(['fit', '--data', 'd', '--out', 'm', '--threads', 'auto', '--workers', '0'])).toMatchObject({
      args: { threads: 'auto', workers: 0 },
    });
    expect(parseCommandLine(['evaluate', '--data', 'd'])).not.toHaveProperty('args.threads');
  });

  it('fills the defaults of fit: wasm backend, no flags, preset values left to the detector', () => {
    expect(parseCommandLine(['fit', '--data', 'd', '--out', 'm'])).toEqual({
      command: 'fit',
      args: { data: 'd', out: 'm', backend: 'wasm', quiet: false, verbose: false, force: false },
    });
  });

  it('keeps a non-numeric seed as a string and a numeric one as a number', () => {
    const seed = (s: string) =>
      (parseCommandLine(['fit', '--data', 'd', '--out', 'm', '--seed', s]) as { args: { seed?: unknown } }).args.seed;
    expect(seed('42')).toBe(42);
    expect(seed('bottle-1')).toBe('bottle-1');
  });

  it('collects score images in order, with heatmaps and json', () => {
    expect(parseCommandLine(['score', '--model', 'm', 'a.png', 'dir', '--heatmaps', 'h', 'b.jpg', '--json'])).toEqual({
      command: 'score',
      args: { model: 'm', images: ['a.png', 'dir', 'b.jpg'], heatmaps: 'h', json: true, backend: 'wasm', quiet: false, verbose: false },
    });
  });

  it('takes file names that start with a dash after --', () => {
    const parsed = parseCommandLine(['score', '--model', 'm', '--', '-odd.png']);
    expect(parsed.command === 'score' && parsed.args.images).toEqual(['-odd.png']);
  });

  it('splits evaluate categories on commas and reads --no-per-location', () => {
    expect(
      parseCommandLine(['evaluate', '--data', 'root', '--categories', 'bottle, carpet', '--out', 'r', '--no-per-location', '--steps', '5']),
    ).toEqual({
      command: 'evaluate',
      args: {
        data: 'root',
        categories: ['bottle', 'carpet'],
        out: 'r',
        perLocation: false,
        steps: 5,
        backend: 'wasm',
        quiet: false,
        verbose: false,
        force: false,
      },
    });
  });

  it('answers --help on the tool and on each command before checking anything else', () => {
    expect(parseCommandLine(['--help'])).toEqual({ command: 'help' });
    expect(parseCommandLine(['-h'])).toEqual({ command: 'help' });
    expect(parseCommandLine(['help'])).toEqual({ command: 'help' });
    for (const command of COMMAND_NAMES) {
      expect(parseCommandLine([command, '--help'])).toEqual({ command: 'help', topic: command });
      expect(parseCommandLine([command, '--bogus', '-h'])).toEqual({ command: 'help', topic: command });
      expect(parseCommandLine(['help', command])).toEqual({ command: 'help', topic: command });
    }
  });

  it('answers --version and -V', () => {
    expect(parseCommandLine(['--version'])).toEqual({ command: 'version' });
    expect(parseCommandLine(['-V'])).toEqual({ command: 'version' });
  });
});

describe('parseCommandLine errors', () => {
  const cases: [string, string[], RegExp, string | undefined][] = [
    ['no command', [], /^missing command \(fit, score, evaluate, calibrate\)$/, undefined],
    ['an unknown command', ['train', '--data', 'x'], /^unknown command 'train' \(commands: fit, score, evaluate, calibrate\)$/, undefined],
    ['an unknown tool option', ['--frobnicate'], /^unknown option --frobnicate$/, undefined],
    ['an unknown command option', ['fit', '--data', 'd', '--out', 'm', '--epochs', '3'], /^unknown option --epochs$/, 'fit'],
    ['an unknown short option', ['fit', '-x'], /^unknown option -x$/, 'fit'],
    ['a missing required option', ['fit', '--data', 'd'], /^missing required option --out$/, 'fit'],
    ['a missing --data for evaluate', ['evaluate'], /^missing required option --data$/, 'evaluate'],
    ['a missing --model for score', ['score', 'a.png'], /^missing required option --model$/, 'score'],
    ['no images to score', ['score', '--model', 'm'], /^missing IMAGES/, 'score'],
    ['an option without its value at the end', ['fit', '--out', 'm', '--data'], /^option --data needs a value \(DIR\)$/, 'fit'],
    [
      'an option whose value is another option',
      ['fit', '--data', '--out', 'm'],
      /^option --data needs a value \(DIR\), got the option --out/,
      'fit',
    ],
    ['an empty value', ['fit', '--data=', '--out', 'm'], /^option --data needs a non-empty value/, 'fit'],
    ['a value given to a flag', ['fit', '--data', 'd', '--out', 'm', '--quiet=yes'], /^option --quiet takes no value, got 'yes'$/, 'fit'],
    ['an option given twice', ['fit', '--data', 'd', '--data', 'e', '--out', 'm'], /^option --data was given twice$/, 'fit'],
    [
      'a word for a number',
      ['fit', '--data', 'd', '--out', 'm', '--steps', 'ten'],
      /^option --steps must be an integer ≥ 1, got 'ten'$/,
      'fit',
    ],
    [
      'a fraction for an integer',
      ['fit', '--data', 'd', '--out', 'm', '--steps', '2.5'],
      /^option --steps must be an integer ≥ 1, got '2.5'$/,
      'fit',
    ],
    ['zero steps', ['fit', '--data', 'd', '--out', 'm', '--steps', '0'], /^option --steps must be an integer ≥ 1, got '0'$/, 'fit'],
    [
      'a patch size below 8',
      ['fit', '--data', 'd', '--out', 'm', '--patch-size', '4'],
      /^option --patch-size must be an integer ≥ 8, got '4'$/,
      'fit',
    ],
    [
      'a holdout of 1',
      ['fit', '--data', 'd', '--out', 'm', '--holdout', '1'],
      /^option --holdout must be a number in \[0, 1\), got '1'$/,
      'fit',
    ],
    [
      'a holdout in percent',
      ['fit', '--data', 'd', '--out', 'm', '--holdout', '20%'],
      /^option --holdout must be a number in \[0, 1\), got '20%'$/,
      'fit',
    ],
    [
      'a malformed image size',
      ['fit', '--data', 'd', '--out', 'm', '--image-size', '256x'],
      /^option --image-size must be N or HEIGHTxWIDTH/,
      'fit',
    ],
    [
      'an image size out of range',
      ['fit', '--data', 'd', '--out', 'm', '--image-size', '8'],
      /^option --image-size must be an integer in \[16, 4096\], got '8'$/,
      'fit',
    ],
    [
      'an unknown preset',
      ['fit', '--data', 'd', '--out', 'm', '--preset', 'slow'],
      /^option --preset must be one of fast, paper, got 'slow'$/,
      'fit',
    ],
    [
      'an unknown mode',
      ['evaluate', '--data', 'd', '--mode', 'pixel'],
      /^option --mode must be one of patch, image, got 'pixel'$/,
      'evaluate',
    ],
    [
      'an unknown backend',
      ['score', '--model', 'm', 'a.png', '--backend', 'webgl'],
      /^option --backend must be one of wasm, cpu, tensorflow, got 'webgl'$/,
      'score',
    ],
    ['both density flags', ['fit', '--data', 'd', '--out', 'm', '--per-location', '--no-per-location'], /contradict each other/, 'fit'],
    [
      'a density flag in image mode',
      ['fit', '--data', 'd', '--out', 'm', '--mode', 'image', '--per-location'],
      /^option --per-location applies to --mode patch only$/,
      'fit',
    ],
    ['a stray argument to fit', ['fit', '--data', 'd', '--out', 'm', 'extra'], /^unexpected argument 'extra'$/, 'fit'],
    ['empty categories', ['evaluate', '--data', 'd', '--categories', ' , '], /^option --categories must list category names/, 'evaluate'],
    ['a category named twice', ['evaluate', '--data', 'd', '--categories', 'bottle,bottle'], /names a category twice/, 'evaluate'],
    ['help on an unknown command', ['help', 'train'], /^unknown command 'train'/, undefined],
    [
      'zero threads',
      ['score', '--model', 'm', 'a.png', '--threads', '0'],
      /^option --threads must be auto or an integer in \[1, 8\], got '0'$/,
      'score',
    ],
    [
      'more threads than the threaded build has',
      ['fit', '--data', 'd', '--out', 'm', '--threads', '9'],
      /^option --threads must be auto or an integer in \[1, 8\], got '9'$/,
      'fit',
    ],
    [
      'a word for threads',
      ['evaluate', '--data', 'd', '--threads', 'all'],
      /^option --threads must be auto or an integer in \[1, 8\], got 'all'$/,
      'evaluate',
    ],
    [
      'threads on the cpu backend',
      ['score', '--model', 'm', 'a.png', '--backend', 'cpu', '--threads', '2'],
      /^option --threads applies to --backend wasm only, not cpu$/,
      'score',
    ],
  ];
  for (const [what, argv, message, command] of cases) {
    it(`rejects ${what} with a message naming the problem`, () => {
      const error = usageError(argv);
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain('\n');
      expect(error.command).toBe(command);
    });
  }
});

describe('number and size parsing', () => {
  it('parses integers within bounds and rejects the rest', () => {
    expect(parseInteger('12', 'steps', 1, 100)).toBe(12);
    expect(parseInteger(' 7 ', 'steps', 1, 100)).toBe(7);
    expect(() => parseInteger('101', 'steps', 1, 100)).toThrow(/must be an integer in \[1, 100\], got '101'/);
    expect(() => parseInteger('1e3', 'steps', 1, 10_000)).toThrow(UsageError);
    expect(() => parseInteger('0x10', 'steps', 1, 100)).toThrow(UsageError);
    expect(() => parseInteger('99999999999999999999', 'steps', 1, Number.MAX_SAFE_INTEGER)).toThrow(UsageError);
  });

  it('parses fractions in [0, 1)', () => {
    expect(parseFraction('0.2', 'holdout')).toBe(0.2);
    expect(parseFraction('.5', 'holdout')).toBe(0.5);
    expect(parseFraction('0', 'holdout')).toBe(0);
    expect(() => parseFraction('-0.1', 'holdout')).toThrow(UsageError);
    expect(() => parseFraction('1.0', 'holdout')).toThrow(UsageError);
    expect(() => parseFraction('NaN', 'holdout')).toThrow(UsageError);
  });

  it('holds out evenly spaced images, floor(count × fraction) of them', () => {
    expect([...holdoutIndices(10, 0.2)]).toEqual([4, 9]);
    expect([...holdoutIndices(6, 0.34)]).toEqual([2, 5]);
    expect([...holdoutIndices(5, 0.5)]).toEqual([1, 3]);
    expect(holdoutIndices(10, 0).size).toBe(0);
    expect(holdoutIndices(209, 0.2).size).toBe(41);
  });

  it('reads N, HxW, H×W and H,W as [height, width]', () => {
    expect(parseImageSize('256')).toEqual([256, 256]);
    expect(parseImageSize('192x256')).toEqual([192, 256]);
    expect(parseImageSize('192X256')).toEqual([192, 256]);
    expect(parseImageSize('192×256')).toEqual([192, 256]);
    expect(parseImageSize('192,256')).toEqual([192, 256]);
    expect(() => parseImageSize('1x2x3')).toThrow(UsageError);
    expect(() => parseImageSize('-5')).toThrow(UsageError);
  });
});

describe('helpText', () => {
  it('lists every command on the tool help', () => {
    const text = helpText();
    for (const command of COMMAND_NAMES) expect(text).toContain(`  ${command} `);
    expect(text).toContain('--version');
  });

  it('documents every option of each command, marking the required ones', () => {
    for (const command of COMMAND_NAMES) {
      const text = helpText(command);
      expect(text.startsWith(`Usage: cutpaste ${command} `)).toBe(true);
      for (const option of COMMANDS[command].options) {
        const line = text.split('\n').find((l) => new RegExp(`^ {2}(-\\w, | {4})--${option.name}( |$)`).test(l));
        expect(line, `${command} --${option.name}`).toBeDefined();
        if (option.required) expect(line).toContain('(required)');
      }
    }
  });

  it('documents the heatmap colour range on score', () => {
    expect(helpText('score')).toContain('[threshold / 2, 1.5 × threshold]');
  });
});

describe('wasmThreads (what --threads gives the wasm backend)', () => {
  const cores = Math.max(1, Math.min(8, availableParallelism()));
  const base = { backend: 'wasm', quiet: false, verbose: false } as const;
  it('auto: every core (at most 8) for inference, 1 when training on a gradient worker, every core with --workers 0', () => {
    expect(wasmThreads(base, { trains: false })).toBe(cores);
    expect(wasmThreads(base, { trains: true })).toBe(1);
    expect(wasmThreads({ ...base, workers: 'auto' }, { trains: true })).toBe(1);
    expect(wasmThreads({ ...base, workers: 0 }, { trains: true })).toBe(cores);
    expect(wasmThreads({ ...base, threads: 'auto' }, { trains: false })).toBe(cores);
  });
  it('takes an explicit count as given, and is 1 on other backends', () => {
    expect(wasmThreads({ ...base, threads: 3 }, { trains: true })).toBe(3);
    expect(wasmThreads({ ...base, backend: 'cpu' }, { trains: false })).toBe(1);
  });
});
