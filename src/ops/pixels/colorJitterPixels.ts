import type { Rng } from '../../math/random';
import { jitterPixels, resolveJitter, sampleJitter, type JitterAmounts } from '../jitter';
import { checkKeys, resolveRng } from '../validate';
import { checkPixelBatch, outputArray, type ImageShape, type PixelBatch } from './pixelBatch';

/** Options of `colorJitter` and {@link colorJitterPixels}: torchvision `ColorJitter(brightness, contrast, saturation, hue)`. */
export interface ColorJitterOptions extends Partial<JitterAmounts> {
  /** Uniform [0, 1) generator; default a fresh clock-seeded one per call (not reproducible). */
  rng?: Rng;
}

/** Options of {@link colorJitterPixels}: those of `colorJitter`, plus where to write. */
export interface ColorJitterPixelsOptions extends ColorJitterOptions {
  /** Where to write the output (same size as the input); may be `images.data` itself. Default: a new array. */
  out?: Float32Array;
}

/** Option names of `colorJitter` (the tensor op). */
export const COLOR_JITTER_KEYS = ['brightness', 'contrast', 'saturation', 'hue', 'rng'] as const;

/** Validated options of the whole-image jitter. Internal. */
export interface ColorJitterSettings {
  readonly amounts: Readonly<JitterAmounts>;
  readonly rng: Rng;
}

/** Validates colorJitter options (keys are checked by the caller) and fills the defaults. Internal. */
export function resolveColorJitter(op: string, options: ColorJitterOptions): ColorJitterSettings {
  const { rng, ...strengths } = options;
  return { amounts: resolveJitter(op, 'options', strengths), rng: resolveRng(op, rng) };
}

/** Draws every image's jitter (7 draws each, in batch order), then jitters `data` in place. Internal. */
export function applyColorJitter(settings: ColorJitterSettings, shape: ImageShape, data: Float32Array): void {
  const { batch, height, width, channels } = shape;
  const params = Array.from({ length: batch }, () => sampleJitter(settings.rng, settings.amounts));
  jitterPixels(data, [batch, height * width, channels], params);
}

/**
 * Whole-image color jitter on a {@link PixelBatch}, in plain JS (applied before CutPaste, paper §2.1):
 * torchvision `ColorJitter` semantics with per-image factors and a per-image random order. Brightness
 * multiplies by f ∈ [1 − j, 1 + j]; contrast blends with the image's mean grey level (weights 0.2989,
 * 0.587, 0.114); saturation blends with each pixel's grey level; hue shifts H in HSV by h ∈ [−j, j]
 * turns; each step clamps to [0, 1]. On 1-channel images saturation and hue do nothing. Defaults:
 * 0.1 each. The same options and seed give bit-identical pixels to the tensor op `colorJitter`.
 *
 * Random draws, image by image: 3 for the order, then the brightness, contrast, saturation and hue
 * factors (always 7 per image).
 *
 * @param images [batch, height, width, channels], values in [0, 1], 1 or 3 channels. Not modified
 *   (unless `options.out` is `images.data`).
 * @returns the jittered batch, values in [0, 1].
 * @example
 * const jittered = colorJitterPixels(originals, { brightness: 0.2, hue: 0.05, rng: createRng(0) });
 * colorJitterPixels(originals, { rng, out: originals.data }); // in place
 */
export function colorJitterPixels(images: PixelBatch, options: ColorJitterPixelsOptions = {}): PixelBatch {
  const op = 'colorJitterPixels';
  const shape = checkPixelBatch(op, images);
  checkKeys(op, options, [...COLOR_JITTER_KEYS, 'out']);
  const { out: outOption, ...rest } = options;
  const settings = resolveColorJitter(op, rest);
  const out = outputArray(op, outOption, images.data.length, images.data, true);
  if (out !== images.data) out.set(images.data);
  applyColorJitter(settings, shape, out);
  return { data: out, ...shape };
}
