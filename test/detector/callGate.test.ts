import { describe, expect, it } from 'vitest';
import { AbortError, StateError } from '../../src/index';
import { CallGate } from '../../src/detector/callGate';

/** A promise with its resolver, to hold a call open. */
function held(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('CallGate', () => {
  it('lets reading calls run together and refuses every call while a writing call runs', async () => {
    const gate = new CallGate('Thing', () => {});
    const a = held();
    const reads = Promise.all([gate.read('score', () => a.promise), gate.read('calibrate', () => a.promise)]);
    const b = held();
    const write = gate.write('fit', () => b.promise);
    await expect(gate.read('score', async () => 1)).rejects.toThrow(new StateError('Thing.score: fit() is still running; await it first'));
    await expect(gate.write('fit', async () => 1)).rejects.toThrow(new StateError('Thing.fit: fit() is still running; await it first'));
    a.open();
    b.open();
    await Promise.all([reads, write]);
    await expect(gate.read('score', async () => 2)).resolves.toBe(2);
  });

  it('idle() resolves only once every running reading call has settled', async () => {
    const gate = new CallGate('Thing', () => {});
    const a = held();
    const read = gate.read('score', () => a.promise);
    let idle = false;
    const waiting = gate.idle().then(() => (idle = true));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(idle).toBe(false);
    a.open();
    await Promise.all([read, waiting]);
    expect(idle).toBe(true);
  });

  it('dispose() frees at once when idle, else after the last reading call; later calls are refused', async () => {
    let released = 0;
    const idleGate = new CallGate('Thing', () => released++);
    idleGate.dispose();
    idleGate.dispose();
    expect(released).toBe(1);
    expect(() => idleGate.check('score')).toThrow(new StateError('Thing.score: the detector was disposed'));

    released = 0;
    const gate = new CallGate('Thing', () => released++);
    const a = held();
    const read = gate.read('score', async () => {
      await a.promise;
      gate.stopIfDisposed('score');
    });
    gate.dispose();
    expect(released).toBe(0);
    a.open();
    await expect(read).rejects.toThrow(new AbortError('Thing.score: the detector was disposed while score() was running'));
    expect(released).toBe(1);
  });
});
