/**
 * The bad-input tables of test/hardening: each row is a call that must be refused with a typed error
 * whose message names the function, the argument and what is allowed — without leaking a tensor.
 */
import { expect } from 'vitest';
import { expectNoLeak } from '../helpers/tensors';

/** An error class a refusal may be (the built-ins or the library's own). */
export type ErrorClass = abstract new (...args: never[]) => Error;

/** One row of a bad-input table: what is wrong, the call, the error class and its message. */
export type Refusal = [what: string, call: () => unknown, kind: ErrorClass, message: RegExp];

/**
 * Runs `call` (sync or async) and asserts that it throws (or rejects with) `kind` with a message
 * matching `message`, and that `tf.memory().numTensors` is unchanged afterwards.
 *
 * @returns the error, for further checks
 */
export async function expectRefusal(call: () => unknown, kind: ErrorClass, message: RegExp): Promise<Error> {
  let caught: unknown;
  await expectNoLeak(async () => {
    try {
      await call();
    } catch (error) {
      caught = error;
    }
  });
  expect(caught, 'the call was not refused').toBeDefined();
  expect(caught).toBeInstanceOf(kind);
  expect((caught as Error).message).toMatch(message);
  expect((caught as Error).message).not.toContain('\n');
  return caught as Error;
}
