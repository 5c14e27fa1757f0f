import { randomInt, type Rng } from '../../math/random';
import { resolveJitter, sampleJitter, type JitterAmounts, type JitterOption, type JitterParams } from '../jitter';
import { placeInCentre, resolveRectangle, sampleRectangle, type RectangleShape } from '../rectangleShape';
import { checkCentre, checkKeys, resolveRng, type Range } from '../validate';
import { maskRectangle, pasteRectangle, pixelResult, type PixelAugmentResult } from './pastePixels';
import { checkPixelBatch, outputArray, patchSource, type ImageShape, type PixelBatch } from './pixelBatch';

/** Options of `cutPaste` and {@link cutPastePixels}. Every field is optional; defaults are the paper's (appendix A.2). */
export interface CutPasteAugmentOptions {
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
   * Where the patch lands: its centre is drawn uniformly in the middle `centre` fraction of each side
   * (then moved in so that the patch stays inside), in (0, 1]. Default 1: anywhere the patch fits (the
   * paper's). Patch-level training uses 0.5: a patch encoder's feature stands for its crop's middle.
   */
  centre?: number;
  /**
   * Uniform [0, 1) generator, e.g. `createRng(seed)`; the same seed gives the same output on every
   * backend. Default: a fresh clock-seeded generator per call (not reproducible).
   */
  rng?: Rng;
}

/** Options of {@link cutPastePixels}: those of `cutPaste`, plus where to write. */
export interface CutPastePixelsOptions extends CutPasteAugmentOptions {
  /**
   * Where to write the output (batch · height · width · channels values), e.g. a `subarray` of a
   * larger batch; may be `images.data` itself (in place). Default: a new array.
   */
  out?: Float32Array;
  /**
   * Cut each patch from these images instead of the augmented ones (the same shape: image i's patch
   * comes from `source` image i), e.g. another crop of the same picture, so that a crop receives a
   * patch from elsewhere in its image. Default: the images themselves (the paper's CutPaste).
   */
  source?: PixelBatch;
}

/** What `cutPasteWithMask` / {@link cutPastePixelsWithMask} drew for one image (pixels; top-left corners). */
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

/** Option names of `cutPaste` (the tensor op). */
export const CUT_PASTE_KEYS = ['area', 'aspect', 'jitter', 'centre', 'rng'] as const;

/** Validated options of the CutPaste family. Internal. */
export interface CutPasteSettings {
  readonly rectangle: RectangleShape;
  readonly amounts: Readonly<JitterAmounts>;
  readonly centre: number;
  readonly rng: Rng;
}

/** Validates CutPaste options (keys are checked by the caller) and fills the defaults. Internal. */
export function resolveCutPaste(op: string, options: CutPasteAugmentOptions): CutPasteSettings {
  return {
    rectangle: resolveRectangle(op, options),
    amounts: resolveJitter(op, 'options.jitter', options.jitter),
    centre: checkCentre(op, options.centre),
    rng: resolveRng(op, options.rng),
  };
}

/**
 * CutPaste on `src` into `dst` (which already holds a copy of `src`, or is `src`): draws, image by
 * image, then pastes; marks `masks` when given. Returns what was drawn. Internal.
 */
export function applyCutPaste(
  settings: CutPasteSettings,
  shape: ImageShape,
  src: Float32Array,
  dst: Float32Array,
  masks?: Float32Array,
): CutPastePatch[] {
  const { rectangle, amounts, centre, rng } = settings;
  const { height: H, width: W } = shape;
  const jitterOn = amounts.brightness > 0 || amounts.contrast > 0 || amounts.saturation > 0 || amounts.hue > 0;
  const patches: CutPastePatch[] = [];
  for (let i = 0; i < shape.batch; i++) {
    const { height, width } = sampleRectangle(rng, rectangle, H, W);
    const source = { top: randomInt(rng, 0, H - height), left: randomInt(rng, 0, W - width) };
    const target = { top: placeInCentre(rng, H, height, centre), left: placeInCentre(rng, W, width, centre) };
    const jitter = sampleJitter(rng, amounts);
    patches.push({ height, width, source, target, jitter });
    pasteRectangle(src, dst, shape, i, source, target, height, width, jitterOn ? jitter : undefined);
    if (masks) maskRectangle(masks, shape, i, target, height, width);
  }
  return patches;
}

function run(op: string, images: PixelBatch, options: CutPastePixelsOptions, withMask: boolean) {
  const shape = checkPixelBatch(op, images);
  checkKeys(op, options, [...CUT_PASTE_KEYS, 'out', 'source']);
  const settings = resolveCutPaste(op, options);
  const out = outputArray(op, options.out, images.data.length, images.data, true);
  if (out !== images.data) out.set(images.data);
  const masks = withMask ? new Float32Array(shape.batch * shape.height * shape.width) : undefined;
  const patches = applyCutPaste(settings, shape, patchSource(op, options.source, images, shape, out), out, masks);
  return { out, masks, patches, shape };
}

/**
 * CutPaste (Li et al. 2021) on a {@link PixelBatch}, in plain JS: in every image, cut a random
 * rectangle, color-jitter it and paste it at another random location, fully inside the image.
 * The same options and seed give bit-identical pixels to the tensor op `cutPaste`.
 *
 * Random draws, image by image in batch order: area fraction, aspect ratio (size =
 * round(√(A·r)) × round(√(A/r)), at least 2 px a side, clamped to the image), source top,
 * source left, target top, target left (integers, uniform over the positions that keep the patch
 * inside; the target's with its centre in the middle `centre` of each side), then the jitter (3 draws
 * for the order of brightness/contrast/saturation/hue, then their 4 factors; always drawn, even when
 * the jitter is 0). The contrast step blends with the mean grey level of the patch. For 1-channel
 * images saturation and hue do nothing (as in torchvision).
 *
 * @param images [batch, height, width, channels], values in [0, 1], 1 or 3 channels. Not modified
 *   (unless `options.out` is `images.data`).
 * @returns the augmented batch (its `data` is `options.out` when given); pixels outside the pasted
 *   patch are exact copies.
 * @example
 * const augmented = cutPastePixels(originals, { rng: createRng(0) });
 * // or straight into the second third of a 3-way pretext batch:
 * cutPastePixels(originals, { rng, out: all.subarray(n, 2 * n) }); // n = originals.data.length
 */
export function cutPastePixels(images: PixelBatch, options: CutPastePixelsOptions = {}): PixelBatch {
  const { out, shape } = run('cutPastePixels', images, options, false);
  return { data: out, ...shape };
}

/**
 * {@link cutPastePixels}, also returning the pasted regions' masks [batch, height, width, 1] and the
 * parameters drawn per image. The same options and seed give the same images as `cutPastePixels`.
 *
 * @example
 * const { images: augmented, masks, patches } = cutPastePixelsWithMask(originals, { rng: createRng(0) });
 * // patches[0]: { height, width, source: { top, left }, target: { top, left }, jitter }
 */
export function cutPastePixelsWithMask(images: PixelBatch, options: CutPastePixelsOptions = {}): PixelAugmentResult<CutPastePatch> {
  const { out, masks, patches, shape } = run('cutPastePixelsWithMask', images, options, true);
  return pixelResult(shape, out, masks!, patches);
}
