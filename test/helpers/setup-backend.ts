/**
 * Vitest setup for the `cpu` and `wasm` projects: registers both backends and selects the one named
 * by CUTPASTE_TEST_BACKEND, so every tensor test file runs once per backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers';

const wanted = process.env.CUTPASTE_TEST_BACKEND ?? 'cpu';
// PROD silences tfjs's "install tfjs-node" banner. Not IS_TEST: its internal kernel leak check misfires on
// wasm for custom gradients that save tensors (the engine clones saved tensors, and wasm's clone copies).
// Leaks are checked by the tests themselves (expectNoLeak: tf.memory().numTensors).
tf.env().set('PROD', true);
if (!(await tf.setBackend(wanted))) throw new Error(`could not set tfjs backend "${wanted}"`);
await tf.ready();
