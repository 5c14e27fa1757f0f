import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { importPackage } from './importPackage';

/** Options of {@link useThreadedWasm}. */
export interface ThreadedWasmOptions {
  /**
   * XNNPACK threads of the wasm backend, the calling thread included: an integer in [1, 8] (the
   * threaded build pre-starts 8 pthreads), or `'auto'` (default): `os.availableParallelism()`, at most 8.
   */
  readonly threads?: number | 'auto';
}

/** What {@link useThreadedWasm} did. */
export interface ThreadedWasmInfo {
  /** The XNNPACK threads the backend will use. */
  readonly threads: number;
}

/** The most threads the threaded build can use: it pre-starts this many pthreads (tfjs-backend-wasm's build). */
const MAX_THREADS = 8;
const PKG = '@tensorflow/tfjs-backend-wasm';
const BUILD = 'tfjs-backend-wasm-threaded-simd';

/** The emscripten module of the threaded build, as far as this file touches it. */
interface EmscriptenModule {
  cwrap(name: string, returns: string | null, args: string[]): (...args: number[]) => number;
  PThread: { runningWorkers: { unref(): void }[]; unusedWorkers: { unref(): void }[] };
  tfjs?: unknown;
}
type Factory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;
interface WasmPackage {
  BackendWasm: new (module: EmscriptenModule) => tf.KernelBackend;
  setThreadsCount(threads: number): void;
}

/** The backend {@link useThreadedWasm}'s factory made, and its threads. */
let made: { backend: tf.KernelBackend; threads: number } | undefined;

/**
 * The XNNPACK threads of tfjs's initialised `wasm` backend when {@link useThreadedWasm} made it, else
 * 1 (the ordinary build, or no wasm backend yet). Does not initialise any backend.
 *
 * @example
 * await useThreadedWasm({ threads: 2 }); await tf.setBackend('wasm');
 * threadedWasmThreads(); // 2
 */
export function threadedWasmThreads(): number {
  return made !== undefined && tf.engine().registry['wasm'] === made.backend ? made.threads : 1;
}

/** The pthread entry script, written once per process to a temporary file (Node workers need a file). */
let workerScript: string | undefined;
function pthreadScript(contents: string): string {
  if (workerScript !== undefined) return workerScript;
  const dir = mkdtempSync(join(tmpdir(), 'cutpaste-wasm-'));
  const file = join(dir, `${BUILD}.worker.js`);
  // As tfjs-backend-wasm does for its Blob: the script holds "\n" inside string literals.
  writeFileSync(file, contents.replace(/\n/g, '\\n'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  workerScript = file;
  return file;
}

function resolveThreads(threads: number | 'auto' | undefined): number {
  if (threads === undefined || threads === 'auto') return Math.max(1, Math.min(MAX_THREADS, availableParallelism()));
  if (!(Number.isInteger(threads) && threads >= 1 && threads <= MAX_THREADS)) {
    throw new RangeError(`useThreadedWasm: threads must be 'auto' or an integer in [1, ${MAX_THREADS}], got ${String(threads)}`);
  }
  return threads;
}

/**
 * Makes tfjs's `wasm` backend in Node the multi-threaded SIMD build, so that XNNPACK's convolutions
 * and matrix products use several cores. tfjs-backend-wasm ships that build but turns threads off in
 * Node (it loads its pthread script from a Blob URL, which Node's workers cannot run); this
 * re-registers the `wasm` backend with a factory that loads the same build from files, with
 * `threads` XNNPACK threads. Kernels, memory layout and results are those of the ordinary wasm backend.
 *
 * Call it before the wasm backend is first initialised (before `tf.setBackend('wasm')`); it imports
 * `@tensorflow/tfjs-backend-wasm` itself. The pthreads do not keep the process alive.
 * Data-parallel gradient workers (`FitOptions.workers`) are a different way to use the same cores:
 * with a threaded backend, `workers: 'auto'` starts none.
 *
 * @returns the threads the backend will use
 * @throws RangeError on a bad `threads`; Error when the wasm backend is already initialised or the
 *   package is missing
 * @example
 * import * as tf from '@tensorflow/tfjs-core';
 * import { useThreadedWasm } from 'cutpaste/node';
 * await useThreadedWasm();        // every core
 * await tf.setBackend('wasm');
 */
export async function useThreadedWasm(options: ThreadedWasmOptions = {}): Promise<ThreadedWasmInfo> {
  const threads = resolveThreads(options.threads);
  // Not tf.findBackend: it would start initialising the ordinary wasm backend.
  if ('wasm' in tf.engine().registry) {
    throw new Error("useThreadedWasm: the wasm backend is already initialised; call useThreadedWasm before tf.setBackend('wasm')");
  }
  const wasm = (await importPackage(PKG).catch((error: unknown) => {
    throw new Error(`useThreadedWasm needs the package ${PKG}: run \`npm install ${PKG}\``, { cause: error });
  })) as WasmPackage;
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve(`${PKG}/wasm-out/${BUILD}.js`));
  const factory = require(join(dir, `${BUILD}.js`)) as Factory;
  const { wasmWorkerContents } = require(join(dir, `${BUILD}.worker.js`)) as { wasmWorkerContents: string };
  const binary = readFileSync(join(dir, `${BUILD}.wasm`));

  tf.removeBackend('wasm');
  const registered = tf.registerBackend(
    'wasm',
    async () => {
      // A failed instantiation must fail the factory (setBackend then answers false), not leave it pending.
      let fail: (error: Error) => void = () => undefined;
      const failed = new Promise<never>((_, reject) => (fail = reject));
      const module = await Promise.race([
        failed,
        factory({
          locateFile: (path: string) => (path.endsWith('.worker.js') ? pthreadScript(wasmWorkerContents) : join(dir, path)),
          mainScriptUrlOrBlob: join(dir, `${BUILD}.js`),
          // tfjs's C side caps its thread pool at half the logical cores it is told of (for hyper-threads)
          // and at the count asked for: report 2 × threads so that exactly `threads` are used.
          instantiateWasm(
            info: { env: Record<string, unknown> },
            receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
          ) {
            const env = { ...info.env, emscripten_num_logical_cores: () => 2 * threads };
            WebAssembly.instantiate(binary, { ...info, env, wasi_snapshot_preview1: env }).then(
              (result) => receive(result.instance, result.module),
              (error: unknown) =>
                fail(new Error(`useThreadedWasm: instantiating the threaded wasm build failed: ${String(error)}`, { cause: error })),
            );
            return {};
          },
        }),
      ]);
      module.tfjs = {
        init: module.cwrap('init', null, []),
        initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
        getThreadsCount: module.cwrap('get_threads_count', 'number', []),
        registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
        disposeData: module.cwrap('dispose_data', null, ['number']),
        dispose: module.cwrap('dispose', null, []),
      };
      wasm.setThreadsCount(threads);
      const backend = new wasm.BackendWasm(module);
      // The pool's pthreads wait on futexes for work for as long as the process lives: let it exit.
      for (const worker of [...module.PThread.runningWorkers, ...module.PThread.unusedWorkers]) worker.unref();
      made = { backend, threads };
      return backend;
    },
    2, // tfjs-backend-wasm's own priority
  );
  if (!registered) throw new Error('useThreadedWasm: tfjs refused to register the wasm backend');
  return { threads };
}
