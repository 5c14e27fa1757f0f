/**
 * The floors of src/ (docs/architecture.md): a module imports only from its own floor or lower ones,
 * src/ never imports or selects a tfjs backend outside the few src/node hosts, the browser-safe core
 * never imports Node built-ins, and nothing reaches around the floors (baseUrl paths, paths that climb
 * out of src/, deep `cutpaste/…` imports). The rules live in ./architectureRules.ts; each is run on
 * src/ and on a fake file list that breaks it, so none can pass vacuously.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { factsOf, violations, type SourceFile } from './architectureRules';

const ROOT = resolve(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const sources: SourceFile[] = files(SRC).map((path) => ({
  path: relative(SRC, path).split(sep).join('/'),
  code: readFileSync(path, 'utf8'),
}));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
/** The package's entries as import specifiers: `.` → `cutpaste`, `./node` → `cutpaste/node`. */
const ENTRIES = Object.keys(pkg.exports)
  .filter((key) => !key.endsWith('.json'))
  .map((key) => (key === '.' ? 'cutpaste' : `cutpaste/${key.slice(2)}`));

/** A small, valid tree for the fake-file tests; each test adds one file that breaks one rule. */
const BASE: SourceFile[] = [
  { path: 'errors.ts', code: 'export class StateError extends Error {}' },
  { path: 'version.ts', code: "export const VERSION = '0';" },
  { path: 'math/index.ts', code: "export * from './mean';" },
  { path: 'math/mean.ts', code: "import { StateError } from '../errors';\nexport const mean = 1;" },
  { path: 'kernels/index.ts', code: "import * as tf from '@tensorflow/tfjs-core';\nimport { mean } from '../math/index';" },
  { path: 'train/trainer.ts', code: "import { prepareBackend } from '../kernels/index';" },
  { path: 'detector/detector.ts', code: "import { trainer } from '../train/trainer';" },
  { path: 'index.ts', code: "export * from './kernels/index';\nexport * from './detector/detector';" },
  {
    path: 'node/index.ts',
    code: "import { mean } from 'cutpaste';\nimport { readFile } from 'node:fs';\nimport { VERSION } from '../version';",
  },
  { path: 'node/cli/backend.ts', code: "const P = { wasm: '@tensorflow/tfjs-backend-wasm' };\nawait tf.setBackend('wasm');" },
];
const check = (...extra: SourceFile[]) => violations([...BASE, ...extra], ['cutpaste', 'cutpaste/node']);
const file = (path: string, code: string): SourceFile => ({ path, code });

describe('the floors of src/', () => {
  it('hold for every file of src/', () => {
    expect(violations(sources, ENTRIES)).toEqual([]);
  });

  it('see every kind of import in a file: static, type-only, dynamic, require and importPackage', () => {
    const code = [
      "import a from './a';",
      "import type { B } from './b';",
      "export { c } from './c';",
      "import './d';",
      "const e = await import('./e');",
      "const f = require('./f');",
      "type G = import('./g').G;",
      'const importPackage = (name: string) => import(name);',
      "await importPackage('./h');",
      "const PKG = './i';",
      'await importPackage(PKG);',
      "const TABLE = Object.freeze({ x: './j', y: './k' });",
      'await importPackage(TABLE[key]);',
      "/** @example import z from './not-code'; */",
    ].join('\n');
    expect(factsOf(code).imports).toEqual(['./a', './b', './c', './d', './e', './f', './g', './h', './i', './j', './k']);
  });

  it('accept the fake tree the other tests break', () => {
    expect(check()).toEqual([]);
  });

  it('catch an upward import, static or through importPackage', () => {
    expect(check(file('math/bad.ts', "import { trainer } from '../train/trainer';"))).toEqual([
      'math/bad.ts → ../train/trainer: imports upwards (floor 1 → 5: train/trainer.ts)',
    ]);
    expect(
      check(file('kernels/bad.ts', "const importPackage = (n: string) => import(n);\nawait importPackage('../detector/detector');")),
    ).toHaveLength(1);
  });

  it('catch a deep import that climbs out of src/ or goes around the floors with a baseUrl path', () => {
    expect(check(file('train/bad.ts', "import { x } from '../../test/helpers/tensors';"))).toEqual([
      'train/bad.ts → ../../test/helpers/tensors: does not name a file of src/ (a path that climbs out of src/ or a missing file)',
    ]);
    expect(check(file('train/bad.ts', "import { d } from 'src/detector/detector';"))).toEqual([
      'train/bad.ts → src/detector/detector: a baseUrl path around the floor check; use a relative import',
    ]);
  });

  it('catch the package imported from the core, and deep cutpaste/… imports from src/node', () => {
    expect(check(file('detector/bad.ts', "import { mean } from 'cutpaste';"))).toEqual([
      'detector/bad.ts → cutpaste: the core never imports the package itself',
    ]);
    expect(check(file('node/bad.ts', "import { x } from 'cutpaste/dist/index.js';"))).toEqual([
      "node/bad.ts → cutpaste/dist/index.js: a deep import; the package's entries are cutpaste, cutpaste/node",
    ]);
  });

  it('catch src/node reaching the core by a relative path', () => {
    expect(check(file('node/bad.ts', "import { mean } from '../math/mean';"))).toEqual([
      'node/bad.ts → ../math/mean: src/node reaches the core only through the package name (src/version.ts excepted)',
    ]);
  });

  it('catch a Node built-in in the browser-safe core, static or dynamic', () => {
    expect(check(file('detector/bad.ts', "import { readFile } from 'node:fs/promises';"))).toHaveLength(1);
    expect(check(file('detector/bad.ts', "const os = await import('os');"))).toHaveLength(1);
  });

  it('catch a tfjs backend in any form outside the src/node hosts: import, importPackage, a constant, a call', () => {
    const bad = [
      "import '@tensorflow/tfjs-backend-wasm';",
      "const importPackage = (n: string) => import(n);\nawait importPackage('@tensorflow/tfjs-node');",
      "const PKG = '@tensorflow/tfjs';",
      "await tf.setBackend('cpu');",
      "tf.registerBackend('mine', factory);",
    ];
    for (const code of bad) expect(check(file('detector/bad.ts', code)), code).toHaveLength(1);
    expect(check(file('node/bad.ts', "import '@tensorflow/tfjs-backend-cpu';"))).toHaveLength(1);
    expect(
      check(file('detector/ok.ts', "import * as tf from '@tensorflow/tfjs-core';\n// import '@tensorflow/tfjs-backend-wasm';")),
    ).toEqual([]);
  });
});
