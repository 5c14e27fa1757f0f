import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Four projects (each inherits the root settings):
 * - `math`: pure, tfjs-free tests (src/math, src/density, packaging) — run once.
 * - `cpu` and `wasm`: every tensor test under test/ (outside test/math) runs once per backend;
 *   `test/helpers/setup-backend.ts` selects the backend named by CUTPASTE_TEST_BACKEND.
 * - `kernels`: cross-backend checks (e.g. the wasm gradient fills against the cpu backend).
 */
const tensorTests = ['test/**/*.test.ts'];
const notTensor = ['test/math/**', 'test/package/**', 'test/kernels/**', 'test/browser/**'];

const backendProject = (backend: 'cpu' | 'wasm') => ({
  extends: true as const,
  test: {
    name: backend,
    include: tensorTests,
    exclude: notTensor,
    setupFiles: ['test/helpers/setup-backend.ts'],
    env: { CUTPASTE_TEST_BACKEND: backend },
  },
});

export default defineConfig({
  // `cutpaste` and its subpaths (how src/node reaches the core) resolve to the sources while testing.
  resolve: {
    alias: [
      { find: /^cutpaste\/node$/, replacement: fileURLToPath(new URL('./src/node/index.ts', import.meta.url)) },
      { find: /^cutpaste\/advanced$/, replacement: fileURLToPath(new URL('./src/advanced.ts', import.meta.url)) },
      { find: /^cutpaste\/synthetic$/, replacement: fileURLToPath(new URL('./src/synthetic.ts', import.meta.url)) },
      { find: /^cutpaste$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'math', include: ['test/math/**/*.test.ts', 'test/package/**/*.test.ts'] } },
      backendProject('cpu'),
      backendProject('wasm'),
      { extends: true, test: { name: 'kernels', include: ['test/kernels/**/*.test.ts'] } },
    ],
  },
});
