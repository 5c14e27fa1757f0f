/**
 * Command-line flags of option rows (see `optionSchema.ts`): how a flag's text becomes a value. Text
 * that is not a number becomes NaN, which the row's check then refuses with its own words. Pure.
 */
import { OptionError } from '../errors';
import type { ValueFlag } from './optionSchema';

/** `name N`: an integer (text that is not a safe integer becomes NaN). */
export function integerFlag(name: string, metavar = 'N'): ValueFlag {
  return {
    name,
    metavar,
    parse: (text) => (/^[+-]?\d+$/.test(text.trim()) && Number.isSafeInteger(Number(text)) ? Number(text) : Number.NaN),
  };
}

/** `name X`: a decimal number (`0.03`, `.5`, `3e-5`; anything else becomes NaN). */
export function numberFlag(name: string, metavar = 'X'): ValueFlag {
  return { name, metavar, parse: (text) => (/^\s*[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?\s*$/i.test(text) ? Number(text) : Number.NaN) };
}

/** `name WORD`: one of `values`, listed in this order in help and errors (`one of patch, image`). */
export function choiceFlag(name: string, metavar: string, values: readonly string[]): ValueFlag {
  const allowed = `one of ${values.join(', ')}`;
  return {
    name,
    metavar,
    parse: (text) => {
      if (!values.includes(text))
        throw new OptionError(`option --${name} must be ${allowed}, got '${text}'`, { option: name, allowed, value: text });
      return text;
    },
  };
}

/** `name S`: a number when the text is a safe integer, else the text itself (a seed). */
export function seedFlag(name: string, metavar = 'S'): ValueFlag {
  return { name, metavar, parse: (text) => (/^[+-]?\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : text) };
}
