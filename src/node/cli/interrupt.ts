/** What {@link onInterrupt} returns. */
export interface Interrupt {
  /** Aborted by the first Ctrl-C (SIGINT) or SIGTERM. */
  readonly signal: AbortSignal;
  /** Removes the handlers (call when the work is done). */
  dispose(): void;
}

/**
 * Turns the first Ctrl-C (SIGINT) or SIGTERM into an abort of `signal`, so long work stops at its next
 * check and cleans up; `note` is printed then. A second Ctrl-C exits at once with code 130. Signals are
 * handled on the event loop: work that never yields to it sees the abort only when it yields.
 *
 * @example
 * const interrupt = onInterrupt(() => console.error('stopping…'));
 * try { await detector.fit(images, { signal: interrupt.signal }); } finally { interrupt.dispose(); }
 */
export function onInterrupt(note: (signal: NodeJS.Signals) => void): Interrupt {
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      if (signal === 'SIGINT') process.exit(130);
      return;
    }
    note(signal);
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/**
 * Lets one full event-loop turn pass (timers, the I/O poll — where signal handlers run — and
 * immediates), so a Ctrl-C that arrived while tfjs kept the loop busy is seen before the next step.
 *
 * @example
 * await turnEventLoop();
 * if (interrupt.signal.aborted) throw new AbortError('interrupted');
 */
export async function turnEventLoop(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  await new Promise((resolve) => setImmediate(resolve));
}
