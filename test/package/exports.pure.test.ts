/**
 * The export lists of the four entries, read from the sources by the TypeScript compiler (values and
 * types): each is exactly the list in exportLists.ts, so nothing leaks back into the public surface
 * unnoticed; `cutpaste` stays at 40 names or fewer; the entries do not overlap (`cutpaste/node`
 * re-exports `cutpaste` on purpose). The built package's values: consumer.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type EntryName, type EntryNames, entryExports } from './entryExports';
import { ADVANCED, NODE_OWN, ROOT, SYNTHETIC } from './exportLists';

let actual: Record<EntryName, EntryNames>;

beforeAll(() => {
  actual = entryExports();
}, 60_000);

const sorted = (names: readonly string[]) => [...names].sort();

describe('the public surface', () => {
  it('keeps the root entry at 40 names or fewer, values and types counted', () => {
    expect(new Set([...ROOT.values, ...ROOT.types]).size).toBeLessThanOrEqual(40);
  });

  it.each([
    ['cutpaste', ROOT],
    ['cutpaste/advanced', ADVANCED],
    ['cutpaste/synthetic', SYNTHETIC],
    ['cutpaste/node', { values: [...ROOT.values, ...NODE_OWN.values], types: [...ROOT.types, ...NODE_OWN.types] }],
  ] as const)('exports from %s exactly the values and types listed in exportLists.ts', (entry, expected) => {
    const { values, types } = actual[entry];
    expect(values, `${entry}: values (edit test/package/exportLists.ts only for a deliberate change)`).toEqual(sorted(expected.values));
    expect(types, `${entry}: types`).toEqual(sorted(expected.types));
  });

  it('exports no name from two entries, except the root names cutpaste/node re-exports', () => {
    const lists = {
      root: [...ROOT.values, ...ROOT.types],
      advanced: [...ADVANCED.values, ...ADVANCED.types],
      synthetic: [...SYNTHETIC.values, ...SYNTHETIC.types],
      node: [...NODE_OWN.values, ...NODE_OWN.types],
    };
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const [entry, names] of Object.entries(lists)) {
      for (const name of names) {
        const first = seen.get(name);
        if (first !== undefined) twice.push(`${name} (${first}, ${entry})`);
        seen.set(name, entry);
      }
    }
    expect(twice).toEqual([]);
  });

  it('keeps the internals named in issue 15 out of every entry', () => {
    const everything = Object.values(actual).flatMap((e) => [...e.values, ...e.types]);
    for (const internal of [
      'shuffleInPlace',
      'yieldToEventLoop',
      'AUTO_WORKERS_MIN_STEPS',
      'uniform',
      'randomInt',
      'threadGradientWorkers',
    ]) {
      expect(everything, internal).not.toContain(internal);
    }
  });
});
