import * as tf from '@tensorflow/tfjs-core';
import {
  conv2DBackpropFilterKernel,
  depthwiseConv2dNativeBackpropFilterKernel,
  depthwiseConv2dNativeBackpropInputKernel,
  einsumKernel,
  unsortedSegmentSumKernel,
} from './kernelFuncs';
import { applyPendingKernelOverrides } from './kernelOverrides';

/** A kernel built from public tfjs ops, registered only for backends that lack a kernel of that name. */
export interface KernelFill {
  /** The tfjs kernel name, e.g. `'Conv2DBackpropFilter'`. */
  readonly kernelName: string;
  /** The kernel; it runs public ops on whichever backend it is registered for. */
  readonly kernelFunc: tf.KernelFunc;
  /** What needs it. */
  readonly neededBy: string;
}

/**
 * The fills. tfjs 4.22's wasm backend lacks every one of them; cpu, webgl, webgpu and tfjs-node
 * have their own, which are never replaced.
 */
export const KERNEL_FILLS: readonly KernelFill[] = Object.freeze([
  {
    kernelName: 'Conv2DBackpropFilter',
    kernelFunc: conv2DBackpropFilterKernel,
    neededBy: 'the gradient of conv2d w.r.t. its filter (training any CNN)',
  },
  {
    kernelName: 'DepthwiseConv2dNativeBackpropFilter',
    kernelFunc: depthwiseConv2dNativeBackpropFilterKernel,
    neededBy: 'fine-tuning depthwise / separable convolutions (MobileNet-style encoders)',
  },
  {
    kernelName: 'DepthwiseConv2dNativeBackpropInput',
    kernelFunc: depthwiseConv2dNativeBackpropInputKernel,
    neededBy: 'back-propagating through depthwise / separable convolutions',
  },
  { kernelName: 'Einsum', kernelFunc: einsumKernel, neededBy: 'tf.einsum and tf.image.rgbToGrayscale (colour jitter)' },
  {
    kernelName: 'UnsortedSegmentSum',
    kernelFunc: unsortedSegmentSumKernel,
    neededBy: 'tf.unsortedSegmentSum and the gradient of tf.gather',
  },
]);

/**
 * Registers, for `backendName`, every {@link KERNEL_FILLS} entry whose kernel the backend has not
 * registered (`tf.getKernel(name, backendName)` is undefined); the backend's own kernels are never
 * replaced. The kernel registry is global and keyed by backend name, so this works before the
 * backend's package is imported too; a backend package imported later that brings its own kernel of
 * the same name replaces the fill (tfjs logs "already registered"). Idempotent.
 *
 * Importing `cutpaste` calls this for `'wasm'` and for every backend registered at that moment; call
 * it yourself for a backend registered later under another name.
 *
 * @param backendName the tfjs backend name, e.g. `'wasm'`.
 * @returns the kernel names registered by this call (empty when the backend has them all).
 * @example
 * import '@tensorflow/tfjs-backend-wasm';
 * registerKernelFills('wasm'); // [] after importing cutpaste, which already did it
 */
export function registerKernelFills(backendName: string): string[] {
  if (typeof backendName !== 'string' || backendName.length === 0) {
    throw new TypeError(`registerKernelFills: backendName must be a non-empty string, got ${String(backendName)}`);
  }
  const registered: string[] = [];
  for (const fill of KERNEL_FILLS) {
    if (tf.getKernel(fill.kernelName, backendName) !== undefined) continue;
    tf.registerKernel({
      kernelName: fill.kernelName,
      backendName,
      kernelFunc: fill.kernelFunc,
      // Runs whenever tfjs selects this backend: the backend's own kernels are registered by then,
      // so overrides skipped at import (backend package imported after cutpaste) are applied here.
      setupFunc: () => applyPendingKernelOverrides(backendName),
    });
    registered.push(fill.kernelName);
  }
  return registered;
}
