/**
 * The published package, as a consumer sees it: `npm pack`, unpack into a scratch project whose other
 * dependencies are this repository's installed ones, then import it from ESM, CJS and TypeScript.
 * Needs `dist/` (npm test builds it first: the `pretest` script).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};
let project = '';

function run(file: string, args: string[], cwd = project): string {
  return execFileSync(file, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  project = mkdtempSync(join(tmpdir(), 'cutpaste-consumer-'));
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', project], root)) as { filename: string }[];
  const target = join(project, 'node_modules/cutpaste');
  mkdirSync(target, { recursive: true });
  run('tar', ['xzf', join(project, packed[0]!.filename), '--strip-components=1', '-C', target]);
  // The consumer's other dependencies: link the ones this repository has installed.
  const deps = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies), 'typescript'];
  for (const dep of deps) {
    if (!existsSync(join(root, 'node_modules', dep))) continue; // optional peers not installed here (tfjs-node)
    const link = join(project, 'node_modules', dep);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(root, 'node_modules', dep), link, 'dir');
  }
  for (const types of ['@types/seedrandom', '@types/node']) {
    const link = join(project, 'node_modules', types);
    mkdirSync(dirname(link), { recursive: true });
    cpSync(join(root, 'node_modules', types), link, { recursive: true });
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
}, 120_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('the packed npm package', () => {
  it('contains only dist/, the README, the licence, the changelog and package.json', () => {
    const listing = JSON.parse(run('npm', ['pack', '--dry-run', '--json'], root)) as { files: { path: string }[] }[];
    const files = listing[0]!.files.map((f) => f.path);
    const unexpected = files.filter((f) => !/^(dist\/|README\.md$|LICENSE$|CHANGELOG\.md$|package\.json$)/.test(f));
    expect(unexpected).toEqual([]);
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.cjs');
    expect(files).toContain('dist/index.d.ts');
  });

  it('imports from ESM, with every public name of the core also on the node entry', () => {
    writeFileSync(
      join(project, 'esm.mjs'),
      `import * as core from 'cutpaste';
       import * as node from 'cutpaste/node';
       const missing = Object.keys(core).filter((k) => node[k] !== core[k]);
       console.log(JSON.stringify({ version: core.VERSION, names: Object.keys(core).length, missing }));`,
    );
    const out = JSON.parse(run('node', ['esm.mjs'])) as { version: string; names: number; missing: string[] };
    expect(out.version).toBe(pkg.version);
    expect(out.missing).toEqual([]);
    expect(out.names).toBeGreaterThan(1);
  });

  it('requires from CommonJS, exposing the same names as the ESM entry', () => {
    writeFileSync(
      join(project, 'cjs.cjs'),
      `const core = require('cutpaste'); const node = require('cutpaste/node');
       import('cutpaste').then((esm) => {
         const names = (m) => Object.keys(m).filter((k) => k !== 'default' && k !== 'module.exports').sort();
         console.log(JSON.stringify({ version: core.VERSION, cjs: names(core), esm: names(esm), node: names(node).length }));
       });`,
    );
    const out = JSON.parse(run('node', ['cjs.cjs'])) as { version: string; cjs: string[]; esm: string[]; node: number };
    expect(out.version).toBe(pkg.version);
    expect(out.cjs).toEqual(out.esm);
    expect(out.node).toBeGreaterThanOrEqual(out.cjs.length);
  });

  it('runs the multi-threaded wasm build from the installed package, from ESM and from CommonJS', () => {
    const body = `await useThreadedWasm({ threads: 2 });
       await tf.setBackend('wasm');
       const y = tf.conv2d(tf.ones([1, 6, 6, 2]), tf.ones([3, 3, 2, 1]), 1, 'valid');
       console.log(JSON.stringify({ threads: threadedWasmThreads(), sum: (await tf.sum(y).data())[0] }));`;
    writeFileSync(
      join(project, 'threads.mjs'),
      `import * as tf from '@tensorflow/tfjs-core';
       import { useThreadedWasm, threadedWasmThreads } from 'cutpaste/node';
       ${body}`,
    );
    writeFileSync(
      join(project, 'threads.cjs'),
      `const tf = require('@tensorflow/tfjs-core');
       const { useThreadedWasm, threadedWasmThreads } = require('cutpaste/node');
       (async () => { ${body} })();`,
    );
    for (const file of ['threads.mjs', 'threads.cjs']) {
      // exits by itself: the pthreads must not hold the process
      const out = JSON.parse(execFileSync('node', [file], { cwd: project, encoding: 'utf8', timeout: 60_000 }).trim().split('\n').at(-1)!);
      expect(out, file).toEqual({ threads: 2, sum: 16 * 18 });
    }
  });

  it('type-checks a TypeScript consumer under both node16 and bundler module resolution', () => {
    writeFileSync(
      join(project, 'consumer.ts'),
      `import { VERSION, createRng, type Rng } from 'cutpaste';
       import { VERSION as NODE_VERSION } from 'cutpaste/node';
       const rng: Rng = createRng(1);
       const v: string = VERSION + NODE_VERSION + rng().toFixed(2);
       // @ts-expect-error: the package's types must reject a wrong argument type
       createRng({});
       export { v };`,
    );
    const tsc = join(project, 'node_modules/typescript/bin/tsc');
    for (const resolution of [['--module', 'node16', '--moduleResolution', 'node16'], ['--module', 'esnext', '--moduleResolution', 'bundler']]) {
      run('node', [tsc, '--noEmit', '--strict', '--skipLibCheck', '--lib', 'es2022,dom', ...resolution, 'consumer.ts']);
    }
  });

  it('installs a cutpaste command that answers --version and --help', () => {
    const bin = join(project, 'node_modules/.bin/cutpaste');
    mkdirSync(dirname(bin), { recursive: true });
    symlinkSync('../cutpaste/dist/node/cli.js', bin);
    expect(readFileSync(join(project, 'node_modules/cutpaste/dist/node/cli.js'), 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
    expect(run('node', [bin, '--version']).trim()).toContain(pkg.version);
    expect(run('node', [bin, 'fit', '--help'])).toMatch(/--data/);
  });

  it('keeps Node built-ins out of the browser-safe core bundle', () => {
    for (const file of ['dist/index.js', 'dist/index.cjs']) {
      const code = readFileSync(join(root, file), 'utf8');
      expect(code).not.toMatch(/(from|require\()\s*['"](node:|fs['"]|path['"]|os['"]|child_process|worker_threads|url['"])/);
    }
  });
});
