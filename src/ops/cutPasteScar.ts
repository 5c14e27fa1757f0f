import * as tf from '@tensorflow/tfjs-core';
import { randomInt, type Rng } from '../math/random';
import { resolveJitter, sampleJitter, type JitterOption, type JitterParams } from './jitter';
import { pastePatches, planMasks, type AugmentResult, type PastePlan } from './pastePatches';
import { rasterizeScar, resolveScar, sampleScar, scarScale } from './scarShape';
import { checkImages, checkKeys, resolveRng, type Range } from './validate';

/** Options of {@link cutPasteScar}. Every field is optional; defaults are the paper's (appendix A.2). */
export interface CutPasteScarOptions {
  /** Scar width (thin side) in px at 256 px images, uniform in [min, max]. Default [2, 16]. */
  width?: Range;
  /** Scar height (long side) in px at 256 px images, uniform in [min, max]. Default [10, 25]. */
  height?: Range;
  /** Rotation in degrees, uniform in [min, max], counter-clockwise as displayed. Default [−45, 45]. */
  angle?: Range;
  /**
   * Multiplies width and height (then rounded, at least 1 px). Default min(image height, image width) / 256.
   */
  scale?: number;
  /** Color jitter of the scar's content, as in {@link CutPasteOptions.jitter}. Default 0.1 each. */
  jitter?: JitterOption;
  /** Uniform [0, 1) generator; default a fresh clock-seeded one per call (not reproducible). */
  rng?: Rng;
}

/** What {@link cutPasteScarWithMask} drew for one image (pixels, degrees; top-left corners). */
export interface CutPasteScarPatch {
  /** Scar width (thin side) before rotation, after scaling. */
  width: number;
  /** Scar height (long side) before rotation, after scaling. */
  height: number;
  /** Rotation in degrees, counter-clockwise as displayed. */
  angle: number;
  /** Where the upright width × height content was cut. */
  source: { top: number; left: number };
  /** Top-left corner of the rotated scar's bounding box in the image. */
  target: { top: number; left: number };
  /** Size of the rotated scar's bounding box. */
  box: { height: number; width: number };
  /** The content's color jitter. */
  jitter: JitterParams;
}

const KEYS = ['width', 'height', 'angle', 'scale', 'jitter', 'rng'] as const;

/**
 * CutPaste-Scar (Li et al. 2021): in every image, cut a thin upright rectangle, color-jitter it,
 * rotate it (content included, nearest neighbour) and paste it at a random location, fully inside.
 *
 * Random draws, image by image in batch order: width, height, angle, source top, source left,
 * target top, target left (of the rotated bounding box), then the jitter (3 draws for the order,
 * 4 factors; always drawn). The contrast step uses the mean grey level of the pasted pixels. With
 * jitter on, the scar's pixels are read back once (`dataSync`) and jittered in JS.
 *
 * @param images [batch, height, width, channels], float32 in [0, 1], 1 or 3 channels. Not disposed.
 * @returns a new tensor [batch, height, width, channels]; pixels outside the scar are exact copies.
 * @throws RangeError when the largest allowed scar cannot fit in the images.
 * @example
 * const augmented = cutPasteScar(images, { rng: createRng(0) });
 */
export function cutPasteScar(images: tf.Tensor4D, options: CutPasteScarOptions = {}): tf.Tensor4D {
  return run(images, options, false).images;
}

/**
 * {@link cutPasteScar}, also returning the scars' masks [batch, height, width, 1] and the parameters
 * drawn per image. The same options and seed give the same images as `cutPasteScar`.
 *
 * @example
 * const { images: augmented, masks, patches } = cutPasteScarWithMask(images, { rng: createRng(1) });
 * // patches[0]: { width, height, angle, source, target, box, jitter }
 */
export function cutPasteScarWithMask(
  images: tf.Tensor4D,
  options: CutPasteScarOptions = {},
): AugmentResult<CutPasteScarPatch> {
  return run(images, options, true) as AugmentResult<CutPasteScarPatch>;
}

function run(
  images: tf.Tensor4D,
  options: CutPasteScarOptions,
  withMask: boolean,
): { images: tf.Tensor4D; masks?: tf.Tensor4D; patches: CutPasteScarPatch[] } {
  const op = withMask ? 'cutPasteScarWithMask' : 'cutPasteScar';
  const shape = checkImages(op, images);
  checkKeys(op, options, KEYS);
  const scar = resolveScar(op, options);
  const amounts = resolveJitter(op, 'options.jitter', options.jitter);
  const rng = resolveRng(op, options.rng);
  const { height: H, width: W } = shape;
  const scale = scarScale(op, scar, H, W);
  const patches: CutPasteScarPatch[] = [];
  const plans: PastePlan[] = [];
  for (let i = 0; i < shape.batch; i++) {
    const draw = sampleScar(rng, scar, scale);
    const { width, height, box } = draw;
    const source = { top: randomInt(rng, 0, H - height), left: randomInt(rng, 0, W - width) };
    const target = { top: randomInt(rng, 0, H - box.height), left: randomInt(rng, 0, W - box.width) };
    const jitter = sampleJitter(rng, amounts);
    patches.push({ width, height, angle: draw.angle, source, target, box, jitter });
    const raster = rasterizeScar(draw);
    plans.push({
      target: raster.target.map((p) => (target.top + Math.floor(p / box.width)) * W + target.left + (p % box.width)),
      source: raster.source.map((p) => (source.top + Math.floor(p / width)) * W + source.left + (p % width)),
    });
  }
  const jitterOn = Object.values(amounts).some((v) => v > 0);
  const out = tf.tidy(() => pastePatches(images, shape, plans, jitterOn ? patches.map((p) => p.jitter) : undefined));
  return { images: out, masks: withMask ? planMasks(plans, shape) : undefined, patches };
}
