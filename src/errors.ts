/**
 * The library's own error classes. Argument problems use the built-in `TypeError` / `RangeError`
 * with a message naming the argument, the value received and what is allowed.
 */

/** Thrown when an operation is stopped through its `AbortSignal`. Nothing is left half-done. */
export class AbortError extends Error {
  override readonly name = 'AbortError';
  constructor(message = 'the operation was aborted') {
    super(message);
  }
}

/** Thrown when an object is used in a state that does not allow the call (disposed, not fitted…). */
export class StateError extends Error {
  override readonly name = 'StateError';
}

/** Thrown when saved data (a model document, weights) is malformed or of an unknown format version. */
export class FormatError extends Error {
  override readonly name = 'FormatError';
}

/**
 * Thrown when an option has a value it may not take. A `RangeError` (so `instanceof RangeError` holds)
 * whose fields say which option, what it may be and what it got; the message reads
 * `where: option name must be <allowed>, got <value>`.
 *
 * @example
 * try { await CutPasteDetector.create({ steps: 0 }); } catch (e) { if (e instanceof OptionError) console.log(e.option); } // 'steps'
 */
export class OptionError extends RangeError {
  override readonly name = 'OptionError';
  /** The option's name as the API spells it (`patchSize`). */
  readonly option: string;
  /** What the option may be (`an integer ≥ 1`). */
  readonly allowed: string;
  /** The value refused. */
  readonly value: unknown;

  constructor(message: string, details: { option: string; allowed: string; value: unknown }) {
    super(message);
    this.option = details.option;
    this.allowed = details.allowed;
    this.value = details.value;
  }
}

/** Throws `AbortError` when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new AbortError(`${what} was aborted`);
}
