/**
 * Options as data. A schema is a table with one row per option: its group, default, check, one line
 * of help, command-line flag and where it goes. Validation ({@link resolveOptions}), the list of known
 * options, the CLI's parsing and help and the docs' option list are all read from the table, so an
 * option is declared once. Pure (no tfjs): the CLI reads schemas without loading tfjs.
 */
import { OptionError } from '../errors';
import { capText, describeValue } from './validate';

/** How options are grouped in help and docs. */
export type OptionGroup = 'model' | 'train' | 'patch' | 'density' | 'runtime';

/** Each group's title in help and docs, in the order they are shown. */
export const OPTION_GROUP_TITLES: Readonly<Record<OptionGroup, string>> = Object.freeze({
  model: 'Model',
  train: 'Training (stage 1)',
  patch: 'Patch mode',
  density: 'Density (stage 2)',
  runtime: 'Runtime',
});

/**
 * A row's check: `undefined` when `value` is allowed, else what is allowed (`'an integer ≥ 1'`).
 * `resolved` holds the options of the rows above (rows resolve in table order); it is `undefined`
 * when a value is checked on its own (a command-line flag, before the other options are known), and
 * a check then skips what depends on other options.
 */
export type OptionCheck<R = Readonly<Record<string, unknown>>> = (value: unknown, resolved: R | undefined) => string | undefined;

/** A flag that takes a value: `--steps 300`. */
export interface ValueFlag {
  /** Long name without dashes (`patch-size`). */
  readonly name: string;
  /** The value's placeholder in help (`N`). */
  readonly metavar: string;
  /** Text → value; may throw an `OptionError` for text that is malformed (its `allowed` is shown). */
  readonly parse: (text: string) => unknown;
}

/** Flags without a value: `--on` sets the option to true, `--off` to false (either may be absent). */
export interface SwitchFlag {
  readonly on?: string;
  readonly off?: string;
  /** Help of the `off` flag (the row's help describes `on`, or `off` when there is no `on`). */
  readonly offHelp?: string;
  /** The flag applies only when this other option is not given another value (`--per-location` needs `--mode patch`). */
  readonly onlyWith?: { readonly option: string; readonly value: unknown };
}

/** One option of a schema. `T` is its resolved type; `R` the resolved options its default and check see. */
export interface OptionRow<T = unknown, R = Readonly<Record<string, unknown>>> {
  readonly group: OptionGroup;
  /** One line of help (CLI help, docs). */
  readonly help: string;
  /** The default: a value, or a function of the options resolved above it (`scoreSigma = patchSize / 4`). */
  readonly default: T | ((resolved: R) => T);
  readonly check: OptionCheck<R>;
  /** Turns the given value into the stored one before the check (default: a frozen deep copy). */
  readonly prepare?: (value: unknown) => unknown;
  /** Its command-line flag(s); absent: no flag. */
  readonly flag?: ValueFlag | SwitchFlag;
  /** Where the value goes besides the resolved options: `{ train: true }` passes it to the trainer as is; a function maps it. */
  readonly to?: Readonly<Record<string, true | ((value: T) => Readonly<Record<string, unknown>>)>>;
}

/** A table of rows, in resolution order. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows of every value type
export type OptionSchema = Readonly<Record<string, OptionRow<any, any>>>;

/** A row of any value type (what a schema's table is checked against). */
export type AnyOptionRow = OptionSchema[string];

/** A value as an error message shows it: strings quoted, short arrays listed (one level), at most `MAX_ECHO` characters. */
export function describeOption(value: unknown, nested = false): string {
  if (typeof value === 'string') return JSON.stringify(capText(value));
  if (Array.isArray(value)) {
    if (nested || value.length > 16) return describeValue(value);
    return capText(`[${value.map((v) => describeOption(v, true)).join(', ')}]`);
  }
  if (typeof value === 'object' && value !== null) return capText(String(value.constructor?.name ?? 'an object'));
  return String(value);
}

/** The error an option refusal throws: `where: option name must be allowed, got value`. */
export function optionError(where: string, option: string, value: unknown, allowed: string): OptionError {
  return new OptionError(`${where}: option ${option} must be ${allowed}, got ${describeOption(value)}`, { option, allowed, value });
}

/** Whether `v` is a plain object (`{}` or `Object.create(null)`), not a class instance or an array. */
export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && [Object.prototype, null].includes(Object.getPrototypeOf(v) as object | null);

/** A frozen deep copy of plain data (arrays, plain objects); anything else (a model, a function) is kept as is. */
export function frozenCopy<T>(value: T): T {
  if (Array.isArray(value)) return Object.freeze(value.map(frozenCopy)) as T;
  if (isPlainObject(value)) return Object.freeze(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, frozenCopy(v)]))) as T;
  return value;
}

/**
 * Fills defaults and checks every option of `input` against `schema`, in table order; the result is
 * frozen and holds frozen deep copies (a row's `prepare` decides otherwise). An option given as
 * `undefined` takes its default; `null` is checked like any other value. Options whose resolved
 * value is `undefined` (optional ones without a default) are left out.
 *
 * @throws OptionError naming the option for an unknown key or a refused value (`options` when `input` is not an object)
 * @example
 * resolveOptions(CUTPASTE_OPTION_SCHEMA, { steps: 300 }, 'CutPasteDetector'); // { preset: 'fast', …, steps: 300, … }
 */
export function resolveOptions<S extends OptionSchema, Out = { readonly [K in keyof S]: unknown }>(
  schema: S,
  input: unknown,
  where: string,
): Out {
  const given = input === undefined ? {} : input;
  if (typeof given !== 'object' || given === null) throw optionError(where, 'options', given, 'an object');
  const keys = Object.keys(schema);
  for (const [key, value] of Object.entries(given)) {
    if (!Object.hasOwn(schema, key)) throw optionError(where, key, value, `one of the known options (${keys.join(', ')}); unknown option`);
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const row: OptionRow<unknown, unknown> = schema[key]!;
    const raw = (given as Record<string, unknown>)[key];
    const value = raw !== undefined ? raw : typeof row.default === 'function' ? (row.default as (r: unknown) => unknown)(out) : row.default;
    const stored = (row.prepare ?? frozenCopy)(value);
    const allowed = row.check(stored, out);
    if (allowed !== undefined) throw optionError(where, key, value, allowed);
    if (stored !== undefined) out[key] = stored;
  }
  return Object.freeze(out) as Out;
}

/**
 * The options a destination takes from resolved options: every row with `to[destination]`, passed
 * as is (`true`) or mapped (`mode → { level }`).
 *
 * @example
 * optionsFor(CUTPASTE_OPTION_SCHEMA, detector.options, 'train'); // { variant: '3way', steps: 1000, level: 'patch', … }
 */
export function optionsFor(
  schema: OptionSchema,
  resolved: Readonly<Record<string, unknown>>,
  destination: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, row] of Object.entries(schema)) {
    const to = row.to?.[destination];
    if (to === undefined || resolved[key] === undefined) continue;
    Object.assign(out, to === true ? { [key]: resolved[key] } : to(resolved[key]));
  }
  return out;
}

// Checks shared by schemas.

const isInt = (v: unknown, min: number): v is number => Number.isInteger(v) && (v as number) >= min;

/** Integers in [min, max]: below `min` the message names `min` only, above `max` the range. */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER): OptionCheck<unknown> {
  return (v) => (!isInt(v, min) ? `an integer ≥ ${min}` : v > max ? `an integer in [${min}, ${max}]` : undefined);
}

/** Finite numbers in [min, max] (pass `Number.MIN_VALUE` for an open zero); `allowed` says so. */
export function numberIn(min: number, max: number, allowed: string): OptionCheck<unknown> {
  return (v) => (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max ? undefined : allowed);
}

/** One of `values`: `'a' or 'b'`, or `one of 'a', 'b', 'c'`. */
export function oneOf(values: readonly unknown[]): OptionCheck<unknown> {
  const shown = values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v)));
  const allowed = shown.length === 2 ? `${shown[0]} or ${shown[1]}` : `one of ${shown.join(', ')}`;
  return (v) => (values.includes(v) ? undefined : allowed);
}

/** `true` or `false`. */
export const boolean: OptionCheck<unknown> = (v) => (typeof v === 'boolean' ? undefined : 'a boolean');
