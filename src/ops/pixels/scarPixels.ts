import { randomInt, uniform, type Rng } from '../../math/random';
import { rasterizeScar, resolveScar, sampleScar, scarScale, type ScarShape } from '../scarShape';
import { checkKeys, checkRange, resolveRng, type Range } from '../validate';
import { fillPixelList, maskPixelList, pixelResult, placePixelList, type PixelAugmentResult } from './pastePixels';
import { checkPixelBatch, outputArray, type ImageShape, type PixelBatch } from './pixelBatch';

/** Options of `scar` and {@link scarPixels}. Every field is optional; the shape defaults are the paper's. */
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

/** Options of {@link scarPixels}: those of `scar`, plus where to write. */
export interface ScarPixelsOptions extends ScarOptions {
  /** Where to write the output (same size as the input); may be `images.data` itself. Default: a new array. */
  out?: Float32Array;
}

/** What `scarWithMask` / {@link scarPixelsWithMask} drew for one image (pixels, degrees; top-left corner). */
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

/** Option names of `scar` (the tensor op). */
export const SCAR_KEYS = ['width', 'height', 'angle', 'scale', 'color', 'rng'] as const;
const UNIT: Range = Object.freeze([0, 1] as const);

/** Validated options of Scar. Internal. */
export interface ScarSettings {
  readonly scar: ScarShape;
  /** Size multiplier for these images (checked: the largest scar fits). */
  readonly scale: number;
  readonly color: Range;
  readonly rng: Rng;
}

/**
 * Validates Scar options for images of `shape` (keys are checked by the caller) and fills the
 * defaults. Throws a RangeError when the largest allowed scar cannot fit. Internal.
 */
export function resolveScarOptions(op: string, options: ScarOptions, shape: ImageShape): ScarSettings {
  const scar = resolveScar(op, options);
  const color = options.color === undefined ? UNIT : checkRange(op, 'color', options.color, { min: 0, max: 1 });
  const rng = resolveRng(op, options.rng);
  return { scar, scale: scarScale(op, scar, shape.height, shape.width), color, rng };
}

/** Scar into `dst` (a copy of the images, or the images themselves); marks `masks` when given. Internal. */
export function applyScar(settings: ScarSettings, shape: ImageShape, dst: Float32Array, masks?: Float32Array): ScarPatch[] {
  const { scar, scale, rng } = settings;
  const [low, high] = settings.color;
  const { height: H, width: W, channels } = shape;
  const patches: ScarPatch[] = [];
  for (let i = 0; i < shape.batch; i++) {
    const draw = sampleScar(rng, scar, scale);
    const { box } = draw;
    const target = { top: randomInt(rng, 0, H - box.height), left: randomInt(rng, 0, W - box.width) };
    const color = Array.from({ length: channels }, () => uniform(rng, low, high));
    patches.push({ width: draw.width, height: draw.height, angle: draw.angle, target, box, color });
    const to = placePixelList(rasterizeScar(draw).target, box.width, target, W);
    fillPixelList(dst, shape, i, to, color);
    if (masks) maskPixelList(masks, shape, i, to);
  }
  return patches;
}

function run(op: string, images: PixelBatch, options: ScarPixelsOptions, withMask: boolean) {
  const shape = checkPixelBatch(op, images);
  checkKeys(op, options, [...SCAR_KEYS, 'out']);
  const settings = resolveScarOptions(op, options, shape);
  const out = outputArray(op, options.out, images.data.length, images.data, true);
  if (out !== images.data) out.set(images.data);
  const masks = withMask ? new Float32Array(shape.batch * shape.height * shape.width) : undefined;
  const patches = applyScar(settings, shape, out, masks);
  return { out, masks, patches, shape };
}

/**
 * Scar (Cutout as a thin rotated rectangle, the paper's baseline) on a {@link PixelBatch}: in every
 * image, fill a scar-shaped region (as CutPaste-Scar) with one random constant color. The same
 * options and seed give bit-identical pixels to the tensor op `scar`.
 *
 * Random draws, image by image: width, height, angle, top, left (of the bounding box), then one
 * value per channel.
 *
 * @param images [batch, height, width, channels], 1 or 3 channels. Not modified (unless
 *   `options.out` is `images.data`).
 * @returns the augmented batch; pixels outside the scar are exact copies.
 * @throws RangeError when the largest allowed scar cannot fit in the images.
 * @example
 * const augmented = scarPixels(originals, { rng: createRng(0) });
 */
export function scarPixels(images: PixelBatch, options: ScarPixelsOptions = {}): PixelBatch {
  const { out, shape } = run('scarPixels', images, options, false);
  return { data: out, ...shape };
}

/**
 * {@link scarPixels}, also returning the scars' masks [batch, height, width, 1] and the parameters drawn.
 *
 * @example
 * const { images: augmented, masks, patches } = scarPixelsWithMask(originals, { rng: createRng(0) });
 */
export function scarPixelsWithMask(images: PixelBatch, options: ScarPixelsOptions = {}): PixelAugmentResult<ScarPatch> {
  const { out, masks, patches, shape } = run('scarPixelsWithMask', images, options, true);
  return pixelResult(shape, out, masks!, patches);
}
