import type { Rng } from '../math/random';
import { cutPastePixels } from '../ops/pixels/cutPastePixels';
import { cutPasteScarPixels } from '../ops/pixels/cutPasteScarPixels';
import type { PixelBatch } from '../ops/pixels/pixelBatch';

/** What a pretext augmentation is given besides the images (see `PretextOptions`). */
export interface PretextAugmentOptions {
  /** Cut patches from these images (image i's from `source` image i) instead of the images themselves. */
  readonly source?: PixelBatch;
  /** Pixel scale of scars (`PretextOptions.scarScale`); undefined: the images' own. */
  readonly scarScale?: number;
  /** Where patches and scars land (`PretextOptions.centre`); undefined: anywhere. */
  readonly centre?: number;
}

/**
 * An augmentation of the pretext task: writes an augmented copy of every image of `images` into
 * `out` (the same length), drawing only from `rng`.
 */
export type PretextAugmentation = (images: PixelBatch, rng: Rng, out: Float32Array, options: PretextAugmentOptions) => void;

/** The augmentations the pretext variants are made of, by name: each a row naming its own op's file. */
export const PRETEXT_AUGMENTATIONS = {
  cutpaste: (images, rng, out, { source, centre }) => void cutPastePixels(images, { ...(source ? { source } : {}), centre, rng, out }),
  scar: (images, rng, out, { source, scarScale, centre }) =>
    void cutPasteScarPixels(images, {
      shrinkToFit: true,
      centre,
      ...(scarScale === undefined ? {} : { scale: scarScale }),
      ...(source ? { source } : {}),
      rng,
      out,
    }),
} satisfies Record<string, PretextAugmentation>;

/** The name of a pretext augmentation (a key of {@link PRETEXT_AUGMENTATIONS}). */
export type PretextAugmentationName = keyof typeof PRETEXT_AUGMENTATIONS;

/**
 * The self-supervised pretext tasks of the paper (section 2.2), as data: each variant's classes after
 * class 0 (the originals, unchanged). A class is one augmentation applied to every original, or
 * several that share the originals (shuffled by the rng, then in equal parts, the first ones taking
 * the odd one), e.g. `union`:
 * - `binary`: normal vs CutPaste;
 * - `scar`: normal vs CutPaste-Scar;
 * - `3way`: normal vs CutPaste vs CutPaste-Scar (the paper's best, the default);
 * - `union`: normal vs (CutPaste or CutPaste-Scar, half each).
 */
export const PRETEXT_VARIANT_CLASSES = {
  binary: [['cutpaste']],
  scar: [['scar']],
  '3way': [['cutpaste'], ['scar']],
  union: [['cutpaste', 'scar']],
} as const satisfies Record<string, readonly (readonly PretextAugmentationName[])[]>;
