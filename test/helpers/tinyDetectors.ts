import type { CutPasteOptions } from '../../src/index';
import type { ResNetConfig } from '../../src/advanced';

/**
 * Tiny detectors for tests that fit end to end in about a second on the cpu backend: the smallest
 * encoders that still exercise each code path (image mode with GradCAM maps; patch mode with a dense
 * fully-convolutional pass and a density per grid location).
 */

/** Image mode: one 'same'-padded stage of 8 channels (≈ 1.5 k parameters, 8-d features). */
export const TINY_IMAGE_ENCODER: ResNetConfig = {
  name: 'tiny-image',
  blocks: [1],
  widths: [8],
  strides: [1],
  padding: 'same',
  stem: { channels: 8, kernel: 3, stride: 2, maxPool: false },
};

/**
 * Patch mode: `patch32`'s layout at 1/8 of its widths: 'valid' padding, receptive field exactly 32 px,
 * total stride 4, so patches at stride 8 are embedded in one dense pass (≈ 5 k parameters, 16-d features).
 */
export const TINY_PATCH_ENCODER: ResNetConfig = {
  name: 'tiny-patch32',
  blocks: [1, 1],
  widths: [8, 16],
  strides: [2, 1],
  padding: 'valid',
  stem: { channels: 8, kernel: 3, stride: 1, maxPool: { kernel: 2, stride: 2 } },
};

/** Image height and width of the tiny detectors (non-square on purpose): a 3 × 4 patch grid at stride 8. */
export const TINY_SIZE: readonly [number, number] = [48, 56];

/** The tiny detectors' options, by mode (a few training steps; `seed` is left to the caller). */
export const TINY_DETECTORS: Readonly<Record<'image' | 'patch', CutPasteOptions>> = {
  image: { mode: 'image', encoder: TINY_IMAGE_ENCODER, headWidths: [8], imageSize: TINY_SIZE, steps: 3, batchSize: 4 },
  patch: {
    mode: 'patch',
    encoder: TINY_PATCH_ENCODER,
    headWidths: [16],
    imageSize: TINY_SIZE,
    patchSize: 32,
    stride: 8,
    steps: 3,
    batchSize: 4,
  },
};
