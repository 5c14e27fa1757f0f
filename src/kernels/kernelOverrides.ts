import * as tf from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterKernel, conv2DBackpropInputKernel } from './kernelFuncs';

/** A kernel of the library's that replaces one a backend has of its own, because it is faster there. */
export interface KernelOverride {
  /** The tfjs kernel name, e.g. `'Conv2DBackpropInput'`. */
  readonly kernelName: string;
  /** The one backend it replaces the kernel on. */
  readonly backendName: string;
  /** The replacement, built from public ops. */
  readonly kernelFunc: tf.KernelFunc;
  /** Why, with the measurement (bench/kernels.ts). */
  readonly reason: string;
}

/**
 * The replacements, deliberately few and each for one backend. Applied when `cutpaste` is imported
 * (or, when the backend package is imported after `cutpaste`, when that backend is first selected);
 * {@link restoreBackendKernels} puts the backend's own kernels back.
 */
export const KERNEL_OVERRIDES: readonly KernelOverride[] = Object.freeze([
  {
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    kernelFunc: conv2DBackpropInputKernel,
    reason:
      "wasm's own is a plain loop; as one XNNPACK conv2d (stride 1) or sub-pixel phase conv2ds (stride 2) it " +
      'runs 1.7–9× faster on ResNet-18 layers at 64 px, batch 96, and a training step goes from 5.4 to ' +
      '10.1 images/s (bench/kernels.ts); results equal to 1e-4 (bit-identical at stride 1)',
  },
  {
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'cpu',
    kernelFunc: conv2DBackpropFilterKernel,
    reason:
      "the cpu backend's own walks a TensorBuffer element by element; as one conv2d over transposed tensors " +
      'it runs 11–50× faster (24×24×20×8→8: 1131 → 103 ms; 96×16×16×64→64: 218 s → 4.2 s), which makes ' +
      'training on the cpu backend (and the test suite) practical; results equal to 1e-4',
  },
]);

const key = (kernelName: string, backendName: string) => `${backendName}/${kernelName}`;
/** The backend's own kernel for each override in place. */
const originals = new Map<string, tf.KernelConfig>();
/** The configs this module registered, to tell them from the backend's. */
const ours = new WeakSet<tf.KernelConfig>();
/** Backends whose own kernels the user asked back: no automatic re-application there. */
const restored = new Set<string>();

/**
 * Replaces, on `backendName`, the kernels listed in {@link KERNEL_OVERRIDES} for it, keeping the
 * backend's own to restore. A kernel the backend has not registered (its package not imported yet)
 * is skipped and replaced later, when the backend is selected. Re-enables automatic replacement
 * after {@link restoreBackendKernels}.
 *
 * @param backendName default `'wasm'`.
 * @returns the kernel names replaced by this call.
 * @example
 * restoreBackendKernels('wasm'); // wasm's own Conv2DBackpropInput
 * useKernelOverrides('wasm');    // the library's again
 */
export function useKernelOverrides(backendName = 'wasm'): string[] {
  checkName(backendName, 'useKernelOverrides');
  restored.delete(backendName);
  return applyKernelOverrides(backendName);
}

/**
 * Puts back the backend's own kernels that {@link useKernelOverrides} (or importing the library)
 * replaced on `backendName`, and stops the library from replacing them again until
 * {@link useKernelOverrides} is called. Kernel fills (kernels the backend lacks) stay.
 *
 * @param backendName default `'wasm'`.
 * @returns the kernel names restored.
 * @example
 * restoreBackendKernels(); // ['Conv2DBackpropInput'] once the wasm backend is loaded
 */
export function restoreBackendKernels(backendName = 'wasm'): string[] {
  checkName(backendName, 'restoreBackendKernels');
  restored.add(backendName);
  const done: string[] = [];
  for (const o of KERNEL_OVERRIDES) {
    if (o.backendName !== backendName) continue;
    const own = originals.get(key(o.kernelName, backendName));
    if (own === undefined) continue;
    const current = tf.getKernel(o.kernelName, backendName);
    if (current !== undefined && ours.has(current)) tf.unregisterKernel(o.kernelName, backendName);
    if (tf.getKernel(o.kernelName, backendName) === undefined) tf.registerKernel(own);
    originals.delete(key(o.kernelName, backendName));
    done.push(o.kernelName);
  }
  return done;
}

/** Whether the library's replacement of `kernelName` is in place on `backendName`. */
export function isKernelOverridden(kernelName: string, backendName = 'wasm'): boolean {
  const current = tf.getKernel(kernelName, backendName);
  return current !== undefined && ours.has(current);
}

/** Applies the overrides for `backendName` unless the user restored that backend's own kernels. */
export function applyPendingKernelOverrides(backendName: string): string[] {
  return restored.has(backendName) ? [] : applyKernelOverrides(backendName);
}

function applyKernelOverrides(backendName: string): string[] {
  const done: string[] = [];
  for (const o of KERNEL_OVERRIDES) {
    if (o.backendName !== backendName) continue;
    const current = tf.getKernel(o.kernelName, backendName);
    if (current === undefined || ours.has(current)) continue;
    // Keep the backend's setup/dispose hooks on the replacement: the backend's own kernel then stays
    // initialised for a later restore, whichever of the two was registered when the backend started.
    const config: tf.KernelConfig = {
      kernelName: o.kernelName,
      backendName,
      kernelFunc: o.kernelFunc,
      ...(current.setupFunc ? { setupFunc: current.setupFunc } : {}),
      ...(current.disposeFunc ? { disposeFunc: current.disposeFunc } : {}),
    };
    ours.add(config);
    originals.set(key(o.kernelName, backendName), current);
    tf.unregisterKernel(o.kernelName, backendName);
    tf.registerKernel(config);
    done.push(o.kernelName);
  }
  return done;
}

function checkName(backendName: unknown, fn: string): void {
  if (typeof backendName !== 'string' || backendName.length === 0) {
    throw new TypeError(`${fn}: backendName must be a non-empty string, got ${String(backendName)}`);
  }
}
