/**
 * The browser test page: the library with tfjs-core, tfjs-layers and four backends (cpu, wasm,
 * webgl, webgpu), driven by the Node tests through `window.cutpasteTest` (see `api.ts`).
 * The wasm binaries are bundled as assets (`?url` imports); `?threads=N` (with `?cores=`, below) sets
 * the wasm backend's thread count before it starts.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { VERSION } from 'cutpaste';
import { isKernelOverridden, KERNEL_FILLS, KERNEL_OVERRIDES } from 'cutpaste/advanced';
import { runWorkload, speedWorkload } from '../workloads';
import type { BackendInfo, PageApi, WasmInfo } from './api';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
});
// tfjs's threaded wasm build caps its thread pool at hardwareConcurrency / 2 (it assumes 2 hardware
// threads per core): 1 thread on a 2-core machine whatever setThreadsCount asks. `?cores=N` makes the
// page report N logical cores (before the wasm module starts) so that `?threads=` can use them all.
const query = new URLSearchParams(location.search);
const cores = Number(query.get('cores'));
if (cores > 0) Object.defineProperty(navigator, 'hardwareConcurrency', { value: cores, configurable: true });
const threads = Number(query.get('threads'));
if (threads > 0) setThreadsCount(threads);
tf.env().set('PROD', true);

async function select(backend: string): Promise<void> {
  if (!(await tf.setBackend(backend))) throw new Error(`could not select tfjs backend "${backend}"`);
  await tf.ready();
}

const api: PageApi = {
  backends: () => Object.keys(tf.engine().registryFactory),
  runWorkload,
  async speedWorkload(backend, steps, maps) {
    await select(backend);
    return speedWorkload(steps, maps);
  },
  async backendInfo(backend) {
    await select(backend);
    const details: BackendInfo['details'] = { tfjs: tf.version_core, cutpaste: VERSION };
    if (backend === 'webgl') {
      details.webglVersion = tf.env().getNumber('WEBGL_VERSION');
      details.float32 = tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED');
      const gl = (tf.backend() as unknown as { gpgpu: { gl: WebGL2RenderingContext } }).gpgpu.gl;
      const debug = gl.getExtension('WEBGL_debug_renderer_info');
      details.renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    }
    if (backend === 'webgpu') {
      const info = (tf.backend() as unknown as { adapterInfo: Record<string, unknown> }).adapterInfo;
      details.adapter = JSON.stringify(info);
    }
    return { backend: tf.getBackend(), details };
  },
  async kernelReport(backend) {
    await select(backend);
    return {
      backend,
      // (cpu's Conv2DBackpropFilter override is the same function as the fill: an override, not a fill.)
      fills: KERNEL_FILLS.filter(
        (f) => tf.getKernel(f.kernelName, backend)?.kernelFunc === f.kernelFunc && !isKernelOverridden(f.kernelName, backend),
      ).map((f) => f.kernelName),
      overrides: KERNEL_OVERRIDES.filter((o) => o.backendName === backend && isKernelOverridden(o.kernelName, backend)).map(
        (o) => o.kernelName,
      ),
    };
  },
  async wasmInfo(): Promise<WasmInfo> {
    await select('wasm');
    const wasmFiles = performance
      .getEntriesByType('resource')
      .map((e) => e.name.split('/').pop() ?? '')
      .filter((name) => name.endsWith('.wasm'));
    return {
      crossOriginIsolated: self.crossOriginIsolated,
      simd: (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean,
      multithread: (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) as boolean,
      threads: getThreadsCount(),
      hardwareConcurrency: navigator.hardwareConcurrency,
      wasmFiles,
    };
  },
};

// `tf` too, for probes from the tests (e.g. reading a flag).
Object.assign(window, { cutpasteTest: api, tf, cutpasteReady: true });
