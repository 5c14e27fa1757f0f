// In headless Chromium, the library gives the cpu backend's results on wasm (threaded SIMD build),
// webgl (WebGL2 on SwiftShader) and webgpu (Dawn on SwiftShader): augmentations, a few training
// steps, GDE, a dense score map. Tolerances: compare.ts.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareOutputs, failures, summary, TOLERANCES } from './compare';
import { bundleDir, callPage, CHROMIUM_TESTS, launchChromium, serve, type LaunchedBrowser, type StaticServer } from './harness';
import { runWorkload, type WorkloadName, type WorkloadResult } from './workloads';

const WORKLOADS: readonly [WorkloadName, string][] = [
  ['augment', 'the augmentations give the cpu backend’s pixels exactly, extractPatches and toModelInput its values'],
  ['gde', 'GDE fit and score give the cpu backend’s numbers bit for bit'],
  ['train', 'a tiny ResNet gives the cpu backend’s loss, gradients, 3 training steps’ losses and weights'],
  ['scoreMap', 'a tiny patch32 detector gives the cpu backend’s scores and dense score maps'],
];
// webgpu last: a lost webgpu device takes the GPU process's WebGL contexts with it.
const BACKENDS = ['wasm', 'webgl', 'webgpu'] as const;

describe.runIf(CHROMIUM_TESTS)('the library in Chromium', () => {
  let server: StaticServer;
  let browser: LaunchedBrowser;
  let page: Page;
  const references = new Map<WorkloadName, Promise<WorkloadResult>>();
  const reference = (name: WorkloadName) => {
    if (!references.has(name)) references.set(name, callPage(page, 'runWorkload', name, 'cpu'));
    return references.get(name)!;
  };

  beforeAll(async () => {
    server = await serve(bundleDir('page'));
    browser = await launchChromium();
    page = await browser.open(`${server.origin}/isolated/?cores=4&threads=2`);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('registers cpu, wasm, webgl (WebGL2, float32 textures) and webgpu (a SwiftShader adapter)', async () => {
    expect((await callPage(page, 'backends')).sort()).toEqual(['cpu', 'wasm', 'webgl', 'webgpu']);
    const webgl = await callPage(page, 'backendInfo', 'webgl');
    expect(webgl.details).toMatchObject({ webglVersion: 2, float32: true });
    expect(String(webgl.details.renderer)).toMatch(/swiftshader/i);
    const webgpu = await callPage(page, 'backendInfo', 'webgpu');
    expect(String(webgpu.details.adapter)).toMatch(/swiftshader/i);
    console.log(`[webgl] ${JSON.stringify(webgl.details)}\n[webgpu] ${JSON.stringify(webgpu.details)}`);
  });

  it('fills the kernels wasm lacks, and replaces only wasm’s Conv2DBackpropInput and cpu’s Conv2DBackpropFilter', async () => {
    const reports = [];
    for (const backend of ['cpu', ...BACKENDS]) reports.push(await callPage(page, 'kernelReport', backend));
    expect(reports).toEqual([
      { backend: 'cpu', fills: [], overrides: ['Conv2DBackpropFilter'] },
      {
        backend: 'wasm',
        fills: [
          'Conv2DBackpropFilter',
          'DepthwiseConv2dNativeBackpropFilter',
          'DepthwiseConv2dNativeBackpropInput',
          'Einsum',
          'UnsortedSegmentSum',
        ],
        overrides: ['Conv2DBackpropInput'],
      },
      { backend: 'webgl', fills: [], overrides: [] },
      { backend: 'webgpu', fills: [], overrides: [] },
    ]);
  });

  for (const backend of BACKENDS) {
    for (const [name, title] of WORKLOADS) {
      it(`${backend}: ${title}`, async () => {
        const ref = await reference(name);
        const got = await callPage(page, 'runWorkload', name, backend);
        expect(got.backend).toBe(backend);
        const comparisons = compareOutputs(ref.outputs, got.outputs, TOLERANCES[name]);
        console.log(
          `[${backend}] ${name}: ${(got.milliseconds / 1000).toFixed(1)} s (cpu ${(ref.milliseconds / 1000).toFixed(1)} s); largest errors: ${summary(comparisons)}`,
        );
        expect(failures(comparisons), `${backend} ${name}`).toEqual([]);
      });
    }
  }

  it('Node: GDE in the page gives Node’s numbers bit for bit (the same JS on two engines)', async () => {
    await tf.setBackend('cpu');
    const node = await runWorkload('gde', 'cpu');
    const browserGde = await reference('gde');
    expect(failures(compareOutputs(node.outputs, browserGde.outputs, TOLERANCES.gde))).toEqual([]);
  });
});
