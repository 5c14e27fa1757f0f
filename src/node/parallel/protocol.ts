import type { GradientRequest, GradientResult, ReplicaSpec } from 'cutpaste/advanced';

/**
 * Messages between the training thread and a gradient worker (`worker_threads`). One request is
 * outstanding per worker at a time: `start`, answered by `ready`, then `gradients`, each answered by
 * `result`; any failure is answered by `error`.
 */
export type ToWorker = { type: 'start'; spec: ReplicaSpec; backend: string } | { type: 'gradients'; request: GradientRequest };

/** What a gradient worker answers. */
export type FromWorker =
  { type: 'ready' } | { type: 'result'; result: GradientResult } | { type: 'error'; message: string; name: string; stack?: string };

/**
 * The tfjs backend packages a gradient worker can load, by backend name: the single-threaded CPU
 * backends, which leave the other cores idle.
 */
export const WORKER_BACKENDS: Readonly<Record<string, string>> = Object.freeze({
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
});
