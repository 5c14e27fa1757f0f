/**
 * The entry of a gradient worker thread (see `threadGradientWorkers`): loads the backend the training
 * thread uses, rebuilds its networks from the `start` message (`gradientReplica`) and answers each
 * `gradients` request. Built as `dist/node/gradientWorker.js`; never imported by the library itself.
 */
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { gradientReplica, type GradientReplica } from 'cutpaste/advanced';
import { WORKER_BACKENDS, type FromWorker, type ToWorker } from './protocol';
import { importPackage } from '../importPackage';

let replica: GradientReplica | undefined;

async function start(backend: string, spec: Extract<ToWorker, { type: 'start' }>['spec']): Promise<void> {
  const pkg = WORKER_BACKENDS[backend];
  if (pkg === undefined)
    throw new RangeError(`gradient worker: backend must be one of ${Object.keys(WORKER_BACKENDS).join(', ')}, got ${backend}`);
  await importPackage(pkg);
  tf.enableProdMode(); // like the training thread's hosts (the CLI, the tests): no per-op debug checks
  if (!(await tf.setBackend(backend))) throw new Error(`gradient worker: the ${backend} backend failed to initialise`);
  await tf.ready();
  replica = gradientReplica(spec);
}

async function handle(message: ToWorker): Promise<FromWorker> {
  if (message.type === 'start') {
    await start(message.backend, message.spec);
    return { type: 'ready' };
  }
  if (!replica) throw new Error('gradient worker: a gradients request came before start');
  return { type: 'result', result: await replica.gradients(message.request) };
}

const port = parentPort;
if (!port) throw new Error('gradient worker: this module is the entry of a worker thread, not to be imported');
port.on('message', (message: ToWorker) => {
  handle(message).then(
    (answer) => port.postMessage(answer, answer.type === 'result' ? answer.result.grads.map((g) => g.buffer as ArrayBuffer) : []),
    (error: unknown) => {
      const e = error instanceof Error ? error : new Error(String(error));
      port.postMessage({ type: 'error', message: e.message, name: e.name, ...(e.stack ? { stack: e.stack } : {}) } satisfies FromWorker);
    },
  );
});
