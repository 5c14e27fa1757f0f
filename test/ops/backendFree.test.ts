// Static checks on the sources of src/ops (no tensors): the augmentations contain no
// backend-specific code, and the pixel layer does not depend on tfjs at all.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const OPS = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/ops');

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

/** The module specifiers a file imports or re-exports (static and dynamic). */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]/g)) found.push(m[1]!);
  for (const m of text.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)) found.push(m[1]!);
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]!);
  return found;
}

describe('src/ops sources', () => {
  it('never branch on the backend outside the kernel fills', () => {
    const offenders = sources(OPS)
      .filter((f) => !relative(OPS, f).startsWith('kernels'))
      .filter((f) => /getBackend|\.backendName|ENV\.get\(|tf\.env\(\)/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(OPS, f));
    expect(offenders).toEqual([]);
  });

  it('keep the pixel layer free of tfjs: no file it reaches imports a tfjs package', () => {
    const seen = new Set<string>();
    const tfjs: string[] = [];
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of imports(file)) {
        if (spec.startsWith('.')) visit(resolve(dirname(file), `${spec}.ts`));
        else if (spec.startsWith('@tensorflow/')) tfjs.push(`${relative(OPS, file)} → ${spec}`);
      }
    };
    const roots = sources(join(OPS, 'pixels'));
    expect(roots.length).toBeGreaterThanOrEqual(10);
    roots.forEach(visit);
    expect(seen.size).toBeGreaterThan(roots.length); // it does reach the shared helpers (jitter, shapes, …)
    expect(tfjs).toEqual([]);
  });
});
