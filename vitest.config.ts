import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Projects named for what they run, chosen by the file's suffix (test/ mirrors src/: a module's tests
 * sit at its path, e.g. src/node/cli/args.ts → test/node/cli/args.pure.test.ts):
 * - `pure` (`*.pure.test.ts`): no tensors (numerics on typed arrays, the CLI as a child process,
 *   packaging, the project's own rules); run once.
 * - `tensor-cpu` and `tensor-wasm` (`*.test.ts`, no other suffix): every tensor test, once per backend;
 *   `test/helpers/setup-backend.ts` selects the backend named by CUTPASTE_TEST_BACKEND.
 * - `kernels` (`*.kernels.test.ts`): cross-backend checks (the wasm gradient fills against cpu).
 * - `browser` (`*.browser.test.ts`): Chromium and Node WebGPU, in test/browser/vitest.config.ts
 *   (`npm run test:browser`).
 */
const SUFFIXED = ['test/**/*.pure.test.ts', 'test/**/*.kernels.test.ts', 'test/**/*.browser.test.ts'];

const backendProject = (backend: 'cpu' | 'wasm') => ({
  extends: true as const,
  test: {
    name: `tensor-${backend}`,
    include: ['test/**/*.test.ts'],
    exclude: SUFFIXED,
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
      { extends: true, test: { name: 'pure', include: ['test/**/*.pure.test.ts'] } },
      backendProject('cpu'),
      backendProject('wasm'),
      { extends: true, test: { name: 'kernels', include: ['test/**/*.kernels.test.ts'] } },
    ],
  },
});
