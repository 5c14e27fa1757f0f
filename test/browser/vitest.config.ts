import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The `browser` tests (`npm run test:browser`; `npm test` runs them after the other projects):
 * Chromium headless through playwright-core (webgl, webgpu and wasm in a page, the example app) and
 * the Node WebGPU path. One file at a time: each launches its own browser, and SwiftShader keeps both
 * cores busy. `globalSetup.ts` builds the two pages first.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  resolve: {
    alias: [
      { find: /^cutpaste$/, replacement: fileURLToPath(new URL('../../src/index.ts', import.meta.url)) },
      { find: /^cutpaste\/advanced$/, replacement: fileURLToPath(new URL('../../src/advanced.ts', import.meta.url)) },
      { find: /^cutpaste\/synthetic$/, replacement: fileURLToPath(new URL('../../src/synthetic.ts', import.meta.url)) },
    ],
  },
  test: {
    name: 'browser',
    include: ['test/**/*.browser.test.ts'],
    globalSetup: ['test/browser/globalSetup.ts'],
    env: { CUTPASTE_BROWSER_TESTS: '1' },
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
