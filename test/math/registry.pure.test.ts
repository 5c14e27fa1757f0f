import { describe, expect, it } from 'vitest';
import { Registry } from '../../src/math/registry';

describe('Registry: the table behind the density, encoder and detector registries', () => {
  const isEntry = (e: unknown) => typeof (e as { run?: unknown }).run === 'function';
  const make = () => new Registry<{ run: () => number }>('registerThing', '{ run }', isEntry, [['one', { run: () => 1 }]]);

  it('keeps registration order, replaces and removes, and returns the entry it replaced', () => {
    const r = make();
    const two = { run: () => 2 };
    expect(r.register('two', two)).toBeUndefined();
    expect(r.entries().map(([k]) => k)).toEqual(['one', 'two']);
    const other = { run: () => 3 };
    expect(r.register('two', other)).toBe(two);
    expect(r.get('two')).toBe(other);
    expect(r.register('one', undefined)?.run()).toBe(1);
    expect(r.get('one')).toBeUndefined();
    expect(r.entries().map(([k]) => k)).toEqual(['two']);
  });

  it('refuses a kind that is not a short non-empty string, and an entry of the wrong shape, naming the function', () => {
    const r = make();
    for (const kind of ['', 'k'.repeat(65), 3, null]) {
      expect(() => r.register(kind as never, { run: () => 0 })).toThrow(
        /^registerThing: kind must be a non-empty string of at most 64 characters, got /,
      );
    }
    for (const entry of [null, 5, {}, { run: 1 }]) {
      expect(() => r.register('x', entry as never)).toThrow(/^registerThing: entry must be \{ run \} or undefined, got /);
    }
    expect(r.get('x')).toBeUndefined();
  });
});
