/**
 * The core files the CLI inlines (`CLI_INLINED` of ./architectureRules.ts: the version and the option
 * tables) import no package, not even through the files they import, types aside: so `cutpaste --help`,
 * `--version` and a bad option answer without loading tfjs, and a missing tfjs is reported by the
 * CLI's own message rather than by a failed import of its bundle.
 */
import { readFileSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { CLI_INLINED } from './architectureRules';

const SRC = resolve(import.meta.dirname, '../../src');

/** The modules `code` imports for their values (`import type`, `import { type X }` alone and `export type` left out). */
function valueImports(code: string): string[] {
  const source = ts.createSourceFile('file.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const out: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      const bindings = clause?.namedBindings;
      const typesOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (!clause.name && bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.every((e) => e.isTypeOnly)));
      if (!typesOnly) out.push((statement.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && !statement.isTypeOnly) {
      out.push((statement.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return out;
}

/** Every package `file` (relative to src/) reaches through value imports, as `file → package` lines. */
function packagesReached(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  return valueImports(readFileSync(resolve(SRC, file), 'utf8')).flatMap((spec) =>
    spec.startsWith('.') ? packagesReached(`${posix.join(posix.dirname(file), spec)}.ts`, seen) : [`${file} → ${spec}`],
  );
}

describe('the core files the CLI inlines', () => {
  it('import no package, directly or through the files they import', () => {
    expect(CLI_INLINED.size).toBeGreaterThan(1);
    for (const file of CLI_INLINED) expect(packagesReached(file), file).toEqual([]);
  });

  it('are told apart from a file that reaches tfjs through a value import', () => {
    expect(valueImports("import type { A } from 'x';\nimport { type B } from 'y';\nexport type { C } from 'z';")).toEqual([]);
    expect(valueImports("import { a, type B } from 'x';\nexport { c } from './c';")).toEqual(['x', './c']);
    expect(packagesReached('train/pretext.ts')).toContain('train/pretext.ts → @tensorflow/tfjs-core');
  });
});
