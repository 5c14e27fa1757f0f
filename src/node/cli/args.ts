/**
 * Parses the `cutpaste` command line (with `node:util` `parseArgs` tokens) into typed arguments.
 * Pure: no tfjs, no file system. Every problem is a {@link UsageError} naming the option and the value.
 */
import { parseArgs } from 'node:util';
import { ALL_DETECTOR_FLAGS, DEFAULT_DETECTOR, DETECTOR_KINDS, DETECTOR_NAMES, kindsWithFlag } from './detectorKinds';
import { readFlags } from './schemaFlags';
import { BACKENDS, COMMAND_NAMES, COMMANDS, TOOL_OPTIONS, type CommandName, type OptionSpec } from './commands';
import { UsageError } from './UsageError';
import type { CommonArgs, DetectorArgs, ParsedCommandLine } from './argTypes';
import { parseFraction, parseInteger, parseNumber } from './parseValues';

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
