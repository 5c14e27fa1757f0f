/**
 * The TypeScript snippets of README.md and docs/getting-started.md compile: each ```ts block is written
 * as a module of its own and type-checked by tsc against the sources (tsconfig.json's `paths` map
 * `cutpaste` and `cutpaste/node` to src/), so a snippet that uses an undefined name, a field that does
 * not exist or a wrong signature fails here. A block that goes on from the one above says so with
 * `<!-- continues the snippet above -->` on the line before it. Only the snippets' own diagnostics
 * count, unused names excepted (the sources are type-checked by `npm test`'s tsc). Takes ≈ 15–25 s:
 * tsc reads the sources.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from '../node/cli/cliHarness';

const DOCS = ['README.md', 'docs/getting-started.md'];
// Below node_modules, so that the snippets resolve the packages as the sources do; ignored by git.
const DIR = join(REPO, 'node_modules', '.cache', `cutpaste-doc-snippets-${process.pid}`);
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

/** Put on the line before a block that goes on from the block above (uses its names). */
const CONTINUES = '<!-- continues the snippet above -->';

/**
 * The ```ts blocks of a Markdown file, with the line each starts on; a block marked {@link CONTINUES}
 * is checked after the code of the block it continues.
 */
function snippets(file: string): { line: number; code: string }[] {
  const text = readFileSync(join(REPO, file), 'utf8');
  const found: { line: number; code: string }[] = [];
  for (const match of text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)) {
    const continues = text.slice(0, match.index).trimEnd().endsWith(CONTINUES);
    const code = continues && found.length > 0 ? `${found.at(-1)!.code}${match[1]!}` : match[1]!;
    found.push({ line: text.slice(0, match.index).split('\n').length, code });
  }
  return found;
}

/** Names declared and not used: a snippet shows a result to the reader without using it. */
const UNUSED = /error TS(6133|6192|6196|6198):/;

describe('documentation snippets', () => {
  it('finds TypeScript snippets in each documented file', () => {
    for (const file of DOCS) expect(snippets(file).length, file).toBeGreaterThan(0);
  });

  it('type-check against the sources without errors', () => {
    mkdirSync(DIR, { recursive: true });
    const names: string[] = [];
    for (const file of DOCS) {
      for (const { line, code } of snippets(file)) {
        const name = `${file.replace(/[/.]/g, '_')}_line${line}.ts`;
        writeFileSync(join(DIR, name), `${code}\nexport {};\n`);
        names.push(name);
      }
    }
    writeFileSync(join(DIR, 'tsconfig.json'), JSON.stringify({ extends: join(REPO, 'tsconfig.json'), include: names }));
    const run = spawnSync(
      process.execPath,
      [join(REPO, 'node_modules/typescript/bin/tsc'), '--noEmit', '--listFiles', '-p', join(DIR, 'tsconfig.json')],
      {
        cwd: REPO,
        encoding: 'utf8',
        timeout: 110_000,
      },
    );
    expect(run.error).toBeUndefined();
    const output = `${run.stdout}${run.stderr}`.split('\n');
    for (const name of names) expect(output, `tsc did not read ${name}`).toContain(join(DIR, name)); // --listFiles: each snippet was checked
    expect(output.filter((l) => names.some((n) => l.includes(n)) && /error TS\d+/.test(l) && !UNUSED.test(l))).toEqual([]);
  }, 120_000);
});
