/** What the test page exposes as `window.cutpasteTest` (types only: shared by the page and the Node tests). */
import type { SpeedResult, WorkloadName, WorkloadResult } from '../workloads';

/** What a backend reports about itself in the page. */
export interface BackendInfo {
  backend: string;
  /** webgl: `WEBGL_VERSION`, renderer; webgpu: adapter vendor/architecture; wasm: build, threads. */
  details: Record<string, string | number | boolean>;
}

/** The wasm backend's build as the page sees it. */
export interface WasmInfo {
  crossOriginIsolated: boolean;
  /** `tf.env().getBool('WASM_HAS_SIMD_SUPPORT')` */
  simd: boolean;
  /** `tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')` */
  multithread: boolean;
  /** tfjs-backend-wasm's `getThreadsCount()`. */
  threads: number;
  /** `navigator.hardwareConcurrency` */
  hardwareConcurrency: number;
  /** The `.wasm` files the page fetched (file names), from the Resource Timing entries. */
  wasmFiles: string[];
}

/** Which of the library's kernels a backend runs (see src/kernels). */
export interface KernelReport {
  backend: string;
  /** Kernels the backend lacked, filled by the library (`KERNEL_FILLS`). */
  fills: string[];
  /** The backend's own kernels the library replaced (`KERNEL_OVERRIDES`). */
  overrides: string[];
}

export interface PageApi {
  /** The registered backends, by name. */
  backends(): string[];
  runWorkload(name: WorkloadName, backend: string): Promise<WorkloadResult>;
  speedWorkload(backend: string, steps?: number, maps?: number): Promise<SpeedResult>;
  backendInfo(backend: string): Promise<BackendInfo>;
  wasmInfo(): Promise<WasmInfo>;
  /** Selects `backend` (so that pending overrides apply) and reports the library's kernels on it. */
  kernelReport(backend: string): Promise<KernelReport>;
}
