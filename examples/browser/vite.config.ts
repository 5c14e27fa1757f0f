import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The browser example: `npx vite examples/browser` (dev server), `npx vite build examples/browser`
 * (static files in examples/browser/dist; serve them with the two headers below, e.g.
 * `npx vite preview examples/browser`).
 *
 * Cross-origin isolation (COOP + COEP) gives the page SharedArrayBuffer, which tfjs-backend-wasm
 * needs for its threaded build; without the headers it falls back to its single-thread SIMD build.
 */
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: {
    // In this repository the example uses the library's sources; an app of yours imports the
    // installed package (`npm install cutpaste @tensorflow/tfjs-core @tensorflow/tfjs-layers …`).
    alias: [
      { find: /^cutpaste$/, replacement: fileURLToPath(new URL('../../src/index.ts', import.meta.url)) },
      { find: /^cutpaste\/advanced$/, replacement: fileURLToPath(new URL('../../src/advanced.ts', import.meta.url)) },
      { find: /^cutpaste\/synthetic$/, replacement: fileURLToPath(new URL('../../src/synthetic.ts', import.meta.url)) },
    ],
  },
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    // No `compress`: tfjs-backend-wasm starts its threads from the source text of its module factory
    // (`factory.toString()`), which must not reference variables the minifier hoisted out of it.
    // Vite's default minification breaks the threaded build ("ReferenceError: e is not defined" in
    // the worker); mangling and whitespace removal alone are safe (1.49 MB instead of 1.40 MB).
    rolldownOptions: { output: { minify: { compress: false, mangle: true, codegen: { removeWhitespace: true } } } },
  },
});
