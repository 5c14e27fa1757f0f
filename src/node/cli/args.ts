/**
 * Parses the `cutpaste` command line (with `node:util` `parseArgs` tokens) into typed arguments.
 * Pure: no tfjs, no file system. Every problem is a {@link UsageError} naming the option and the value.
 */
import { parseArgs } from 'node:util';
import type { CutPasteOptions } from 'cutpaste/node';
import { IMAGE_SIZE_ROW } from '../../detector/detectorOptionRows';
import { ALL_DETECTOR_FLAGS, DEFAULT_DETECTOR, DETECTOR_KINDS, DETECTOR_NAMES, kindsWithFlag } from './detectorKinds';
import { isOptionError, readFlags } from './schemaFlags';
import { BACKENDS, COMMAND_NAMES, COMMANDS, TOOL_OPTIONS, type BackendName, type CommandName, type OptionSpec } from './commands';
import { UsageError } from './UsageError';

/** Options every command takes. */
export interface CommonArgs {
  /** tfjs backend (default `'wasm'`). */
  readonly backend: BackendName;
  /** `--threads`: XNNPACK threads of the wasm backend (`useThreadedWasm`); absent: `'auto'`. */
  readonly threads?: number | 'auto';
  /** `--max-pixels`: largest image file read, in pixels (`maxPixels` of the readers); absent: the library's default. */
  readonly maxPixels?: number;
  /** No progress output on stderr. */
  readonly quiet: boolean;
  /** Stack traces on errors. */
  readonly verbose: boolean;
  /** `--encoder-model`: a tfjs LayersModel folder or URL, the encoder of the detector created or loaded. */
  readonly encoderModel?: string;
}

/**
 * Detector options of `fit` and `evaluate`: `--detector` (absent: `DEFAULT_DETECTOR`), the options
 * with a flag in that detector's option table (absent ones take its defaults), and `--workers`:
 * gradient worker threads for training (`FitOptions.workers`, CutPaste only).
 */
export type DetectorArgs = { readonly [K in keyof CutPasteOptions]?: CutPasteOptions[K] } & {
  readonly detector?: string;
  readonly workers?: number | 'auto';
  readonly [option: string]: unknown;
};

/** `cutpaste fit`. */
export interface FitArgs extends CommonArgs, DetectorArgs {
  readonly data: string;
  readonly out: string;
  readonly force: boolean;
  /** Fraction of the normal images kept out of training to set the threshold, in [0, 1). */
  readonly holdout?: number;
}

/** `cutpaste score`. */
export interface ScoreArgs extends CommonArgs {
  readonly model: string;
  /** Image files or folders, as given. */
  readonly images: readonly string[];
  readonly heatmaps?: string;
  readonly json: boolean;
  /** `--threshold`: replaces the saved threshold for this run. */
  readonly threshold?: number;
  /** `--masks`: folder of binary mask PNGs. */
  readonly masks?: string;
  /** `--report`: folder of the HTML report. */
  readonly report?: string;
}

/** `cutpaste calibrate`. */
export interface CalibrateArgs extends CommonArgs {
  readonly model: string;
  readonly data: string;
  /** Normal images only: the quantile of their scores, in [0, 1] (default 0.99). */
  readonly quantile?: number;
}

/** `cutpaste evaluate`. */
export interface EvaluateArgs extends CommonArgs, DetectorArgs {
  readonly data: string;
  readonly categories?: readonly string[];
  readonly out?: string;
  /** Write into a non-empty `--out` folder (replacing results.md, results.json, results.csv there). */
  readonly force: boolean;
  /** `--model`: evaluate this saved detector (one category) instead of fitting. */
  readonly model?: string;
  /** `--report`: folder of the HTML report (one category). */
  readonly report?: string;
}

/** What the command line asks for. */
export type ParsedCommandLine =
  | { readonly command: 'help'; readonly topic?: CommandName }
  | { readonly command: 'version' }
  | { readonly command: 'fit'; readonly args: FitArgs }
  | { readonly command: 'score'; readonly args: ScoreArgs }
  | { readonly command: 'evaluate'; readonly args: EvaluateArgs }
  | { readonly command: 'calibrate'; readonly args: CalibrateArgs };

type Raw = Map<string, string | true>;

/**
 * Reads the options of one command (or of the tool) strictly: unknown options, a missing value, a
 * value given to a flag, a repeated option and stray positionals are errors.
 */
function tokenize(
  argv: readonly string[],
  specs: readonly OptionSpec[],
  command: CommandName | undefined,
  positionalsAllowed: boolean,
): { raw: Raw; positionals: string[] } {
  const where = command ?? undefined;
  const options = Object.fromEntries(specs.map((s) => [s.name, { type: s.type, ...(s.short ? { short: s.short } : {}) }]));
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const bySpec = new Map(specs.map((s) => [s.name, s]));
  const raw: Raw = new Map();
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      if (!positionalsAllowed) {
        const hint = command === undefined && !token.value.startsWith('-') ? ` (commands: ${COMMAND_NAMES.join(', ')})` : '';
        throw new UsageError(`unexpected argument '${token.value}'${hint}`, where);
      }
      positionals.push(token.value);
      continue;
    }
    const spec = bySpec.get(token.name);
    if (!spec) throw new UsageError(`unknown option ${token.rawName}`, where);
    const shown = `--${spec.name}`;
    if (raw.has(spec.name)) throw new UsageError(`option ${shown} was given twice`, where);
    if (spec.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`option ${shown} takes no value, got '${token.value}'`, where);
      raw.set(spec.name, true);
      continue;
    }
    if (token.value === undefined) throw new UsageError(`option ${shown} needs a value (${spec.metavar ?? 'VALUE'})`, where);
    if (!token.inlineValue && /^-[^\d.]/.test(token.value)) {
      // `--steps -3` is a (bad) number, `--data --out` a missing value
      throw new UsageError(
        `option ${shown} needs a value (${spec.metavar ?? 'VALUE'}), got the option ${token.value} (write ${shown}=${token.value} if that is the value)`,
        where,
      );
    }
    if (token.value === '') throw new UsageError(`option ${shown} needs a non-empty value (${spec.metavar ?? 'VALUE'})`, where);
    raw.set(spec.name, token.value);
  }
  return { raw, positionals };
}

const str = (raw: Raw, name: string): string | undefined => raw.get(name) as string | undefined;

function required(raw: Raw, name: string, command: CommandName): string {
  const value = str(raw, name);
  if (value === undefined) throw new UsageError(`missing required option --${name}`, command);
  return value;
}

/** An integer in [min, max] from `--name`. */
export function parseInteger(value: string, name: string, min: number, max: number, command?: string): number {
  const n = /^[+-]?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
    throw new UsageError(`option --${name} must be ${range}, got '${value}'`, command);
  }
  return n;
}

/** A finite number in [min, max] from `--name`. */
export function parseNumber(value: string, name: string, min: number, max: number, command?: string): number {
  const n = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?\s*$/i.test(value) ? Number(value) : Number.NaN;
  if (!(Number.isFinite(n) && n >= min && n <= max)) {
    const range = Number.isFinite(min) || Number.isFinite(max) ? `a number in [${min}, ${max}]` : 'a finite number';
    throw new UsageError(`option --${name} must be ${range}, got '${value}'`, command);
  }
  return n;
}

/** A number in [0, 1) from `--name`. */
export function parseFraction(value: string, name: string, command?: string): number {
  const n = /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 0 && n < 1)) throw new UsageError(`option --${name} must be a number in [0, 1), got '${value}'`, command);
  return n;
}

/** `N` or `HxW` (also `H,W`) → `[height, width]`, each in [16, 4096] (the `--image-size` flag of the option table). */
export function parseImageSize(value: string, command?: string): [number, number] {
  try {
    return IMAGE_SIZE_ROW.flag.parse(value);
  } catch (error) {
    if (isOptionError(error)) throw new UsageError(`option --image-size must be ${error.allowed}, got '${String(error.value)}'`, command);
    throw error;
  }
}

function choice<T extends string>(raw: Raw, name: string, allowed: readonly T[], command?: string): T | undefined {
  const value = str(raw, name);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`option --${name} must be one of ${allowed.join(', ')}, got '${value}'`, command);
  }
  return value as T;
}

/** `--threads`: `auto` or an integer in [1, 8] (the threaded wasm build's pthreads). */
function parseThreads(value: string, command: CommandName): number | 'auto' {
  if (value === 'auto') return 'auto';
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!(Number.isSafeInteger(n) && n >= 1 && n <= 8))
    throw new UsageError(`option --threads must be auto or an integer in [1, 8], got '${value}'`, command);
  return n;
}

function common(raw: Raw, command: CommandName): CommonArgs {
  const backend = choice(raw, 'backend', BACKENDS, command) ?? 'wasm';
  const threads = str(raw, 'threads');
  if (threads !== undefined && backend !== 'wasm')
    throw new UsageError(`option --threads applies to --backend wasm only, not ${backend}`, command);
  const maxPixels = str(raw, 'max-pixels');
  const encoderModel = str(raw, 'encoder-model');
  return {
    ...(encoderModel === undefined ? {} : { encoderModel }),
    backend,
    ...(threads === undefined ? {} : { threads: parseThreads(threads, command) }),
    ...(maxPixels === undefined ? {} : { maxPixels: parseInteger(maxPixels, 'max-pixels', 1, Number.MAX_SAFE_INTEGER, command) }),
    quiet: raw.has('quiet'),
    verbose: raw.has('verbose'),
  };
}

/**
 * `--detector`, the detector flags given (parsed and checked through that detector's option table)
 * and `--workers`. A flag of another detector is refused, naming both.
 */
function detector(raw: Raw, command: CommandName): DetectorArgs {
  const given = choice(raw, 'detector', DETECTOR_NAMES, command);
  const kind = given ?? DEFAULT_DETECTOR;
  for (const name of raw.keys()) {
    const kinds = kindsWithFlag(name);
    if (kinds.length > 0 && !kinds.includes(kind)) {
      throw new UsageError(
        `option --${name} belongs to --detector ${kinds.join(' or ')}, not to --detector ${kind}${given === undefined ? ' (the default)' : ''}`,
        command,
      );
    }
  }
  const out: Record<string, unknown> = {
    ...(given === undefined ? {} : { detector: given }),
    ...readFlags(DETECTOR_KINDS[kind]!.schema, raw, command),
  };
  const workers = str(raw, 'workers');
  if (workers !== undefined) {
    const n = /^\d+$/.test(workers.trim()) ? Number(workers) : Number.NaN;
    if (workers !== 'auto' && !(Number.isSafeInteger(n) && n <= 64))
      throw new UsageError(`option --workers must be auto or an integer in [0, 64], got '${workers}'`, command);
    out.workers = workers === 'auto' ? 'auto' : n;
  }
  return out;
}

/**
 * Parses `argv` (the arguments after the program name).
 *
 * @throws UsageError naming the bad option, value or command
 * @example
 * parseCommandLine(['fit', '--data', 'mvtec/bottle', '--out', 'models/bottle', '--steps', '300']);
 * // { command: 'fit', args: { data: 'mvtec/bottle', out: 'models/bottle', steps: 300, backend: 'wasm', … } }
 */
export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  const first = argv[0];
  if (first === undefined) throw new UsageError(`missing command (${COMMAND_NAMES.join(', ')})`);
  if (first === 'help') {
    const topic = argv[1];
    if (topic === undefined) return { command: 'help' };
    if (!(COMMAND_NAMES as readonly string[]).includes(topic))
      throw new UsageError(`unknown command '${topic}' (commands: ${COMMAND_NAMES.join(', ')})`);
    if (argv.length > 2) throw new UsageError(`unexpected argument '${argv[2]}'`);
    return { command: 'help', topic: topic as CommandName };
  }
  // --help wins over every other problem of the line (as in git and npm), up to a `--` terminator.
  const end = argv.indexOf('--');
  const beforeEnd = end === -1 ? argv : argv.slice(0, end);
  if (beforeEnd.some((a) => a === '--help' || a === '-h')) {
    const topic = beforeEnd.find((a): a is CommandName => (COMMAND_NAMES as readonly string[]).includes(a));
    return topic ? { command: 'help', topic } : { command: 'help' };
  }
  if (first.startsWith('-')) {
    tokenize(argv, TOOL_OPTIONS, undefined, false);
    return { command: 'version' };
  }
  if (!(COMMAND_NAMES as readonly string[]).includes(first)) {
    throw new UsageError(`unknown command '${first}' (commands: ${COMMAND_NAMES.join(', ')})`);
  }
  const command = first as CommandName;
  const spec = COMMANDS[command];
  const rest = argv.slice(1);
  const { raw, positionals } = tokenize(rest, spec.options, command, spec.positionals !== undefined);

  if (command === 'fit') {
    const holdout = str(raw, 'holdout');
    return {
      command,
      args: {
        ...common(raw, command),
        ...detector(raw, command),
        data: required(raw, 'data', command),
        out: required(raw, 'out', command),
        force: raw.has('force'),
        ...(holdout !== undefined ? { holdout: parseFraction(holdout, 'holdout', command) } : {}),
      },
    };
  }
  if (command === 'score') {
    const model = required(raw, 'model', command);
    if (positionals.length === 0) throw new UsageError('missing IMAGES: give at least one image file or folder to score', command);
    const heatmaps = str(raw, 'heatmaps');
    const masks = str(raw, 'masks');
    const report = str(raw, 'report');
    const threshold = str(raw, 'threshold');
    if (masks !== undefined && masks === heatmaps)
      throw new UsageError(
        `options --masks and --heatmaps name the same folder '${masks}'; their files would collide: give two folders`,
        command,
      );
    return {
      command,
      args: {
        ...common(raw, command),
        model,
        images: positionals,
        json: raw.has('json'),
        ...(heatmaps !== undefined ? { heatmaps } : {}),
        ...(masks !== undefined ? { masks } : {}),
        ...(report !== undefined ? { report } : {}),
        ...(threshold !== undefined ? { threshold: parseNumber(threshold, 'threshold', -Infinity, Infinity, command) } : {}),
      },
    };
  }
  if (command === 'calibrate') {
    const quantile = str(raw, 'quantile');
    return {
      command,
      args: {
        ...common(raw, command),
        model: required(raw, 'model', command),
        data: required(raw, 'data', command),
        ...(quantile !== undefined ? { quantile: parseNumber(quantile, 'quantile', 0, 1, command) } : {}),
      },
    };
  }
  const data = required(raw, 'data', command);
  const list = str(raw, 'categories');
  const categories = list
    ?.split(',')
    .map((c) => c.trim())
    .filter((c) => c.length > 0);
  if (categories !== undefined && categories.length === 0)
    throw new UsageError(`option --categories must list category names separated by commas, got '${list}'`, command);
  if (categories && new Set(categories).size !== categories.length)
    throw new UsageError(`option --categories names a category twice: '${list}'`, command);
  const out = str(raw, 'out');
  const model = str(raw, 'model');
  const report = str(raw, 'report');
  if (model !== undefined) {
    const training = [...raw.keys()].find((name) => name === 'detector' || ALL_DETECTOR_FLAGS.some((f) => f.name === name));
    if (training !== undefined)
      throw new UsageError(
        `option --${training} configures a new detector; with --model the saved one is evaluated as is (drop one of them)`,
        command,
      );
  }
  return {
    command,
    args: {
      ...common(raw, command),
      ...(model === undefined ? detector(raw, command) : {}),
      data,
      ...(categories ? { categories } : {}),
      ...(out !== undefined ? { out } : {}),
      force: raw.has('force'),
      ...(model !== undefined ? { model } : {}),
      ...(report !== undefined ? { report } : {}),
    },
  };
}
