// tfjs-backend-wasm in Chromium: the threaded SIMD build when the page is cross-origin isolated, the
// single-thread SIMD build when it is not; and the speed of both beside Node's wasm (a measurement,
// printed, not asserted: the machine's 2 cores are shared).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers';
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleDir, callPage, CHROMIUM_TESTS, launchChromium, serve, type LaunchedBrowser, type StaticServer } from './harness';
import { speedWorkload, type SpeedResult } from './workloads';

tf.env().set('PROD', true);

describe.runIf(CHROMIUM_TESTS)('tfjs-backend-wasm in Chromium', () => {
  let server: StaticServer;
  let browser: LaunchedBrowser;
  const speeds: [string, SpeedResult][] = [];

  beforeAll(async () => {
    server = await serve(bundleDir('page'));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('runs the threaded SIMD build on a cross-origin isolated page: hardwareConcurrency / 2 threads', async () => {
    const page = await browser.open(`${server.origin}/isolated/`);
    const info = await callPage(page, 'wasmInfo');
    expect(info).toMatchObject({ crossOriginIsolated: true, simd: true, multithread: true });
    expect(info.threads).toBe(Math.max(1, Math.min(8, Math.floor(info.hardwareConcurrency / 2))));
    expect(info.wasmFiles).toHaveLength(1);
    expect(info.wasmFiles[0]).toMatch(/^tfjs-backend-wasm-threaded-simd-[\w-]+\.wasm$/);
    expect(server.requests.filter((p) => p.endsWith('.wasm'))).toEqual([`/assets/${info.wasmFiles[0]}`]);
    console.log(`[wasm, isolated] ${JSON.stringify(info)}`);
    speeds.push([
      `Chromium wasm, threaded SIMD, ${info.threads} thread${info.threads > 1 ? 's' : ''}`,
      await callPage(page, 'speedWorkload', 'wasm'),
    ]);
    await page.close();
  });

  it('runs 2 threads when told to (setThreadsCount(2), 4 logical cores reported)', async () => {
    const page = await browser.open(`${server.origin}/isolated/?cores=4&threads=2`);
    const info = await callPage(page, 'wasmInfo');
    expect(info).toMatchObject({ crossOriginIsolated: true, multithread: true, threads: 2 });
    expect(info.wasmFiles[0]).toMatch(/^tfjs-backend-wasm-threaded-simd-/);
    speeds.push(['Chromium wasm, threaded SIMD, 2 threads', await callPage(page, 'speedWorkload', 'wasm')]);
    await page.close();
  });

  it('runs the single-thread SIMD build on a page without cross-origin isolation', async () => {
    const page = await browser.open(`${server.origin}/plain/`);
    const info = await callPage(page, 'wasmInfo');
    expect(info).toMatchObject({ crossOriginIsolated: false, simd: true, multithread: false, threads: 1 });
    expect(info.wasmFiles).toHaveLength(1);
    expect(info.wasmFiles[0]).toMatch(/^tfjs-backend-wasm-simd-[\w-]+\.wasm$/);
    console.log(`[wasm, not isolated] ${JSON.stringify(info)}`);
    await page.close();
  });

  it('measures a patch32 training step and a dense 256×256 score map beside Node’s wasm', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    speeds.push([`Node ${process.version} wasm, ${simd ? 'SIMD' : 'no SIMD'}, ${threads ? 'threads' : '1 thread'}`, await speedWorkload()]);
    expect(speeds).toHaveLength(3);
    const rows = speeds.map(
      ([where, s]) => `${where.padEnd(44)} ${s.trainStepMs.toFixed(0).padStart(6)} ms ${s.scoreMapMs.toFixed(0).padStart(8)} ms`,
    );
    console.log(
      [
        `wasm speed (${availableParallelism()} cores, shared; mean of 3 training steps of 96 patches and of 2 score maps, after a warm-up):`,
        `${''.padEnd(44)} ${'train step'.padStart(9)} ${'score map'.padStart(11)}`,
        ...rows,
      ].join('\n'),
    );
    for (const [, s] of speeds) {
      expect(s.trainStepMs).toBeGreaterThan(0);
      expect(Number.isFinite(s.mapMax)).toBe(true);
    }
  });
});
