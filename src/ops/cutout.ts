import * as tf from '@tensorflow/tfjs-core';
import { randomInt, uniform, type Rng } from '../math/random';
import { pastePatches, planMasks, rectanglePixels, type AugmentResult, type PastePlan } from './pastePatches';
import { resolveRectangle, sampleRectangle } from './rectangleShape';
import { checkImages, checkKeys, checkRange, resolveRng, type Range } from './validate';

/** Options of {@link cutout}. Every field is optional. */
export interface CutoutOptions {
  /** Rectangle area as a fraction of the image area, uniform in [min, max]. Default [0.02, 0.15] (as CutPaste). */
  area?: Range;
  /** Rectangle aspect ratio width / height, log-uniform in [min, max]. Default [0.3, 3.3] (as CutPaste). */
  aspect?: Range;
  /** Range of the fill color: each channel uniform in [min, max], within [0, 1]. Default [0, 1]. */
  color?: Range;
  /** Uniform [0, 1) generator; default a fresh clock-seeded one per call (not reproducible). */
  rng?: Rng;
}

/** What {@link cutoutWithMask} drew for one image (pixels; top-left corner). */
export interface CutoutPatch {
  height: number;
  width: number;
  /** Where the rectangle was filled. */
  target: { top: number; left: number };
  /** The fill color, one value per channel. */
  color: number[];
}

const KEYS = ['area', 'aspect', 'color', 'rng'] as const;
const UNIT: Range = Object.freeze([0, 1] as const);

/**
 * Cutout (DeVries & Taylor 2017), the paper's baseline: in every image, fill a random rectangle
 * (CutPaste's size distribution) with one random constant color.
 *
 * Random draws, image by image: area fraction, aspect ratio, top, left, then one value per channel.
 *
 * @param images [batch, height, width, channels], float32 in [0, 1], 1 or 3 channels. Not disposed.
 * @returns a new tensor [batch, height, width, channels]; pixels outside the rectangle are exact copies.
 * @example
 * const augmented = cutout(images, { rng: createRng(0) });
 */
export function cutout(images: tf.Tensor4D, options: CutoutOptions = {}): tf.Tensor4D {
  return run(images, options, false).images;
}

/**
 * {@link cutout}, also returning the filled rectangles' masks [batch, height, width, 1] and the
 * parameters drawn per image.
 *
 * @example
 * const { images: augmented, masks, patches } = cutoutWithMask(images, { rng: createRng(0) });
 */
export function cutoutWithMask(images: tf.Tensor4D, options: CutoutOptions = {}): AugmentResult<CutoutPatch> {
  return run(images, options, true) as AugmentResult<CutoutPatch>;
}

function run(
  images: tf.Tensor4D,
  options: CutoutOptions,
  withMask: boolean,
): { images: tf.Tensor4D; masks?: tf.Tensor4D; patches: CutoutPatch[] } {
  const op = withMask ? 'cutoutWithMask' : 'cutout';
  const shape = checkImages(op, images);
  checkKeys(op, options, KEYS);
  const rectangle = resolveRectangle(op, options);
  const colorRange = options.color === undefined ? UNIT : checkRange(op, 'color', options.color, { min: 0, max: 1 });
  const rng = resolveRng(op, options.rng);
  const { height: H, width: W, channels } = shape;
  const patches: CutoutPatch[] = [];
  const plans: PastePlan[] = [];
  for (let i = 0; i < shape.batch; i++) {
    const { height, width } = sampleRectangle(rng, rectangle, H, W);
    const target = { top: randomInt(rng, 0, H - height), left: randomInt(rng, 0, W - width) };
    const color = Array.from({ length: channels }, () => uniform(rng, colorRange[0], colorRange[1]));
    patches.push({ height, width, target, color });
    plans.push({ target: rectanglePixels(target.top, target.left, height, width, W), color });
  }
  const out = tf.tidy(() => pastePatches(images, shape, plans));
  return { images: out, masks: withMask ? planMasks(plans, shape) : undefined, patches };
}
