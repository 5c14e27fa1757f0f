import * as tf from '@tensorflow/tfjs-core';
import { shuffleInPlace, type Rng } from '../math/random';
import { cutPaste, cutPasteScar } from '../ops/index';

/**
 * The self-supervised pretext tasks of the paper (section 2.2):
 * - `binary`: normal vs CutPaste;
 * - `scar`: normal vs CutPaste-Scar;
 * - `3way`: normal vs CutPaste vs CutPaste-Scar (the paper's best, the default);
 * - `union`: normal vs (CutPaste or CutPaste-Scar, half each).
 */
export type PretextVariant = 'binary' | 'scar' | '3way' | 'union';

/** Every variant, for validation messages and loops. */
export const PRETEXT_VARIANTS: readonly PretextVariant[] = ['binary', 'scar', '3way', 'union'];

/** Number of classes of a variant's classifier. */
export function pretextClasses(variant: PretextVariant): number {
  return variant === '3way' ? 3 : 2;
}

/** How many augmented copies of each original a batch holds (1 for two-class variants, 2 for 3-way). */
export function pretextCopies(variant: PretextVariant): number {
  return variant === '3way' ? 2 : 1;
}

/** A pretext batch: the images and their integer class labels. */
export interface PretextBatch {
  /** `[batch × (1 + copies), height, width, channels]`: originals first, then each augmented set. */
  images: tf.Tensor4D;
  /** `[batch × (1 + copies)]` int32 class labels (0 = normal). */
  labels: tf.Tensor1D;
}

/**
 * Builds one pretext batch from `originals` (already whole-image augmented): the originals with
 * label 0, followed by their augmented copies. Random draws come from `rng` in a fixed order
 * (CutPaste parameters first, then Scar), so a seed reproduces the batch on any backend.
 *
 * @param originals `[batch, height, width, channels]`, float32 in [0, 1]; not disposed.
 * @example
 * const { images, labels } = makePretextBatch(x, '3way', createRng(1));
 */
export function makePretextBatch(originals: tf.Tensor4D, variant: PretextVariant, rng: Rng): PretextBatch {
  if (!PRETEXT_VARIANTS.includes(variant)) {
    throw new RangeError(`makePretextBatch: variant must be one of ${PRETEXT_VARIANTS.join(', ')}, got ${String(variant)}`);
  }
  const n = originals.shape[0];
  return tf.tidy(() => {
    const parts: tf.Tensor4D[] = [originals];
    const labels: number[] = new Array<number>(n).fill(0);
    if (variant === 'binary' || variant === '3way') {
      parts.push(cutPaste(originals, { rng }));
      labels.push(...new Array<number>(n).fill(1));
    }
    if (variant === 'scar' || variant === '3way') {
      parts.push(cutPasteScar(originals, { rng }));
      labels.push(...new Array<number>(n).fill(variant === '3way' ? 2 : 1));
    }
    if (variant === 'union') {
      // Half the copies get CutPaste, half CutPaste-Scar (which half: drawn from rng).
      const order = shuffleInPlace(Array.from({ length: n }, (_, i) => i), rng);
      const half = Math.ceil(n / 2);
      const cpIdx = order.slice(0, half);
      const scarIdx = order.slice(half);
      const pieces: tf.Tensor4D[] = [];
      const picked: number[] = [];
      if (cpIdx.length) {
        pieces.push(cutPaste(tf.gather(originals, cpIdx) as tf.Tensor4D, { rng }));
        picked.push(...cpIdx);
      }
      if (scarIdx.length) {
        pieces.push(cutPasteScar(tf.gather(originals, scarIdx) as tf.Tensor4D, { rng }));
        picked.push(...scarIdx);
      }
      parts.push(pieces.length === 1 ? pieces[0]! : tf.concat(pieces, 0));
      labels.push(...new Array<number>(picked.length).fill(1));
    }
    return { images: tf.concat(parts, 0), labels: tf.tensor1d(labels, 'int32') };
  });
}
