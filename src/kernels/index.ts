/**
 * Kernel fills: kernels built from public tfjs ops, registered for backends that lack them so that
 * training works on every backend (tfjs 4.22's wasm backend has no Conv2DBackpropFilter, among
 * others), plus a narrow list of replacements measured faster on one backend (wasm's
 * Conv2DBackpropInput). Importing this module registers them; it never selects a backend.
 *
 * Import order does not matter: fills go into tfjs's global kernel registry under the backend's
 * name whether or not the backend package is loaded yet, and replacements of a backend's own kernel
 * are applied at once when that backend is already loaded, or else when tfjs first selects it
 * (the fills' `setupFunc`, which tfjs runs on `setBackend`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerKernelFills } from './kernelFills';
import { applyPendingKernelOverrides } from './kernelOverrides';

export { KERNEL_FILLS, registerKernelFills } from './kernelFills';
export type { KernelFill } from './kernelFills';
export { KERNEL_OVERRIDES, isKernelOverridden, restoreBackendKernels, useKernelOverrides } from './kernelOverrides';
export type { KernelOverride } from './kernelOverrides';

/**
 * Makes sure the current (or named) backend has the library's kernel fills and overrides: for a
 * backend registered after `cutpaste` was imported under a name the import did not know. The trainer
 * and the detector call it before they run; calling it again is cheap and changes nothing.
 *
 * @returns the kernel names registered or replaced by this call.
 * @example
 * tf.registerBackend('my-backend', factory); await tf.setBackend('my-backend');
 * prepareBackend(); // fills for whatever my-backend lacks
 */
export function prepareBackend(backendName: string = tf.getBackend()): string[] {
  const filled = registerKernelFills(backendName);
  return [...filled, ...applyPendingKernelOverrides(backendName)];
}

function installKernelFills(): void {
  const names = new Set(['wasm', ...Object.keys(tf.engine().registryFactory)]);
  for (const name of names) {
    registerKernelFills(name);
    applyPendingKernelOverrides(name);
  }
}

installKernelFills();
