import { randomInt, type Rng } from '../../math/random';
import { resolveJitter, sampleJitter, type JitterAmounts, type JitterOption, type JitterParams } from '../jitter';
import { fitScar, rasterizeScar, resolveScar, sampleScar, scarScale, type ScarShape } from '../scarShape';
import { placeInCentre } from '../rectangleShape';
import { checkCentre, checkKeys, resolveRng, type Range } from '../validate';
import { maskPixelList, pastePixelList, pixelResult, placePixelList, type PixelAugmentResult } from './pastePixels';
import { checkPixelBatch, outputArray, patchSource, type ImageShape, type PixelBatch } from './pixelBatch';

/** Options of `cutPasteScar` and {@link cutPasteScarPixels}. Every field is optional; defaults are the paper's (appendix A.2). */
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
  /**
   * `false` (default): a RangeError when the largest scar the options allow cannot fit in the images.
   * `true`: each drawn scar that does not fit is shortened until it does (its length first, then its
   * width; see `fitScar`), e.g. the paper's 256 px-scale scars (`scale: 1`) on 16 px crops.
   */
  shrinkToFit?: boolean;
  /** Color jitter of the scar's content, as in `CutPasteAugmentOptions.jitter`. Default 0.1 each. */
  jitter?: JitterOption;
  /** Where the scar lands, as `CutPasteAugmentOptions.centre` (of the rotated scar's bounding box). Default 1. */
  centre?: number;
  /** Uniform [0, 1) generator; default a fresh clock-seeded one per call (not reproducible). */
  rng?: Rng;
}

/** Options of {@link cutPasteScarPixels}: those of `cutPasteScar`, plus where to write. */
export interface CutPasteScarPixelsOptions extends CutPasteScarOptions {
  /** Where to write the output (same size as the input); may be `images.data` itself. Default: a new array. */
  out?: Float32Array;
  /**
   * Cut each scar from these images instead of the augmented ones (the same shape: image i's scar
   * comes from `source` image i). Default: the images themselves.
   */
  source?: PixelBatch;
}

/** What `cutPasteScarWithMask` / {@link cutPasteScarPixelsWithMask} drew for one image (pixels, degrees; top-left corners). */
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

/** Option names of `cutPasteScar` (the tensor op). */
export const CUT_PASTE_SCAR_KEYS = ['width', 'height', 'angle', 'scale', 'shrinkToFit', 'jitter', 'centre', 'rng'] as const;

/** Validated options of CutPaste-Scar. Internal. */
export interface CutPasteScarSettings {
  readonly scar: ScarShape;
  /** Size multiplier for these images (checked: the largest scar fits, unless `shrinkToFit`). */
  readonly scale: number;
  readonly amounts: Readonly<JitterAmounts>;
  readonly centre: number;
  readonly rng: Rng;
}

/**
 * Validates CutPaste-Scar options for images of `shape` (keys are checked by the caller) and fills
 * the defaults. Throws a RangeError when the largest allowed scar cannot fit (unless
 * `shrinkToFit`). Internal.
 */
export function resolveCutPasteScar(op: string, options: CutPasteScarOptions, shape: ImageShape): CutPasteScarSettings {
  const scar = resolveScar(op, options);
  const shrink = options.shrinkToFit ?? false;
  if (typeof shrink !== 'boolean') throw new TypeError(`${op}: options.shrinkToFit must be a boolean, got ${String(shrink)}`);
  return {
    scar,
    scale: scarScale(op, scar, shape.height, shape.width, shrink),
    amounts: resolveJitter(op, 'options.jitter', options.jitter),
    centre: checkCentre(op, options.centre),
    rng: resolveRng(op, options.rng),
  };
}

/**
 * CutPaste-Scar on `src` into `dst` (which already holds a copy of `src`, or is `src`); marks
 * `masks` when given. Returns what was drawn. Internal.
 */
export function applyCutPasteScar(
  settings: CutPasteScarSettings,
  shape: ImageShape,
  src: Float32Array,
  dst: Float32Array,
  masks?: Float32Array,
): CutPasteScarPatch[] {
  const { scar, scale, amounts, centre, rng } = settings;
  const { height: H, width: W } = shape;
  const jitterOn = amounts.brightness > 0 || amounts.contrast > 0 || amounts.saturation > 0 || amounts.hue > 0;
  const patches: CutPasteScarPatch[] = [];
  for (let i = 0; i < shape.batch; i++) {
    const draw = fitScar(sampleScar(rng, scar, scale), H, W);
    const { width, height, box } = draw;
    const source = { top: randomInt(rng, 0, H - height), left: randomInt(rng, 0, W - width) };
    const target = { top: placeInCentre(rng, H, box.height, centre), left: placeInCentre(rng, W, box.width, centre) };
    const jitter = sampleJitter(rng, amounts);
    patches.push({ width, height, angle: draw.angle, source, target, box, jitter });
    const raster = rasterizeScar(draw);
    const to = placePixelList(raster.target, box.width, target, W);
    const from = placePixelList(raster.source, width, source, W);
    pastePixelList(src, dst, shape, i, from, to, jitterOn ? jitter : undefined);
    if (masks) maskPixelList(masks, shape, i, to);
  }
  return patches;
}

function run(op: string, images: PixelBatch, options: CutPasteScarPixelsOptions, withMask: boolean) {
  const shape = checkPixelBatch(op, images);
  checkKeys(op, options, [...CUT_PASTE_SCAR_KEYS, 'out', 'source']);
  const settings = resolveCutPasteScar(op, options, shape);
  const out = outputArray(op, options.out, images.data.length, images.data, true);
  if (out !== images.data) out.set(images.data);
  const masks = withMask ? new Float32Array(shape.batch * shape.height * shape.width) : undefined;
  const patches = applyCutPasteScar(settings, shape, patchSource(op, options.source, images, shape, out), out, masks);
  return { out, masks, patches, shape };
}

/**
 * CutPaste-Scar (Li et al. 2021) on a {@link PixelBatch}, in plain JS: in every image, cut a thin
 * upright rectangle, color-jitter it, rotate it (content included, nearest neighbour) and paste it
 * at a random location, fully inside. The same options and seed give bit-identical pixels to the
 * tensor op `cutPasteScar`.
 *
 * Random draws, image by image in batch order: width, height, angle, source top, source left,
 * target top, target left (of the rotated bounding box), then the jitter (3 draws for the order,
 * 4 factors; always drawn). The contrast step uses the mean grey level of the pasted pixels.
 *
 * @param images [batch, height, width, channels], values in [0, 1], 1 or 3 channels. Not modified
 *   (unless `options.out` is `images.data`).
 * @returns the augmented batch (its `data` is `options.out` when given); pixels outside the scar are exact copies.
 * @throws RangeError when the largest allowed scar cannot fit in the images (unless `shrinkToFit`).
 * @example
 * const augmented = cutPasteScarPixels(originals, { rng: createRng(0) });
 */
export function cutPasteScarPixels(images: PixelBatch, options: CutPasteScarPixelsOptions = {}): PixelBatch {
  const { out, shape } = run('cutPasteScarPixels', images, options, false);
  return { data: out, ...shape };
}

/**
 * {@link cutPasteScarPixels}, also returning the scars' masks [batch, height, width, 1] and the
 * parameters drawn per image. The same options and seed give the same images.
 *
 * @example
 * const { images: augmented, masks, patches } = cutPasteScarPixelsWithMask(originals, { rng: createRng(1) });
 * // patches[0]: { width, height, angle, source, target, box, jitter }
 */
export function cutPasteScarPixelsWithMask(
  images: PixelBatch,
  options: CutPasteScarPixelsOptions = {},
): PixelAugmentResult<CutPasteScarPatch> {
  const { out, masks, patches, shape } = run('cutPasteScarPixelsWithMask', images, options, true);
  return pixelResult(shape, out, masks!, patches);
}
