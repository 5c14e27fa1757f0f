/**
 * The rules of docs/architecture.md as functions on a list of source files, so that
 * test/project/architecture.pure.test.ts runs them on src/ and on small fake file lists that break each rule
 * (a rule that cannot fail proves nothing). Imports are read with the TypeScript parser: static
 * `import`/`export … from`, `import type`, `import('x')`, `require('x')` and the dynamic-import helper
 * `importPackage('x')` (also `importPackage(NAME)` and `importPackage(TABLE[key])` when `NAME` or
 * `TABLE` is a string constant or an object of strings declared in the same file).
 */
import { posix } from 'node:path';
import ts from 'typescript';

/** A file of src/: `path` relative to src/ with `/` separators (`train/trainer.ts`), and its text. */
export interface SourceFile {
  readonly path: string;
  readonly code: string;
}

/**
 * The floor of each top-level entry of src/ (docs/architecture.md, "Floors"): a module imports only
 * from its own floor or lower ones.
 */
export const FLOORS: Readonly<Record<string, number>> = {
  'errors.ts': 0,
  'version.ts': 0,
  math: 1,
  data: 2,
  density: 2,
  kernels: 2,
  ops: 3,
  models: 4,
  train: 5,
  detector: 6,
  heatmap: 6,
  'index.ts': 7,
  'advanced.ts': 7,
  'synthetic.ts': 7,
  node: 8,
};

/** Names of functions whose first argument is a module specifier, besides `import(…)`. */
const IMPORT_HELPERS = new Set(['importPackage', 'require']);

/** A tfjs backend package, the tfjs union package or tfjs-node, alone or with a subpath. */
const BACKEND_PACKAGE = /^@tensorflow\/(tfjs|tfjs-backend-[\w-]+|tfjs-node(-gpu)?)(\/.*)?$/;

/** tfjs calls that register, remove or select a backend. */
const BACKEND_CALLS = new Set(['setBackend', 'registerBackend', 'removeBackend']);

/**
 * The files of src/node that are hosts of their own and so may load and select a backend by name
 * (docs/architecture.md, "No backend"): the CLI picks the one named by `--backend`; a gradient worker
 * thread loads the training thread's backend (its package table is in protocol.ts); `useThreadedWasm`
 * re-registers wasm's multi-threaded build when a user calls it.
 */
export const BACKEND_HOSTS: ReadonlySet<string> = new Set([
  'node/cli/backend.ts',
  'node/parallel/gradientWorker.ts',
  'node/parallel/protocol.ts',
  'node/threadedWasm.ts',
]);

/**
 * Core files src/node may import by a relative path, so that the CLI inlines them and answers --help,
 * --version and bad options without loading tfjs: the version, and the option tables its flags and
 * help are read from. They import no package, not even through the files they import (types aside);
 * test/project/optionSchemaPurity.pure.test.ts checks that.
 */
export const CLI_INLINED: ReadonlySet<string> = new Set([
  'version.ts',
  'math/optionSchema.ts',
  'detector/cutPasteOptionTable.ts',
  'detector/detectorOptionRows.ts',
  'detector/featureDensity/options.ts',
  'heatmap/heatmapRange.ts',
]);

const NODE_BUILTINS = new Set(['fs', 'path', 'os', 'url', 'worker_threads', 'child_process', 'module', 'crypto', 'util', 'sharp']);

/** What one file imports, and the string literals and backend calls it contains. */
export interface FileFacts {
  readonly imports: readonly string[];
  readonly strings: readonly string[];
  readonly backendCalls: readonly string[];
}

/** Parses one file (comments are not code: an `@example` import in a doc comment is not an import). */
export function factsOf(code: string): FileFacts {
  const source = ts.createSourceFile('file.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const constants = new Map<string, string[]>();
  const imports: string[] = [];
  const strings: string[] = [];
  const backendCalls: string[] = [];
  const literal = (node: ts.Node | undefined): string | undefined =>
    node !== undefined && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined;
  const specifiers = (arg: ts.Expression | undefined): string[] => {
    if (arg === undefined) return [];
    const text = literal(arg);
    if (text !== undefined) return [text];
    if (ts.isIdentifier(arg)) return constants.get(arg.text) ?? [];
    if (ts.isElementAccessExpression(arg) && ts.isIdentifier(arg.expression)) return constants.get(arg.expression.text) ?? [];
    return [];
  };
  const collectConstants = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined) {
      let init: ts.Expression = node.initializer;
      while (ts.isCallExpression(init) && init.arguments.length === 1) init = init.arguments[0]!; // Object.freeze({...})
      while (ts.isAsExpression(init) || ts.isParenthesizedExpression(init) || ts.isSatisfiesExpression(init)) init = init.expression;
      const text = literal(init);
      if (text !== undefined) constants.set(node.name.text, [text]);
      else if (ts.isObjectLiteralExpression(init)) {
        const values = init.properties
          .flatMap((p) => (ts.isPropertyAssignment(p) ? [literal(p.initializer)] : []))
          .filter((v) => v !== undefined);
        constants.set(node.name.text, values);
      }
    }
    ts.forEachChild(node, collectConstants);
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined) {
      imports.push(...specifiers(node.moduleSpecifier));
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      imports.push(...specifiers(node.argument.literal));
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword) imports.push(...specifiers(node.arguments[0]));
      else if (ts.isIdentifier(callee) && IMPORT_HELPERS.has(callee.text)) imports.push(...specifiers(node.arguments[0]));
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
      if (name !== undefined && BACKEND_CALLS.has(name)) backendCalls.push(name);
    }
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) strings.push(node.text);
    else if (ts.isTemplateExpression(node)) strings.push(node.head.text);
    ts.forEachChild(node, visit);
  };
  collectConstants(source);
  visit(source);
  return { imports, strings, backendCalls };
}

/** The floor of a path relative to src/; throws for a top-level entry that has none. */
export function floorOf(path: string): number {
  const top = path.split('/')[0]!;
  const floor = FLOORS[top];
  if (floor === undefined)
    throw new Error(`src/${top} has no floor in test/project/architectureRules.ts: add it (and to docs/architecture.md)`);
  return floor;
}

/** The file of src/ a relative specifier names (`x` as `x.ts` or `x/index.ts`), or undefined. */
function resolveRelative(from: string, spec: string, known: ReadonlySet<string>): string | undefined {
  const target = posix.normalize(posix.join(posix.dirname(from), spec)).replace(/\.js$/, '');
  return [`${target}.ts`, `${target}/index.ts`, target].find((candidate) => known.has(candidate));
}

/**
 * Every rule broken by `files`, one line each (`file → target: why`); `entries` are the package's own
 * export paths (`cutpaste`, `cutpaste/node`, … from package.json `exports`).
 */
export function violations(files: readonly SourceFile[], entries: readonly string[]): string[] {
  const known = new Set(files.map((f) => f.path));
  const out: string[] = [];
  for (const file of files) {
    const floor = floorOf(file.path);
    const isNode = floor === FLOORS.node;
    const facts = factsOf(file.code);
    for (const spec of facts.imports) {
      const at = `${file.path} → ${spec}`;
      if (spec.startsWith('.')) {
        const target = resolveRelative(file.path, spec, known);
        if (target === undefined) out.push(`${at}: does not name a file of src/ (a path that climbs out of src/ or a missing file)`);
        else if (floorOf(target) > floor) out.push(`${at}: imports upwards (floor ${floor} → ${floorOf(target)}: ${target})`);
        else if (isNode && !target.startsWith('node/') && !CLI_INLINED.has(target)) {
          out.push(`${at}: src/node reaches the core only through the package name (src/version.ts excepted)`);
        }
      } else if (spec === 'src' || spec.startsWith('src/')) {
        out.push(`${at}: a baseUrl path around the floor check; use a relative import`);
      } else if (spec === 'cutpaste' || spec.startsWith('cutpaste/')) {
        if (!isNode) out.push(`${at}: the core never imports the package itself`);
        else if (!entries.includes(spec)) out.push(`${at}: a deep import; the package's entries are ${entries.join(', ')}`);
      } else if (!isNode && (spec.startsWith('node:') || NODE_BUILTINS.has(spec))) {
        out.push(`${at}: Node built-ins and sharp stay in src/node (the core is browser-safe)`);
      }
    }
    if (!BACKEND_HOSTS.has(file.path)) {
      for (const text of new Set(facts.strings)) {
        if (BACKEND_PACKAGE.test(text)) {
          out.push(`${file.path} → ${text}: src/ never imports a tfjs backend (only ${[...BACKEND_HOSTS].join(', ')})`);
        }
      }
      for (const call of new Set(facts.backendCalls)) out.push(`${file.path} calls ${call}: src/ never registers or selects a backend`);
    }
  }
  return out;
}
