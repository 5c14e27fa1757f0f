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

/** Throws `AbortError` when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new AbortError(`${what} was aborted`);
}
