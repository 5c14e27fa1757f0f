import { availableParallelism } from 'node:os';
import type { CommonArgs } from './argTypes';
import type { BackendName } from './commands';
import { loadLibrary } from './library';
import { importPackage } from '../importPackage';

/** The npm package that provides each backend the CLI can use. */
export const BACKEND_PACKAGES: Readonly<Record<BackendName, string>> = Object.freeze({
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
  tensorflow: '@tensorflow/tfjs-node',
});

/** Whether an import failed because the package is not installed (not because it is broken). */
function isMissing(error: unknown, pkg: string): boolean {
  const e = error as { code?: string; message?: string };
  return (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') && String(e.message).includes(pkg);
}

/**
 * The XNNPACK threads a command gives the wasm backend (`--threads`). `auto`: every core (at most 8)
 * when the command only infers (`score`) or trains without gradient workers (`--workers 0`); 1 when
 * it trains on a gradient worker, which uses the other core better (patch32 steps: 1.6× against 1.1–1.2×
 * for two XNNPACK threads; bench/parallel.ts).
 *
 * @example
 * wasmThreads({ backend: 'wasm', quiet: false, verbose: false }, { trains: false }); // e.g. 2
 */
export function wasmThreads(args: CommonArgs & { readonly workers?: number | 'auto' }, use: { trains: boolean }): number {
  if (args.backend !== 'wasm') return 1;
  if (typeof args.threads === 'number') return args.threads;
  const cores = Math.max(1, Math.min(8, availableParallelism()));
  return use.trains && args.workers !== 0 ? 1 : cores;
}

/**
 * Loads tfjs-core and tfjs-layers (the library's peer dependencies), imports the package of
 * `backend` and makes it tfjs's backend. The backend packages are optional peer dependencies of
 * `cutpaste`: a missing one is an error that says which `npm install` to run. Turns on tfjs's
 * production mode (no debug checks, no "install tfjs-node" banner in the middle of progress bars).
 * With `threads` > 1 the wasm backend is the multi-threaded build (`useThreadedWasm`).
 *
 * @returns the name tfjs reports for the active backend
 * @throws Error naming the package to install, or why the backend could not start
 * @example
 * await selectBackend('wasm'); // 'wasm'
 */
export async function selectBackend(backend: BackendName, threads = 1): Promise<string> {
  const tf = await import('@tensorflow/tfjs-core').catch((error: unknown) => {
    throw new Error('the peer dependencies of cutpaste are missing: run `npm install @tensorflow/tfjs-core @tensorflow/tfjs-layers`', {
      cause: error,
    });
  });
  const pkg = BACKEND_PACKAGES[backend];
  try {
    await importPackage(pkg);
  } catch (error) {
    if (isMissing(error, pkg)) {
      const why =
        backend === 'tensorflow' ? ' (native TensorFlow bindings, fastest on CPU; needs a prebuilt binary for your platform)' : '';
      throw new Error(`--backend ${backend} needs the package ${pkg}${why}: run \`npm install ${pkg}\``, { cause: error });
    }
    throw new Error(`--backend ${backend}: ${pkg} failed to load: ${(error as Error).message}`, { cause: error });
  }
  if (tf.findBackendFactory(backend) === null) {
    throw new Error(
      `--backend ${backend}: ${pkg} registered its backend with another copy of @tensorflow/tfjs-core than cutpaste uses; install versions that match (\`npm ls @tensorflow/tfjs-core\`)`,
    );
  }
  if (backend === 'wasm' && threads > 1) await (await loadLibrary()).useThreadedWasm({ threads });
  tf.enableProdMode();
  if (!(await tf.setBackend(backend))) throw new Error(`--backend ${backend}: the backend failed to initialise`);
  await tf.ready();
  return tf.getBackend();
}
