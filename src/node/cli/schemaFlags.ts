/**
 * A detector's command-line flags, read from its option schema (`math/optionSchema.ts`): the flag
 * specs and help lines, parsing each flag's text into the option's value (checked on its own, so
 * `--steps 0` fails before anything loads), and turning the library's `OptionError` into a
 * `UsageError` that names the flag. A new flag is a `flag` on the option's row, nothing here.
 */
import { describeOption, frozenCopy, type OptionGroup, type OptionSchema, type SwitchFlag, type ValueFlag } from '../../math/optionSchema';
import type { OptionSpec } from './commands';
import { UsageError } from './UsageError';

const isValueFlag = (flag: ValueFlag | SwitchFlag): flag is ValueFlag => 'name' in flag;

/** The `--flags` of a schema's rows, in table order, each with the row's group (for grouped help). */
export function flagSpecs(schema: OptionSchema): OptionSpec[] {
  return Object.values(schema).flatMap((row): OptionSpec[] => {
    const { flag, group, help } = row as { flag?: ValueFlag | SwitchFlag; group: OptionGroup; help: string };
    if (!flag) return [];
    if (isValueFlag(flag)) return [{ name: flag.name, type: 'string', metavar: flag.metavar, help, group }];
    return [
      ...(flag.on ? [{ name: flag.on, type: 'boolean' as const, help, group }] : []),
      ...(flag.off ? [{ name: flag.off, type: 'boolean' as const, help: flag.offHelp ?? help, group }] : []),
    ];
  });
}

/** How a command line names `option`: its flag (`--patch-size`), or the option itself when it has none. */
export function flagOf(schema: OptionSchema, option: string): string {
  const flag = schema[option]?.flag;
  if (!flag) return option;
  return `--${isValueFlag(flag) ? flag.name : (flag.on ?? flag.off)}`;
}

/** Whether `error` is an `OptionError` (by its fields: the library's class is another copy than the CLI's). */
export function isOptionError(error: unknown): error is RangeError & { option: string; allowed: string; value: unknown } {
  const e = error as { name?: unknown; option?: unknown; allowed?: unknown } | null;
  return error instanceof RangeError && e?.name === 'OptionError' && typeof e.option === 'string' && typeof e.allowed === 'string';
}

/**
 * The options a command line gives (only those given), parsed from the raw flag values of `tokenize`.
 * Each value is checked on its own here; checks against other options run when the detector is created.
 *
 * @throws UsageError naming the flag, what it allows and the text given
 */
export function readFlags(schema: OptionSchema, raw: ReadonlyMap<string, string | true>, command: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const used: Record<string, string> = {};
  for (const [option, row] of Object.entries(schema)) {
    const flag = row.flag;
    if (!flag) continue;
    if (isValueFlag(flag)) {
      const text = raw.get(flag.name);
      if (typeof text !== 'string') continue;
      let value: unknown;
      try {
        value = flag.parse(text);
      } catch (error) {
        if (isOptionError(error))
          throw new UsageError(`option --${flag.name} must be ${error.allowed}, got '${String(error.value)}'`, command);
        throw error;
      }
      const allowed = row.check((row.prepare ?? frozenCopy)(value), undefined);
      if (allowed !== undefined) throw new UsageError(`option --${flag.name} must be ${allowed}, got '${text}'`, command);
      out[option] = value;
      used[option] = flag.name;
      continue;
    }
    const on = flag.on !== undefined && raw.has(flag.on);
    const off = flag.off !== undefined && raw.has(flag.off);
    if (on && off) throw new UsageError(`options --${flag.on} and --${flag.off} contradict each other; give one`, command);
    if (on || off) {
      out[option] = on;
      used[option] = (on ? flag.on : flag.off)!;
    }
  }
  for (const [option, row] of Object.entries(schema)) {
    const only = (row.flag as SwitchFlag | undefined)?.onlyWith;
    if (!only || out[option] === undefined) continue;
    const other = out[only.option];
    if (other !== undefined && other !== only.value) {
      throw new UsageError(`option --${used[option]} applies to ${flagOf(schema, only.option)} ${String(only.value)} only`, command);
    }
  }
  return out;
}

/**
 * The `UsageError` for an option the library refused, naming the option by its flag
 * (`option --stride must be an integer in [1, patchSize = 32], got 40`); `undefined` for other errors.
 */
export function optionUsageError(schema: OptionSchema, error: unknown, command: string): UsageError | undefined {
  if (!isOptionError(error)) return undefined;
  return new UsageError(`option ${flagOf(schema, error.option)} must be ${error.allowed}, got ${describeOption(error.value)}`, command);
}
