/**
 * The floors of src/ (docs/architecture.md): a module imports only from its own floor or lower ones,
 * src/ never imports a tfjs backend or the tfjs union package, and the browser-safe core never
 * imports Node built-ins. Checked on the sources, import by import.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');
const FLOORS: Record<string, number> = {
  'errors.ts': 0, 'version.ts': 0, math: 1, data: 2, density: 2, ops: 3, models: 4, train: 5, detector: 6, 'index.ts': 7, node: 8,
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function floorOf(path: string): number {
  const top = relative(SRC, path).split('/')[0]!;
  const floor = FLOORS[top];
  if (floor === undefined) throw new Error(`src/${top} has no floor in test/math/architecture.test.ts: add it (and to docs/architecture.md)`);
  return floor;
}

function imports(path: string): string[] {
  const code = readFileSync(path, 'utf8');
  return [...code.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)]
    .map((m) => m[1] ?? m[2] ?? m[3]!);
}

const all = files(SRC);

describe('the floors of src/', () => {
  it('never import upwards', () => {
    const violations: string[] = [];
    for (const file of all) {
      for (const spec of imports(file)) {
        if (!spec.startsWith('.')) continue;
        const target = resolve(file, '..', spec);
        const targetFile = statSafe(target + '.ts') ? target + '.ts' : join(target, 'index.ts');
        if (floorOf(targetFile) > floorOf(file)) violations.push(`${relative(SRC, file)} → ${relative(SRC, targetFile)}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('never import a tfjs backend or the tfjs union package', () => {
    const bad = all.flatMap((file) =>
      imports(file)
        .filter((s) => /^@tensorflow\/(tfjs|tfjs-backend-.*|tfjs-node.*)$/.test(s))
        .map((s) => `${relative(SRC, file)} imports ${s}`),
    );
    expect(bad).toEqual([]);
  });

  it('keep Node built-ins and sharp out of the browser-safe core (everything outside src/node)', () => {
    const bad = all
      .filter((file) => floorOf(file) < FLOORS.node!)
      .flatMap((file) =>
        imports(file)
          .filter((s) => s.startsWith('node:') || ['fs', 'path', 'os', 'url', 'worker_threads', 'child_process', 'sharp'].includes(s))
          .map((s) => `${relative(SRC, file)} imports ${s}`),
      );
    expect(bad).toEqual([]);
  });

  it('reach the core from src/node only through the package name (the version constant excepted)', () => {
    // The CLI answers --version without loading tfjs, so it may inline src/version.ts (a constant, no imports).
    const bad = all
      .filter((file) => floorOf(file) === FLOORS.node)
      .flatMap((file) =>
        imports(file)
          .filter((s) => s.startsWith('.') && !resolve(file, '..', s).startsWith(join(SRC, 'node')) && resolve(file, '..', s) !== join(SRC, 'version'))
          .map((s) => `${relative(SRC, file)} imports ${s}`),
      );
    expect(bad).toEqual([]);
  });
});

function statSafe(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
