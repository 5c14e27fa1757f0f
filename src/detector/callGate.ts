import { AbortError, StateError } from '../errors';

/**
 * The call discipline of an object that owns a model, in one place:
 * - **reading** calls (scoring, calibration, save) may run together; each holds the model it started
 *   with until it settles;
 * - one **writing** call (fit) at a time; while it runs every other call is refused with `StateError`,
 *   and it swaps in its result only after `idle()`: once every reading call has settled;
 * - `dispose()` refuses later calls, makes running ones stop with `AbortError` at their next
 *   `stopIfDisposed`, and frees the model (`release`) when the last reading call settles (at once
 *   when none runs). A writing call frees what it built itself.
 *
 * @example
 * const gate = new CallGate('CutPasteDetector', () => disposeNetworks(networks));
 * const scores = await gate.read('score', async () => scoreAll());
 */
export class CallGate {
  readonly #owner: string;
  readonly #release: () => void;
  #disposed = false;
  #writer: string | undefined;
  #readers = 0;
  #onIdle: (() => void) | undefined;

  /** @param owner The class name that starts every message. @param release Frees the model. */
  constructor(owner: string, release: () => void) {
    this.#owner = owner;
    this.#release = release;
  }

  /** Throws `StateError` when the owner was disposed or a writing call runs. */
  check(where: string): void {
    if (this.#disposed) throw new StateError(`${this.#owner}.${where}: the detector was disposed`);
    if (this.#writer && where !== this.#writer) {
      throw new StateError(`${this.#owner}.${where}: ${this.#writer}() is still running; await it first`);
    }
  }

  /** Throws `AbortError` when `dispose()` was called while `where` was running. */
  stopIfDisposed(where: string): void {
    if (this.#disposed) throw new AbortError(`${this.#owner}.${where}: the detector was disposed while ${where}() was running`);
  }

  /** Runs a reading call: refused during a writing call; a later writing call waits for it to settle. */
  async read<T>(where: string, fn: () => Promise<T>): Promise<T> {
    this.check(where);
    this.#readers++;
    try {
      return await fn();
    } finally {
      if (--this.#readers === 0) {
        const idle = this.#onIdle;
        this.#onIdle = undefined;
        idle?.();
        if (this.#disposed) this.#release();
      }
    }
  }

  /** Runs the writing call `what`: refused while another runs or after `dispose()`. */
  async write<T>(what: string, fn: () => Promise<T>): Promise<T> {
    if (this.#writer) throw new StateError(`${this.#owner}.${what}: ${this.#writer}() is still running; await it first`);
    this.check(what);
    this.#writer = what;
    try {
      return await fn();
    } finally {
      this.#writer = undefined;
    }
  }

  /** Resolves once no reading call runs (a writing call awaits this before it swaps the model). */
  idle(): Promise<void> {
    return this.#readers === 0 ? Promise.resolve() : new Promise((resolve) => (this.#onIdle = resolve));
  }

  /** Refuses later calls; frees the model now, or when the last running reading call settles. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#readers === 0) this.#release();
  }
}
