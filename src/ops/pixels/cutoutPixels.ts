import { randomInt, uniform, type Rng } from '../../math/random';
import { resolveRectangle, sampleRectangle, type RectangleShape } from '../rectangleShape';
import { checkKeys, checkRange, resolveRng, type Range } from '../validate';
import { fillRectangle, maskRectangle, pixelResult, type PixelAugmentResult } from './pastePixels';
import { checkPixelBatch, outputArray, type ImageShape, type PixelBatch } from './pixelBatch';

/** Options of `cutout` and {@link cutoutPixels}. Every field is optional. */
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

/** Options of {@link cutoutPixels}: those of `cutout`, plus where to write. */
export interface CutoutPixelsOptions extends CutoutOptions {
  /** Where to write the output (same size as the input); may be `images.data` itself. Default: a new array. */
  out?: Float32Array;
}

/** What `cutoutWithMask` / {@link cutoutPixelsWithMask} drew for one image (pixels; top-left corner). */
export interface CutoutPatch {
  height: number;
  width: number;
  /** Where the rectangle was filled. */
  target: { top: number; left: number };
  /** The fill color, one value per channel. */
  color: number[];
}

/** Option names of `cutout` (the tensor op). */
export const CUTOUT_KEYS = ['area', 'aspect', 'color', 'rng'] as const;
const UNIT: Range = Object.freeze([0, 1] as const);

/** Validated options of Cutout. Internal. */
export interface CutoutSettings {
  readonly rectangle: RectangleShape;
  readonly color: Range;
  readonly rng: Rng;
}

/** Validates Cutout options (keys are checked by the caller) and fills the defaults. Internal. */
export function resolveCutout(op: string, options: CutoutOptions): CutoutSettings {
  return {
    rectangle: resolveRectangle(op, options),
    color: options.color === undefined ? UNIT : checkRange(op, 'color', options.color, { min: 0, max: 1 }),
    rng: resolveRng(op, options.rng),
  };
}

/** Cutout into `dst` (a copy of the images, or the images themselves); marks `masks` when given. Internal. */
export function applyCutout(settings: CutoutSettings, shape: ImageShape, dst: Float32Array, masks?: Float32Array): CutoutPatch[] {
  const { rectangle, rng } = settings;
  const [low, high] = settings.color;
  const { height: H, width: W, channels } = shape;
  const patches: CutoutPatch[] = [];
  for (let i = 0; i < shape.batch; i++) {
    const { height, width } = sampleRectangle(rng, rectangle, H, W);
    const target = { top: randomInt(rng, 0, H - height), left: randomInt(rng, 0, W - width) };
    const color = Array.from({ length: channels }, () => uniform(rng, low, high));
    patches.push({ height, width, target, color });
    fillRectangle(dst, shape, i, target, height, width, color);
    if (masks) maskRectangle(masks, shape, i, target, height, width);
  }
  return patches;
}

function run(op: string, images: PixelBatch, options: CutoutPixelsOptions, withMask: boolean) {
  const shape = checkPixelBatch(op, images);
  checkKeys(op, options, [...CUTOUT_KEYS, 'out']);
  const settings = resolveCutout(op, options);
  const out = outputArray(op, options.out, images.data.length, images.data, true);
  if (out !== images.data) out.set(images.data);
  const masks = withMask ? new Float32Array(shape.batch * shape.height * shape.width) : undefined;
  const patches = applyCutout(settings, shape, out, masks);
  return { out, masks, patches, shape };
}

/**
 * Cutout (DeVries & Taylor 2017), the paper's baseline, on a {@link PixelBatch}: in every image,
 * fill a random rectangle (CutPaste's size distribution) with one random constant color. The same
 * options and seed give bit-identical pixels to the tensor op `cutout`.
 *
 * Random draws, image by image: area fraction, aspect ratio, top, left, then one value per channel.
 *
 * @param images [batch, height, width, channels], 1 or 3 channels. Not modified (unless
 *   `options.out` is `images.data`).
 * @returns the augmented batch; pixels outside the rectangle are exact copies.
 * @example
 * const augmented = cutoutPixels(originals, { rng: createRng(0) });
 */
export function cutoutPixels(images: PixelBatch, options: CutoutPixelsOptions = {}): PixelBatch {
  const { out, shape } = run('cutoutPixels', images, options, false);
  return { data: out, ...shape };
}

/**
 * {@link cutoutPixels}, also returning the filled rectangles' masks [batch, height, width, 1] and
 * the parameters drawn per image.
 *
 * @example
 * const { images: augmented, masks, patches } = cutoutPixelsWithMask(originals, { rng: createRng(0) });
 */
export function cutoutPixelsWithMask(images: PixelBatch, options: CutoutPixelsOptions = {}): PixelAugmentResult<CutoutPatch> {
  const { out, masks, patches, shape } = run('cutoutPixelsWithMask', images, options, true);
  return pixelResult(shape, out, masks!, patches);
}
