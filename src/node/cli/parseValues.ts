/**
 * Command-line values: text to a checked number or size, or a {@link UsageError} naming the flag and
 * the text. Pure (also used by the examples' own command lines).
 */
import { IMAGE_SIZE_ROW } from '../../detector/detectorOptionRows';
import { isOptionError } from './schemaFlags';
import { UsageError } from './UsageError';

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
