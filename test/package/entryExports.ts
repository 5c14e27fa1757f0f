/**
 * Every name each package entry exports, read from the sources by the TypeScript compiler (no build,
 * nothing imported at run time), split into values (what `Object.keys(await import(entry))` lists)
 * and types (interfaces, type aliases, and names exported with `export type`).
 */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The package's entries and the source file each is built from. */
export const ENTRY_SOURCES = {
  cutpaste: 'src/index.ts',
  'cutpaste/advanced': 'src/advanced.ts',
  'cutpaste/synthetic': 'src/synthetic.ts',
  'cutpaste/node': 'src/node/index.ts',
} as const;

export type EntryName = keyof typeof ENTRY_SOURCES;

/** The names of one entry, each list sorted. */
export interface EntryNames {
  values: string[];
  types: string[];
}

function isTypeOnly(declaration: ts.Declaration): boolean {
  if (ts.isExportSpecifier(declaration)) return declaration.isTypeOnly || declaration.parent.parent.isTypeOnly;
  if (ts.isImportSpecifier(declaration)) return declaration.isTypeOnly || declaration.parent.parent.isTypeOnly;
  return false;
}

/** A value unless some link of its re-export chain is `export type`/`import type` or it has no value meaning. */
function isValue(checker: ts.TypeChecker, symbol: ts.Symbol): boolean {
  let current = symbol;
  while (current.flags & ts.SymbolFlags.Alias) {
    if ((current.declarations ?? []).some(isTypeOnly)) return false;
    current = checker.getImmediateAliasedSymbol(current) ?? checker.getAliasedSymbol(current);
  }
  return (current.flags & ts.SymbolFlags.Value) !== 0;
}

/** Reads the export lists of every entry (one TypeScript program; a few seconds). */
export function entryExports(): Record<EntryName, EntryNames> {
  const config = ts.getParsedCommandLineOfConfigFile(
    join('tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  );
  if (!config) throw new Error('tsconfig.json could not be read');
  const files = Object.values(ENTRY_SOURCES).map(join);
  const program = ts.createProgram(files, { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const result = {} as Record<EntryName, EntryNames>;
  for (const [entry, file] of Object.entries(ENTRY_SOURCES) as [EntryName, string][]) {
    const module = checker.getSymbolAtLocation(program.getSourceFile(join(file))!);
    if (!module) throw new Error(`${file} is not a module`);
    const names: EntryNames = { values: [], types: [] };
    for (const symbol of checker.getExportsOfModule(module)) (isValue(checker, symbol) ? names.values : names.types).push(symbol.name);
    names.values.sort();
    names.types.sort();
    result[entry] = names;
  }
  return result;
}

function join(file: string): string {
  return ROOT + file;
}
