/**
 * Argument checks shared by the numeric core. Every check throws a `TypeError` (wrong kind of value)
 * or a `RangeError` (right kind, value out of range) whose message reads
 * `fn: argument must be <what is allowed>, got <value>` and, for arrays, names the row/column or index.
 * Nothing is clipped or coerced silently.
 */

/** The most characters of a received value that an error message repeats (see {@link capText}). */
export const MAX_ECHO = 200;

/**
 * `text` cut to at most `max` characters (default {@link MAX_ECHO}), ending with `…` and the full length
 * when cut: every error message that repeats a value it received goes through this (or
 * {@link describeValue}), so a 20 MB field never becomes a 20 MB message.
 *
 * @example
 * capText('x'.repeat(1000), 5); // 'xxxxx… (1000 characters)'
 */
export function capText(text: string, max = MAX_ECHO): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}

/** Formats a received value for an error message: numbers as written, strings quoted, arrays by length. */
export function describeValue(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null || value === undefined || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (ArrayBuffer.isView(value)) {
    return `${value.constructor.name}(${(value as unknown as ArrayLike<unknown>).length})`;
  }
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (typeof value === 'function') return 'a function';
  return Object.prototype.toString.call(value);
}

/** True for arrays, typed arrays and other objects with a numeric `length`. */
export function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  if (value === null || value === undefined || typeof value === 'string' || typeof value === 'function') {
    return false;
  }
  if (typeof value !== 'object') return false;
  const length = (value as { length?: unknown }).length;
  return typeof length === 'number' && Number.isInteger(length) && length >= 0;
}

/** Throws unless `value` is an integer ≥ 1 (a size: rows, columns, height, width). */
export function checkPositiveInteger(fn: string, arg: string, value: unknown): number {
  if (typeof value !== 'number') {
    throw new TypeError(`${fn}: ${arg} must be a positive integer, got ${describeValue(value)}`);
  }
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${fn}: ${arg} must be a positive integer, got ${describeValue(value)}`);
  }
  return value;
}

/** Throws unless `value` is an integer ≥ 0 (a count that may be zero). */
export function checkNonNegativeInteger(fn: string, arg: string, value: unknown): number {
  if (typeof value !== 'number') {
    throw new TypeError(`${fn}: ${arg} must be an integer >= 0, got ${describeValue(value)}`);
  }
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${fn}: ${arg} must be an integer >= 0, got ${describeValue(value)}`);
  }
  return value;
}

/** Throws unless `value` is a finite number in [min, max] (both ends included unless told). */
export function checkNumberInRange(
  fn: string,
  arg: string,
  value: unknown,
  min: number,
  max: number,
  { minExclusive = false, maxExclusive = false } = {},
): number {
  const allowed = `a number in ${minExclusive ? '(' : '['}${min}, ${max}${maxExclusive ? ')' : ']'}`;
  if (typeof value !== 'number') throw new TypeError(`${fn}: ${arg} must be ${allowed}, got ${describeValue(value)}`);
  const tooLow = minExclusive ? value <= min : value < min;
  const tooHigh = maxExclusive ? value >= max : value > max;
  if (Number.isNaN(value) || tooLow || tooHigh) {
    throw new RangeError(`${fn}: ${arg} must be ${allowed}, got ${describeValue(value)}`);
  }
  return value;
}

/** Throws unless `sigma` is a finite number ≥ 0 (a Gaussian standard deviation in pixels). */
export function checkSigma(fn: string, sigma: unknown): number {
  if (typeof sigma !== 'number') {
    throw new TypeError(`${fn}: sigma must be a finite number >= 0 (pixels), got ${describeValue(sigma)}`);
  }
  if (!Number.isFinite(sigma) || sigma < 0) {
    throw new RangeError(`${fn}: sigma must be a finite number >= 0 (pixels), got ${describeValue(sigma)}`);
  }
  return sigma;
}

/** Throws unless `values` is array-like (an array or a typed array). */
export function checkArrayLike(fn: string, arg: string, values: unknown): ArrayLike<number> {
  if (!isArrayLike(values)) {
    throw new TypeError(`${fn}: ${arg} must be an array or a typed array of numbers, got ${describeValue(values)}`);
  }
  return values as ArrayLike<number>;
}

/** Throws unless every entry of `values` is a finite number; names the first bad index. */
export function checkFiniteArray(fn: string, arg: string, values: ArrayLike<number>): void {
  const n = values.length;
  if (allFiniteFast(values)) return;
  for (let i = 0; i < n; i++) {
    const v: unknown = values[i];
    if (typeof v !== 'number') {
      throw new TypeError(`${fn}: ${arg}[${i}] must be a finite number, got ${describeValue(v)}`);
    }
    if (!Number.isFinite(v)) {
      throw new RangeError(`${fn}: ${arg}[${i}] must be a finite number, got ${describeValue(v)}`);
    }
  }
}

/** Throws unless `values.length === expected`; `what` describes the expectation (e.g. "height × width = 560"). */
export function checkLength(fn: string, arg: string, values: ArrayLike<unknown>, expected: number, what: string): void {
  if (values.length !== expected) {
    throw new RangeError(`${fn}: ${arg} must have length ${what}, got length ${values.length}`);
  }
}

/** The shape of a validated row set. */
export interface RowsShape {
  /** Number of rows (samples). */
  readonly rows: number;
  /** Number of columns (features). */
  readonly cols: number;
}

/**
 * Throws unless `rows` is an array of at least `minRows` equal-length, non-empty rows of finite numbers;
 * names the offending row (and column). `expectedCols` additionally fixes the row length.
 */
export function checkRows(fn: string, arg: string, rows: unknown, minRows: number, expectedCols?: number): RowsShape {
  if (!isArrayLike(rows)) {
    throw new TypeError(`${fn}: ${arg} must be an array of rows (arrays or typed arrays), got ${describeValue(rows)}`);
  }
  const n = rows.length;
  if (n < minRows) {
    throw new RangeError(`${fn}: ${arg} must contain at least ${minRows} row${minRows === 1 ? '' : 's'}, got ${n}`);
  }
  let cols = expectedCols ?? -1;
  for (let r = 0; r < n; r++) {
    const row = rows[r];
    if (!isArrayLike(row)) {
      throw new TypeError(`${fn}: ${arg}[${r}] must be an array or a typed array of numbers, got ${describeValue(row)}`);
    }
    if (cols < 0) {
      if (row.length === 0) throw new RangeError(`${fn}: ${arg}[0] must not be empty, got length 0`);
      cols = row.length;
    } else if (row.length !== cols) {
      const expected = expectedCols === undefined ? `${cols} (the length of ${arg}[0])` : `${cols} (the fitted dimension)`;
      throw new RangeError(`${fn}: ${arg}[${r}] must have length ${expected}, got length ${row.length}`);
    }
    checkFiniteRow(fn, arg, row as ArrayLike<number>, r);
  }
  return { rows: n, cols: Math.max(cols, 0) };
}

/**
 * True when every entry is a finite number. Typed arrays hold numbers only, and NaN or ±Infinity makes
 * `v - v` NaN, so one branch-free pass decides; plain arrays are also checked for non-numbers.
 */
function allFiniteFast(values: ArrayLike<number>): boolean {
  const n = values.length;
  if (ArrayBuffer.isView(values)) {
    let bad = 0;
    for (let i = 0; i < n; i++) bad += values[i]! - values[i]!;
    return bad === 0;
  }
  for (let i = 0; i < n; i++) {
    const v: unknown = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  }
  return true;
}

function checkFiniteRow(fn: string, arg: string, row: ArrayLike<number>, r: number): void {
  if (allFiniteFast(row)) return;
  for (let c = 0; c < row.length; c++) {
    const v: unknown = row[c];
    if (typeof v !== 'number') {
      throw new TypeError(`${fn}: ${arg}[${r}][${c}] must be a finite number, got ${describeValue(v)}`);
    }
    if (!Number.isFinite(v)) {
      throw new RangeError(`${fn}: ${arg}[${r}][${c}] must be a finite number, got ${describeValue(v)}`);
    }
  }
}

/**
 * Throws unless `data` is a Float32Array/Float64Array of exactly `rows × cols` finite numbers (row-major);
 * a non-finite entry is reported by row and column.
 */
export function checkMatrix(fn: string, arg: string, data: unknown, rows: number, cols: number): Float32Array | Float64Array {
  if (!(data instanceof Float32Array) && !(data instanceof Float64Array)) {
    throw new TypeError(`${fn}: ${arg} must be a Float32Array or a Float64Array, got ${describeValue(data)}`);
  }
  checkLength(fn, arg, data, rows * cols, `rows × cols = ${rows} × ${cols} = ${rows * cols}`);
  if (!allFiniteFast(data)) {
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i]!)) {
        const r = Math.floor(i / cols);
        throw new RangeError(
          `${fn}: ${arg} must hold finite numbers only, got ${describeValue(data[i])} at row ${r}, column ${i - r * cols} (index ${i})`,
        );
      }
    }
  }
  return data;
}

/**
 * Reads binary labels (0/1 or false/true) into a Uint8Array; anything else is a `TypeError` naming the index.
 * Labels of a single class are a `RangeError` (no ranking metric is defined).
 */
export function readBinaryLabels(fn: string, arg: string, labels: unknown, expectedLength: number): Uint8Array {
  if (!isArrayLike(labels)) {
    throw new TypeError(`${fn}: ${arg} must be an array or a typed array of 0/1 or booleans, got ${describeValue(labels)}`);
  }
  if (labels.length !== expectedLength) {
    throw new RangeError(`${fn}: ${arg} must have the same length as scores (${expectedLength}), got length ${labels.length}`);
  }
  const out = new Uint8Array(expectedLength);
  let positives = 0;
  for (let i = 0; i < expectedLength; i++) {
    const v = labels[i];
    if (v === 1 || v === true) {
      out[i] = 1;
      positives++;
    } else if (v !== 0 && v !== false) {
      throw new TypeError(`${fn}: ${arg}[${i}] must be 0, 1, false or true, got ${describeValue(v)}`);
    }
  }
  if (positives === 0 || positives === expectedLength) {
    throw new RangeError(
      `${fn}: ${arg} must contain both classes (0 and 1), got only ${positives === 0 ? '0' : '1'} (${expectedLength} labels)`,
    );
  }
  return out;
}
