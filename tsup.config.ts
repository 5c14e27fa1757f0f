import { defineConfig, type Options } from 'tsup';

const shared: Options = {
  format: ['esm', 'cjs'],
  dts: true,
  // No source maps: the published code is unminified, each module marked `// src/<file>.ts`, so
  // stack traces read without them; maps would double the tarball.
  sourcemap: false,
  target: 'es2022',
  splitting: false,
  treeshake: true,
  // tfjs is the host's (peer dependencies); runtime dependencies stay imports. `cutpaste/node`
  // imports the core as `cutpaste`, `cutpaste/advanced` and `cutpaste/synthetic` (tsconfig `paths`
  // and the vitest aliases map them to src/ while developing), so every entry shares one copy of the
  // core: one set of classes, one kernel registration, one set of registries.
  external: [/^@tensorflow\//, 'seedrandom', 'sharp', 'cli-progress', /^cutpaste(\/|$)/],
};

export default defineConfig([
  // The browser-safe entries, built together with code splitting: what two of them use lives once,
  // in a shared `chunk-*` file (the kernel registration included), so `cutpaste` and
  // `cutpaste/advanced` share classes and registries, and the generator stays in `synthetic.*`.
  {
    ...shared,
    entry: { index: 'src/index.ts', advanced: 'src/advanced.ts', synthetic: 'src/synthetic.ts' },
    platform: 'neutral',
    splitting: true,
    clean: true,
  },
  // shims: the CJS build gets `import.meta.url` (the gradient-worker provider finds gradientWorker.js by it).
  { ...shared, entry: { 'node/index': 'src/node/index.ts' }, platform: 'node', shims: true },
  // The gradient worker thread's entry (spawned by `threadGradientWorkers`, next to node/index): ESM only,
  // no types; it imports the core as `cutpaste/advanced`, like node/index imports `cutpaste`.
  { ...shared, entry: { 'node/gradientWorker': 'src/node/parallel/gradientWorker.ts' }, platform: 'node', format: ['esm'], dts: false },
  // The `cutpaste` bin: ESM only, no types; it imports the library as `cutpaste/node` (external), so it
  // runs on the installed package's own copy.
  {
    ...shared,
    entry: { 'node/cli': 'src/node/cli/main.ts' },
    platform: 'node',
    format: ['esm'],
    dts: false,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
