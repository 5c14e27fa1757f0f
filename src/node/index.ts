/**
 * `cutpaste/node`: Node-only helpers (image files, the MVTec AD and folder loaders, heatmap PNGs,
 * `file://` model folders, the multi-threaded wasm build, the synthetic-category writer). Re-exports
 * `cutpaste` (the detectors, metrics, densities, heatmap helpers, errors), so Node users can import
 * everything from here; the building blocks stay in `cutpaste/advanced` (test/package/exports.pure.test.ts
 * keeps the list exact).
 * Importing this module registers tfjs `file://` save/load routers (unless tfjs-node already has) and
 * the `worker_threads` gradient-worker provider that makes training use a spare core
 * (`FitOptions.workers`; unless another provider is registered).
 */
// A called import, not a bare one: a bundler drops a bare import of a module that package.json's
// `sideEffects` does not list (tsup did, so the published `cutpaste/node` registered no routers).
import { registerFileSystemRouter } from './fileSystemRouter';
import { registerThreadGradientWorkers } from './parallel/threadGradientWorkers';

export * from 'cutpaste';
export { loadMvtecCategory, type LoadImagesOptions } from './loadMvtecCategory';
export { loadImageFolder, type ImageFolderOptions } from './loadImageFolder';
export type { ImageDataset, ImageSample, ImageBatch, BatchOptions } from './ImageDataset';
export { readImage, readMask, readImageSize, type ReadImageOptions, type ReadMaskOptions } from './readImage';
export { DEFAULT_MAX_PIXELS, type ImageSize, type LoadedImage } from './imageOptions';
export { DatasetError } from './DatasetError';
export { ImageTooLargeError } from './ImageTooLargeError';
export { writeHeatmap } from './writeHeatmap';
export { renderReport } from './report/renderReport';
export { writeReport, type WriteReportOptions } from './report/writeReport';
export type { ReportData, ReportImage, ReportThreshold } from './report/ReportData';
export { fileSystemHandler, type FileSystemIOHandler } from './fileSystemHandler';
export { replaceableFolder } from './modelFiles';
export { generateSyntheticCategory, type GenerateSyntheticOptions, type SyntheticCategorySummary } from './synthetic';
export { useThreadedWasm, threadedWasmThreads, type ThreadedWasmOptions, type ThreadedWasmInfo } from './threadedWasm';

registerFileSystemRouter();
registerThreadGradientWorkers();
