/**
 * `cutpaste/node`: Node-only helpers (file system, image files, heatmap PNGs, `file://` model IO).
 * Re-exports the whole browser-safe core, so Node users can import everything from here.
 * Importing this module registers tfjs `file://` save/load routers (unless tfjs-node already has) and
 * the `worker_threads` gradient-worker provider that makes training use a spare core
 * (`TrainOptions.workers`, `FitOptions.workers`; unless another provider is registered).
 */
import { registerThreadGradientWorkers } from './parallel/threadGradientWorkers';

export * from 'cutpaste';
export { loadMvtecCategory, DEFAULT_LOAD_BATCH_SIZE, type LoadImagesOptions } from './loadMvtecCategory';
export { loadImageFolder, type ImageFolderOptions } from './loadImageFolder';
export type { ImageDataset, ImageSample, ImageBatch, BatchOptions } from './ImageDataset';
export { readImage, readMask, readImageSize, type ReadImageOptions, type ReadMaskOptions } from './readImage';
export { DEFAULT_MAX_PIXELS, type ImageSize, type LoadedImage } from './imageOptions';
export { IMAGE_EXTENSIONS } from './readFolder';
export { decodeBmp, type DecodedBmp } from './decodeBmp';
export { resizeBox } from './resizeBox';
export { DatasetError } from './DatasetError';
export { ImageTooLargeError } from './ImageTooLargeError';
export { applyColormap, colormapTable, type ColormapName, type ColormapOptions } from './colormap';
export { renderHeatmap, type HeatmapOptions, type ScoreGrid, type RgbImage } from './renderHeatmap';
export { writeHeatmap } from './writeHeatmap';
export { fileSystemHandler, MODEL_JSON_FILE, WEIGHTS_FILE, type FileSystemIOHandler } from './fileSystemHandler';
export { replaceableFolder } from './modelFiles';
export { registerFileSystemRouter, FILE_SCHEME } from './fileSystemRouter';
export { generateSyntheticCategory, type GenerateSyntheticOptions, type SyntheticCategorySummary } from './synthetic';
export { threadGradientWorkers, registerThreadGradientWorkers } from './parallel/threadGradientWorkers';
export { useThreadedWasm, threadedWasmThreads, type ThreadedWasmOptions, type ThreadedWasmInfo } from './threadedWasm';

registerThreadGradientWorkers();
