import * as tf from '@tensorflow/tfjs-core';
import { randomInt, uniform, type Rng } from '../math/random';
import { pastePatches, planMasks, type AugmentResult, type PastePlan } from './pastePatches';
import { rasterizeScar, resolveScar, sampleScar, scarScale } from './scarShape';
import { checkImages, checkKeys, checkRange, resolveRng, type Range } from './validate';

/** Options of {@link scar}. Every field is optional; the shape defaults are the paper's. */
export interface ScarOptions {
  /** Scar width (thin side) in px at 256 px images, uniform in [min, max]. Default [2, 16]. */
  width?: Range;
  /** Scar height (long side) in px at 256 px images, uniform in [min, max]. Default [10, 25]. */
  height?: Range;
  /** Rotation in degrees, uniform in [min, max], counter-clockwise as displayed. Default [−45, 45]. */
  angle?: Range;
  /** Multiplies width and height (then rounded, at least 1 px). Default min(image height, image width) / 256. */
  scale?: number;
  /** Range of the fill color: each channel uniform in [min, max], within [0, 1]. Default [0, 1]. */
  color?: Range;
  /** Uniform [0, 1) generator; default a fresh clock-seeded one per call (not reproducible). */
  rng?: Rng;
}

/** What {@link scarWithMask} drew for one image (pixels, degrees; top-left corner). */
export interface ScarPatch {
  /** Scar width (thin side) before rotation, after scaling. */
  width: number;
  /** Scar height (long side) before rotation, after scaling. */
  height: number;
  /** Rotation in degrees, counter-clockwise as displayed. */
  angle: number;
  /** Top-left corner of the rotated scar's bounding box in the image. */
  target: { top: number; left: number };
  /** Size of the rotated scar's bounding box. */
  box: { height: number; width: number };
  /** The fill color, one value per channel. */
  color: number[];
}

const KEYS = ['width', 'height', 'angle', 'scale', 'color', 'rng'] as const;
const UNIT: Range = Object.freeze([0, 1] as const);

/**
 * Scar (DeVries & Taylor's Cutout as a thin rotated rectangle, the paper's baseline): in every image,
 * fill a scar-shaped region (as {@link cutPasteScar}) with one random constant color.
 *
 * Random draws, image by image: width, height, angle, top, left (of the bounding box), then one value
 * per channel.
 *
 * @param images [batch, height, width, channels], float32 in [0, 1], 1 or 3 channels. Not disposed.
 * @returns a new tensor [batch, height, width, channels]; pixels outside the scar are exact copies.
 * @throws RangeError when the largest allowed scar cannot fit in the images.
 * @example
 * const augmented = scar(images, { rng: createRng(0) });
 */
export function scar(images: tf.Tensor4D, options: ScarOptions = {}): tf.Tensor4D {
  return run(images, options, false).images;
}

/**
 * {@link scar}, also returning the scars' masks [batch, height, width, 1] and the parameters drawn.
 *
 * @example
 * const { images: augmented, masks, patches } = scarWithMask(images, { rng: createRng(0) });
 */
export function scarWithMask(images: tf.Tensor4D, options: ScarOptions = {}): AugmentResult<ScarPatch> {
  return run(images, options, true) as AugmentResult<ScarPatch>;
}

function run(
  images: tf.Tensor4D,
  options: ScarOptions,
  withMask: boolean,
): { images: tf.Tensor4D; masks?: tf.Tensor4D; patches: ScarPatch[] } {
  const op = withMask ? 'scarWithMask' : 'scar';
  const shape = checkImages(op, images);
  checkKeys(op, options, KEYS);
  const shapeOptions = resolveScar(op, options);
  const colorRange = options.color === undefined ? UNIT : checkRange(op, 'color', options.color, { min: 0, max: 1 });
  const rng = resolveRng(op, options.rng);
  const { height: H, width: W, channels } = shape;
  const scale = scarScale(op, shapeOptions, H, W);
  const patches: ScarPatch[] = [];
  const plans: PastePlan[] = [];
  for (let i = 0; i < shape.batch; i++) {
    const draw = sampleScar(rng, shapeOptions, scale);
    const { box } = draw;
    const target = { top: randomInt(rng, 0, H - box.height), left: randomInt(rng, 0, W - box.width) };
    const color = Array.from({ length: channels }, () => uniform(rng, colorRange[0], colorRange[1]));
    patches.push({ width: draw.width, height: draw.height, angle: draw.angle, target, box, color });
    const raster = rasterizeScar(draw);
    plans.push({
      target: raster.target.map((p) => (target.top + Math.floor(p / box.width)) * W + target.left + (p % box.width)),
      color,
    });
  }
  const out = tf.tidy(() => pastePatches(images, shape, plans));
  return { images: out, masks: withMask ? planMasks(plans, shape) : undefined, patches };
}
