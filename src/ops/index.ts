// Public surface of src/ops: the augmentations as tfjs ops (tensor in, tensor out), the same
// augmentations as pure functions on PixelBatch typed arrays (no tfjs: for data pipelines that build
// a batch in JS and upload it once) and patch extraction. The kernel fills live in src/kernels.

// Tensor ops.
export { cutPaste, cutPasteWithMask } from './cutPaste';
export { cutPasteScar, cutPasteScarWithMask } from './cutPasteScar';
export { cutout, cutoutWithMask } from './cutout';
export { scar, scarWithMask } from './scar';
export { colorJitter } from './colorJitter';
export { randomTranslate } from './randomTranslate';
export { randomCrops } from './randomCrops';
export { extractPatches, type PatchGrid } from './extractPatches';
export { pixelsFromTensor, tensorFromPixels, type AugmentResult } from './pixelTensors';

// Pure pixel functions (tfjs-free) and the options and draws they share with the tensor ops.
export { createPixelBatch, type ImageShape, type PixelBatch } from './pixels/pixelBatch';
export { gatherImages } from './pixels/gatherImages';
export { concatImages } from './pixels/concatImages';
export type { PixelAugmentResult } from './pixels/pastePixels';
export {
  cutPastePixels,
  cutPastePixelsWithMask,
  type CutPasteAugmentOptions,
  type CutPastePatch,
  type CutPastePixelsOptions,
} from './pixels/cutPastePixels';
export {
  cutPasteScarPixels,
  cutPasteScarPixelsWithMask,
  type CutPasteScarOptions,
  type CutPasteScarPatch,
  type CutPasteScarPixelsOptions,
} from './pixels/cutPasteScarPixels';
export { cutoutPixels, cutoutPixelsWithMask, type CutoutOptions, type CutoutPatch, type CutoutPixelsOptions } from './pixels/cutoutPixels';
export { scarPixels, scarPixelsWithMask, type ScarOptions, type ScarPatch, type ScarPixelsOptions } from './pixels/scarPixels';
export { colorJitterPixels, type ColorJitterOptions, type ColorJitterPixelsOptions } from './pixels/colorJitterPixels';
export { randomTranslatePixels, type RandomTranslateOptions, type RandomTranslatePixelsOptions } from './pixels/randomTranslatePixels';
export { randomCropsPixels } from './pixels/randomCropsPixels';
export { randomDihedralPixels } from './pixels/randomDihedralPixels';
export { mapsFromPoses, objectPoses, shownByPoses, warpToPoses, type ObjectPose } from './pixels/objectPose';
export { DEFAULT_JITTER, type JitterAmounts, type JitterOption, type JitterParams, type JitterStep } from './jitter';
export { DEFAULT_RECTANGLE, type RectangleShape } from './rectangleShape';
export { DEFAULT_SCAR, type ScarShape } from './scarShape';
export type { Range } from './validate';
