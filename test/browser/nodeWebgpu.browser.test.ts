// WebGPU in Node: tfjs-backend-webgpu on Dawn (the npm `webgpu` package), here on SwiftShader's
// Vulkan driver (shipped with Debian's chromium), against Node's cpu backend. docs/backends.md
// shows the same registration for a host.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareOutputs, failures, summary, TOLERANCES } from './compare';
import { IN_BROWSER_PROJECT } from './harness';
import { runWorkload, type WorkloadName, type WorkloadResult } from './workloads';

/** SwiftShader's Vulkan ICD from Debian's chromium package: a Vulkan device on a machine without a GPU. */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
// With VK_ICD_FILENAMES set by the caller (a real GPU's driver, say) that driver is used instead.
const icd = process.env.VK_ICD_FILENAMES ?? (existsSync(SWIFTSHADER_ICD) ? SWIFTSHADER_ICD : undefined);

const WORKLOADS: readonly WorkloadName[] = ['augment', 'gde', 'train', 'scoreMap'];

/**
 * Gives Node what tfjs-backend-webgpu looks for in a browser: `navigator.gpu` and the WebGPU
 * constants (`GPUBufferUsage`, `GPUMapMode`, …), both from the `webgpu` package; then loads the
 * backend, which registers `webgpu` only when `navigator.gpu` exists at import.
 */
async function registerNodeWebgpu(): Promise<void> {
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  const gpu = create([]);
  const g = globalThis as { navigator?: object };
  if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  await import('@tensorflow/tfjs-backend-webgpu');
}

describe.runIf(IN_BROWSER_PROJECT && icd !== undefined)('tfjs-backend-webgpu in Node (the webgpu package, Dawn)', () => {
  const references = new Map<WorkloadName, Promise<WorkloadResult>>();
  const reference = (name: WorkloadName) => {
    if (!references.has(name)) references.set(name, runWorkload(name, 'cpu'));
    return references.get(name)!;
  };

  beforeAll(async () => {
    process.env.VK_ICD_FILENAMES = icd;
    // The Vulkan loader's window-system probe complains on every call without it (headless machines).
    process.env.XDG_RUNTIME_DIR ??= mkdtempSync(join(tmpdir(), 'cutpaste-xdg-'));
    tf.env().set('PROD', true);
    await registerNodeWebgpu();
  });
  afterAll(() => {
    if (tf.findBackend('webgpu')) tf.removeBackend('webgpu'); // releases the device
  });

  it('registers webgpu and selects it on a Vulkan adapter', async () => {
    expect(await tf.setBackend('webgpu')).toBe(true);
    const info = (tf.backend() as unknown as { adapterInfo: { vendor: string; architecture: string } }).adapterInfo;
    console.log(`[node webgpu] VK_ICD_FILENAMES=${icd}; adapter ${JSON.stringify(info)}`);
    if (icd === SWIFTSHADER_ICD) expect(info.architecture).toBe('swiftshader');
    const sum = tf.sum(tf.range(1, 10001));
    expect((await sum.data())[0]).toBe(50_005_000);
    sum.dispose();
  });

  for (const name of WORKLOADS) {
    it(`node webgpu: the ${name} workload gives Node’s cpu backend’s results`, async () => {
      const ref = await reference(name);
      const got = await runWorkload(name, 'webgpu');
      expect(got.backend).toBe('webgpu');
      const comparisons = compareOutputs(ref.outputs, got.outputs, TOLERANCES[name]);
      console.log(
        `[node webgpu] ${name}: ${(got.milliseconds / 1000).toFixed(1)} s (cpu ${(ref.milliseconds / 1000).toFixed(1)} s); largest errors: ${summary(comparisons)}`,
      );
      expect(failures(comparisons), `node webgpu ${name}`).toEqual([]);
    });
  }
});
