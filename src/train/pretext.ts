import * as tf from '@tensorflow/tfjs-core';
import { shuffleInPlace, type Rng } from '../math/random';
import { checkCentre } from '../ops/validate';
import { pixelsFromTensor } from '../ops/pixelTensors';
import { gatherImages } from '../ops/pixels/gatherImages';
import { checkPixelBatch, type PixelBatch } from '../ops/pixels/pixelBatch';
import { PRETEXT_AUGMENTATIONS, PRETEXT_VARIANT_CLASSES, type PretextAugmentationName } from './pretextVariants';

/** A pretext task (section 2.2 of the paper): a row of {@link PRETEXT_VARIANT_CLASSES} (`'3way'` is the paper's best). */
export type PretextVariant = keyof typeof PRETEXT_VARIANT_CLASSES;

/** Every variant, for validation messages and loops. */
export const PRETEXT_VARIANTS = Object.keys(PRETEXT_VARIANT_CLASSES) as readonly PretextVariant[];

/** Number of classes of a variant's classifier (the originals and one per augmented class: 3 for `'3way'`). */
export function pretextClasses(variant: PretextVariant): number {
  checkVariant('pretextClasses', variant);
  return 1 + PRETEXT_VARIANT_CLASSES[variant].length;
}

/** How many augmented copies of each original a batch holds (one per augmented class: 2 for `'3way'`). */
export function pretextCopies(variant: PretextVariant): number {
  checkVariant('pretextCopies', variant);
  return PRETEXT_VARIANT_CLASSES[variant].length;
}

function checkVariant(fn: string, variant: unknown): void {
  if (!PRETEXT_VARIANTS.includes(variant as PretextVariant)) {
    throw new RangeError(`${fn}: variant must be one of ${PRETEXT_VARIANTS.join(', ')}, got ${String(variant)}`);
  }
}

/** Options of {@link pretextPixels}. */
export interface PretextOptions {
  /**
   * Pixel scale of CutPaste-Scar: multiplies the paper's 2–16 × 10–25 px scar (sizes at 256 px).
   * Default min(height, width) / 256 of the images themselves, right for whole images. For crops pass
   * the scale of the images they were cut from (min(source height, source width) / 256): a crop keeps
   * its image's pixel scale. A scar that does not fit in an image is shortened to fit (its length
   * first, then its width; `fitScar`). CutPaste's patch area stays relative to the images given (on
   * crops, to the crop: the paper's patch-level training), at least 2 px a side.
   */
  scarScale?: number;
  /**
   * Cut the CutPaste patches and the scars from these images instead of the originals (the same
   * shape: original i's patch comes from `source` image i), e.g. other crops of the same pictures, so
   * that a crop of plain background can receive a patch from elsewhere in its image. Default: the
   * originals themselves.
   */
  source?: PixelBatch;
  /**
   * Where CutPaste patches and scars land: their centre in the middle `centre` fraction of each side,
   * in (0, 1] (`CutPasteAugmentOptions.centre`). Default 1: anywhere they fit.
   */
  centre?: number;
}

/** A pretext batch in JS memory: the images and their class labels (0 = normal). */
export interface PretextPixels {
  /** `batch × (1 + copies)` images: originals first, then each augmented set. */
  images: PixelBatch;
  /** One int label per image. */
  labels: Int32Array;
  /** Per image, the index of the original it was made from (set by `pretextPixels`; not carried by split batches). */
  sources?: Int32Array;
}

/** A pretext batch as tensors. */
export interface PretextBatch {
  /** `[batch × (1 + copies), height, width, channels]`: originals first, then each augmented set. */
  images: tf.Tensor4D;
  /** `[batch × (1 + copies)]` int32 class labels (0 = normal). */
  labels: tf.Tensor1D;
}

/**
 * Builds one pretext batch in JS memory from `originals` (already whole-image augmented): the
 * originals with label 0, then their augmented copies, class by class as `PRETEXT_VARIANT_CLASSES`
 * lists them. Random draws come from `rng` in that fixed order (`'3way'`: CutPaste, then Scar; a class
 * of several augmentations, `'union'`, first shuffles which original gets which), so a seed reproduces
 * the batch exactly on any backend. `originals` is not modified.
 *
 * @example
 * const { images, labels } = pretextPixels(batch, '3way', createRng(1));
 * // 32 px crops of 256 px images: scars at the images' pixel scale
 * const crops = pretextPixels(randomCropsPixels(batch, 32, rng), '3way', rng, { scarScale: 1 });
 */
export function pretextPixels(originals: PixelBatch, variant: PretextVariant, rng: Rng, options: PretextOptions = {}): PretextPixels {
  checkVariant('pretextPixels', variant);
  checkPixelBatch('pretextPixels', originals, 'originals');
  const { scarScale } = options;
  checkCentre('pretextPixels', options.centre);
  if (scarScale !== undefined && !(typeof scarScale === 'number' && scarScale > 0 && Number.isFinite(scarScale))) {
    throw new RangeError(`pretextPixels: options.scarScale must be a positive finite number, got ${String(scarScale)}`);
  }
  return pretextOfClasses(originals, PRETEXT_VARIANT_CLASSES[variant], rng, options);
}

/**
 * {@link pretextPixels} for a variant given as its classes (a row of `PRETEXT_VARIANT_CLASSES`), without
 * argument checks. Internal (exported for tests).
 */
export function pretextOfClasses(
  originals: PixelBatch,
  classes: readonly (readonly PretextAugmentationName[])[],
  rng: Rng,
  { source, scarScale, centre }: PretextOptions,
): PretextPixels {
  const shared = { ...(scarScale === undefined ? {} : { scarScale }), ...(centre === undefined ? {} : { centre }) };
  const n = originals.batch;
  const size = originals.data.length;
  const copies = classes.length;
  const data = new Float32Array(size * (1 + copies));
  const labels = new Int32Array(n * (1 + copies));
  const sources = Int32Array.from({ length: n * (1 + copies) }, (_, i) => i % n);
  data.set(originals.data);
  classes.forEach((augmentations, c) => {
    const k = c + 1;
    const out = data.subarray(k * size, (k + 1) * size);
    labels.fill(k, k * n, (k + 1) * n);
    if (augmentations.length === 1) {
      PRETEXT_AUGMENTATIONS[augmentations[0]!](originals, rng, out, { ...shared, ...(source ? { source } : {}) });
      return;
    }
    // Several augmentations share the class: a shuffled order, cut into equal parts (the first ones take the odd one).
    const order = shuffleInPlace(
      Array.from({ length: n }, (_, i) => i),
      rng,
    );
    const imageSize = size / n;
    let start = 0;
    augmentations.forEach((name, a) => {
      const end = Math.ceil(((a + 1) * n) / augmentations.length);
      const part = order.slice(start, end);
      if (part.length) {
        const partSource = source ? { source: gatherImages(source, part) } : {};
        PRETEXT_AUGMENTATIONS[name](gatherImages(originals, part), rng, out.subarray(start * imageSize, end * imageSize), {
          ...shared,
          ...partSource,
        });
      }
      start = end;
    });
    sources.set(order, k * n);
  });
  return { images: { ...originals, batch: n * (1 + copies), data }, labels, sources };
}

/**
 * `pretextPixels` on a tensor: reads `originals` once, builds the batch in JS, uploads it.
 *
 * @param originals `[batch, height, width, channels]`, float32 in [0, 1]; not disposed.
 * @example
 * const { images, labels } = makePretextBatch(x, '3way', createRng(1));
 */
export function makePretextBatch(originals: tf.Tensor4D, variant: PretextVariant, rng: Rng): PretextBatch {
  const { images, labels } = pretextPixels(pixelsFromTensor(originals), variant, rng);
  return {
    images: tf.tensor4d(images.data, [images.batch, images.height, images.width, images.channels]),
    labels: tf.tensor1d(labels, 'int32'),
  };
}
