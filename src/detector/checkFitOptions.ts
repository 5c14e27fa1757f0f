import { describeValue } from '../math/validate';
import type { FitOptions } from './types';

/** Rejects `fit` options of the wrong kind before any work starts. */
export function checkFitOptions(options: FitOptions, detector = 'CutPasteDetector'): void {
  const fn = `${detector}.fit`;
  if (typeof options !== 'object' || options === null) throw new TypeError(`${fn}: options must be an object, got ${String(options)}`);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new TypeError(`${fn}: options.onProgress must be a function, got ${String(options.onProgress)}`);
  }
  const signal = options.signal as unknown;
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || typeof (signal as AbortSignal).aborted !== 'boolean')) {
    throw new TypeError(`${fn}: options.signal must be an AbortSignal (e.g. new AbortController().signal), got ${describeValue(signal)}`);
  }
  const workers = options.workers as unknown;
  if (
    workers !== undefined &&
    workers !== 'auto' &&
    !(Number.isInteger(workers) && (workers as number) >= 0 && (workers as number) <= 64)
  ) {
    throw new RangeError(`${fn}: options.workers must be 'auto' or an integer in [0, 64], got ${describeValue(workers)}`);
  }
}
