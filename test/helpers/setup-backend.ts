/**
 * Vitest setup for the `cpu` and `wasm` projects: registers both backends and selects the one named
 * by CUTPASTE_TEST_BACKEND, so every tensor test file runs once per backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers';

const wanted = process.env.CUTPASTE_TEST_BACKEND ?? 'cpu';
tf.env().set('IS_TEST', true); // silences the "install tfjs-node" banner
if (!(await tf.setBackend(wanted))) throw new Error(`could not set tfjs backend "${wanted}"`);
await tf.ready();
