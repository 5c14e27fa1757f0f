import './kernels/index';
// Public surface of src/ops: tfjs ops (augmentations, patches) and, through the import above, the
// kernel fills for backends that lack kernels the library needs.
export { cutPaste, cutPasteWithMask, type CutPasteOptions, type CutPastePatch } from './cutPaste';
export {
  cutPasteScar,
  cutPasteScarWithMask,
  type CutPasteScarOptions,
  type CutPasteScarPatch,
} from './cutPasteScar';
export { cutout, cutoutWithMask, type CutoutOptions, type CutoutPatch } from './cutout';
export { scar, scarWithMask, type ScarOptions, type ScarPatch } from './scar';
export { colorJitter, type ColorJitterOptions } from './colorJitter';
export { randomTranslate, type RandomTranslateOptions } from './randomTranslate';
export { randomCrops } from './randomCrops';
export { extractPatches, type PatchGrid } from './extractPatches';
export type { AugmentResult } from './pastePatches';
export { DEFAULT_JITTER, type JitterAmounts, type JitterOption, type JitterParams, type JitterStep } from './jitter';
export { DEFAULT_RECTANGLE, type RectangleShape } from './rectangleShape';
export { DEFAULT_SCAR, type ScarShape } from './scarShape';
export type { Range } from './validate';
