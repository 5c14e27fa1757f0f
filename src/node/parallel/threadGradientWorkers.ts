import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  registerGradientWorkerProvider,
  registeredGradientWorkerProvider,
  type GradientRequest,
  type GradientResult,
  type GradientWorkerProvider,
  type GradientWorkers,
  type ReplicaSpec,
} from 'cutpaste/advanced';
import { threadedWasmThreads } from '../threadedWasm';
import { WORKER_BACKENDS, type FromWorker, type ToWorker } from './protocol';

/** The most workers `'auto'` starts (one spare core is used; more split each batch further). */
const AUTO_MAX = 1;

/** Every worker thread this module started and has not yet stopped (for tests: nothing may outlive a run). */
const live = new Set<Worker>();

/**
 * The `worker_threads` gradient-worker provider of `cutpaste/node` (registered on import): each worker
 * is a thread with its own tfjs, on the training thread's backend (wasm or cpu; Node runs both on one
 * core), holding a replica of the networks. Weights go to the workers and gradients come back as
 * copied typed arrays each step (≈ 1 MB each way for `patch32`).
 *
 * `autoWorkers`: `min(1, os.availableParallelism() − threads)` on wasm and cpu, where `threads` is 1
 * or the XNNPACK threads of a wasm backend made by `useThreadedWasm`; 0 on other backends (tfjs-node
 * already uses every core).
 * @example
 * await trainSelfSupervised(model, images, { workers: 1, workerProvider: threadGradientWorkers });
 */
export const threadGradientWorkers: GradientWorkerProvider = Object.freeze({
  autoWorkers(backend: string): number {
    if (!(backend in WORKER_BACKENDS)) return 0;
    const busy = backend === 'wasm' ? threadedWasmThreads() : 1; // a threaded wasm backend already uses cores
    return Math.max(0, Math.min(AUTO_MAX, availableParallelism() - busy));
  },
  async start(count: number, spec: ReplicaSpec, backend: string): Promise<GradientWorkers> {
    if (!(Number.isInteger(count) && count >= 1))
      throw new RangeError(`threadGradientWorkers.start: count must be an integer ≥ 1, got ${count}`);
    if (!(backend in WORKER_BACKENDS)) {
      throw new RangeError(
        `threadGradientWorkers.start: gradient workers run on ${Object.keys(WORKER_BACKENDS).join(' or ')}, not on the ${backend} backend; use workers: 0`,
      );
    }
    const channels: Channel[] = [];
    try {
      for (let i = 0; i < count; i++) channels.push(new Channel(i));
      await Promise.all(channels.map((c) => c.request({ type: 'start', spec, backend })));
    } catch (error) {
      await Promise.all(channels.map((c) => c.stop()));
      throw error;
    }
    return new ThreadGradientWorkers(channels);
  },
});

/**
 * Registers {@link threadGradientWorkers} as the provider of `TrainOptions.workers` (and so of
 * `CutPasteDetector.fit`) unless another is registered. Importing `cutpaste/node` calls it.
 *
 * @returns true when this call registered it
 * @example
 * registerThreadGradientWorkers();
 */
export function registerThreadGradientWorkers(): boolean {
  if (registeredGradientWorkerProvider() !== undefined) return false;
  registerGradientWorkerProvider(threadGradientWorkers);
  return true;
}

/** The worker threads now running (started by this module and not stopped); for tests. */
export function liveGradientWorkers(): readonly Worker[] {
  return [...live];
}

class ThreadGradientWorkers implements GradientWorkers {
  readonly size: number;
  #disposed = false;

  constructor(private readonly channels: Channel[]) {
    this.size = channels.length;
  }

  async gradients(requests: readonly GradientRequest[]): Promise<GradientResult[]> {
    if (this.#disposed) throw new Error('gradient workers: used after dispose()');
    if (requests.length !== this.size)
      throw new RangeError(`gradient workers: requests must hold one request per worker (${this.size}), got ${requests.length}`);
    const answers = await Promise.all(requests.map((request, i) => this.channels[i]!.request({ type: 'gradients', request })));
    return answers.map((a) => (a as Extract<FromWorker, { type: 'result' }>).result);
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await Promise.all(this.channels.map((c) => c.stop()));
  }
}

/** One worker thread and its single outstanding request. */
class Channel {
  private readonly worker: Worker;
  private pending: { resolve: (m: FromWorker) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;
  private stopping = false;

  constructor(private readonly index: number) {
    this.worker = spawn();
    live.add(this.worker);
    this.worker.unref(); // referenced only while a request is outstanding: a forgotten pool never holds the process open
    this.worker.on('message', (m: FromWorker) => {
      if (m.type === 'error') {
        const error = new Error(`gradient worker ${index}: ${m.message}`);
        if (m.stack) error.stack = `${error.message}\n(in the worker) ${m.stack}`;
        this.settle(undefined, error);
      } else {
        this.settle(m);
      }
    });
    this.worker.on('error', (e) => this.fail(new Error(`gradient worker ${index} failed: ${e.message}`, { cause: e })));
    this.worker.on('messageerror', (e) => this.fail(new Error(`gradient worker ${index}: a message could not be read: ${String(e)}`)));
    this.worker.on('exit', (code) => {
      live.delete(this.worker);
      if (!this.stopping) this.fail(new Error(`gradient worker ${index} exited unexpectedly (exit code ${code})`));
    });
  }

  request(message: ToWorker): Promise<FromWorker> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.stopping) return Promise.reject(new Error(`gradient worker ${this.index}: stopped`));
    if (this.pending) return Promise.reject(new Error(`gradient worker ${this.index}: a request is already outstanding`));
    return new Promise<FromWorker>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.ref();
      try {
        this.worker.postMessage(message); // copied: the caller keeps its arrays
      } catch (error) {
        this.settle(undefined, error as Error);
      }
    });
  }

  /** Terminates the thread (a running request is rejected). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.settle(undefined, new Error(`gradient worker ${this.index}: stopped`));
    await this.worker.terminate();
    live.delete(this.worker);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.settle(undefined, error);
  }

  private settle(message: FromWorker | undefined, error?: Error): void {
    const pending = this.pending;
    this.pending = undefined;
    this.worker.unref();
    if (!pending) return;
    if (error) pending.reject(error);
    else pending.resolve(message!);
  }
}

/**
 * A worker thread running `gradientWorker`: `dist/node/gradientWorker.js` next to the built module,
 * or, when this module runs from its TypeScript source (tests, `tsx`), `gradientWorker.ts` through
 * tsx's loader (a worker does not inherit the loader hooks of its parent in Node 20).
 */
function spawn(): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const entry = new URL('./gradientWorker.ts', here).href;
    const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
    return new Worker(boot, { eval: true });
  }
  return new Worker(new URL('./gradientWorker.js', here));
}
