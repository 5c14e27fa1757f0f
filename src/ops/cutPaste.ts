import * as tf from '@tensorflow/tfjs-core';
import { randomInt, type Rng } from '../math/random';
import { resolveJitter, sampleJitter, type JitterOption, type JitterParams } from './jitter';
import { pastePatches, planMasks, rectanglePixels, type AugmentResult, type PastePlan } from './pastePatches';
import { resolveRectangle, sampleRectangle } from './rectangleShape';
import { checkImages, checkKeys, resolveRng, type Range } from './validate';

/** Options of {@link cutPaste}. Every field is optional; defaults are the paper's (appendix A.2). */
export interface CutPasteOptions {
  /** Patch area as a fraction of the image area, uniform in [min, max]. Default [0.02, 0.15]. */
  area?: Range;
  /** Patch aspect ratio width / height, log-uniform in [min, max]. Default [0.3, 3.3]. */
  aspect?: Range;
  /**
   * Color jitter of the patch (torchvision `ColorJitter` semantics, random order per image): one
   * strength in [0, 0.5] for all of brightness, contrast, saturation and hue, or an object with some
   * of them (brightness, contrast, saturation in [0, 1], hue in [0, 0.5]; the others keep 0.1).
   * Default 0.1 each; 0 copies the patch unchanged.
   */
  jitter?: JitterOption;
  /**
   * Uniform [0, 1) generator, e.g. `createRng(seed)`; the same seed gives the same output on every
   * backend. Default: a fresh clock-seeded generator per call (not reproducible).
   */
  rng?: Rng;
}

/** What {@link cutPasteWithMask} drew for one image (pixels; top-left corners). */
export interface CutPastePatch {
  height: number;
  width: number;
  /** Where the patch was cut. */
  source: { top: number; left: number };
  /** Where it was pasted. */
  target: { top: number; left: number };
  /** The patch's color jitter. */
  jitter: JitterParams;
}

const KEYS = ['area', 'aspect', 'jitter', 'rng'] as const;

/**
 * CutPaste (Li et al. 2021): in every image, cut a random rectangle, color-jitter it and paste it at
 * another random location, fully inside the image.
 *
 * Random draws, image by image in batch order: area fraction, aspect ratio (see `sampleRectangle`:
 * size = round(√(A·r)) × round(√(A/r)), clamped to the image), source top, source left, target top,
 * target left (integers, uniform over the positions that keep the patch inside), then the jitter
 * (3 draws for the order of brightness/contrast/saturation/hue, then their 4 factors; always drawn,
 * even when the jitter is 0). The contrast step blends with the mean grey level of the patch. For
 * 1-channel images saturation and hue do nothing (as in torchvision). With jitter on, the cut pixels
 * are read back once (`dataSync`, a few % of the batch) and jittered in JS.
 *
 * @param images [batch, height, width, channels], float32 in [0, 1], 1 or 3 channels. Not disposed.
 * @returns a new tensor [batch, height, width, channels]; pixels outside the pasted patch are exact copies.
 * @example
 * const augmented = cutPaste(images, { rng: createRng(0) });
 */
export function cutPaste(images: tf.Tensor4D, options: CutPasteOptions = {}): tf.Tensor4D {
  return run(images, options, false).images;
}

/**
 * {@link cutPaste}, also returning the pasted regions' masks [batch, height, width, 1] and the
 * parameters drawn per image (for tests and visual checks). The same options and seed give the same
 * images as `cutPaste`.
 *
 * @example
 * const { images: augmented, masks, patches } = cutPasteWithMask(images, { rng: createRng(0), jitter: 0 });
 * // patches[0]: { height, width, source: { top, left }, target: { top, left }, jitter }
 */
export function cutPasteWithMask(images: tf.Tensor4D, options: CutPasteOptions = {}): AugmentResult<CutPastePatch> {
  return run(images, options, true) as AugmentResult<CutPastePatch>;
}

function run(
  images: tf.Tensor4D,
  options: CutPasteOptions,
  withMask: boolean,
): { images: tf.Tensor4D; masks?: tf.Tensor4D; patches: CutPastePatch[] } {
  const op = withMask ? 'cutPasteWithMask' : 'cutPaste';
  const shape = checkImages(op, images);
  checkKeys(op, options, KEYS);
  const rectangle = resolveRectangle(op, options);
  const amounts = resolveJitter(op, 'options.jitter', options.jitter);
  const rng = resolveRng(op, options.rng);
  const { height: H, width: W } = shape;
  const patches: CutPastePatch[] = [];
  const plans: PastePlan[] = [];
  for (let i = 0; i < shape.batch; i++) {
    const { height, width } = sampleRectangle(rng, rectangle, H, W);
    const source = { top: randomInt(rng, 0, H - height), left: randomInt(rng, 0, W - width) };
    const target = { top: randomInt(rng, 0, H - height), left: randomInt(rng, 0, W - width) };
    const jitter = sampleJitter(rng, amounts);
    patches.push({ height, width, source, target, jitter });
    plans.push({
      source: rectanglePixels(source.top, source.left, height, width, W),
      target: rectanglePixels(target.top, target.left, height, width, W),
    });
  }
  const jitterOn = Object.values(amounts).some((v) => v > 0);
  const out = tf.tidy(() => pastePatches(images, shape, plans, jitterOn ? patches.map((p) => p.jitter) : undefined));
  return { images: out, masks: withMask ? planMasks(plans, shape) : undefined, patches };
}
