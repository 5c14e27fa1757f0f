import { defineConfig, type Options } from 'tsup';

const shared: Options = {
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  target: 'es2022',
  splitting: false,
  treeshake: true,
  // tfjs is the host's (peer dependencies); runtime dependencies stay imports. `cutpaste/node`
  // imports the core as `cutpaste` (tsconfig `paths` maps it to src/ while developing), so both
  // entries share one copy of the core: one set of classes, one kernel registration.
  external: [/^@tensorflow\//, 'ml-matrix', 'seedrandom', 'sharp', 'cli-progress', 'cutpaste'],
};

export default defineConfig([
  { ...shared, entry: { index: 'src/index.ts' }, platform: 'neutral', clean: true },
  // shims: the CJS build gets `import.meta.url` (the gradient-worker provider finds gradientWorker.js by it).
  { ...shared, entry: { 'node/index': 'src/node/index.ts' }, platform: 'node', shims: true },
  // The gradient worker thread's entry (spawned by `threadGradientWorkers`, next to node/index): ESM only,
  // no types; it imports the core as `cutpaste`, like node/index.
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
    external: [...(shared.external ?? []), 'cutpaste/node'],
  },
]);
