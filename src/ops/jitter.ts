import { shuffleInPlace, uniform, type Rng } from '../math/random';
import { checkKeys, checkNumber, show } from './validate';

/**
 * Color-jitter strengths, torchvision `ColorJitter(brightness, contrast, saturation, hue)` with one
 * number each: the brightness, contrast and saturation factors are uniform in [1 − j, 1 + j], the hue
 * shift uniform in [−j, j] turns. 0 disables a component.
 */
export interface JitterAmounts {
  /** Brightness: pixels × f, f ∈ [1 − j, 1 + j]. 0 ≤ j ≤ 1. Default 0.1. */
  brightness: number;
  /** Contrast: blend with the mean grey level, f·x + (1 − f)·mean. 0 ≤ j ≤ 1. Default 0.1. */
  contrast: number;
  /** Saturation: blend with each pixel's grey level, f·x + (1 − f)·grey. 0 ≤ j ≤ 1. Default 0.1. */
  saturation: number;
  /** Hue: shift of H in HSV by h ∈ [−j, j] turns. 0 ≤ j ≤ 0.5. Default 0.1. */
  hue: number;
}

/** A jitter option: one number for all four components, or some components (others default). */
export type JitterOption = number | Partial<JitterAmounts>;

/** The paper's jitter (appendix A.2): 0.1 for each component. */
export const DEFAULT_JITTER: Readonly<JitterAmounts> = Object.freeze({
  brightness: 0.1,
  contrast: 0.1,
  saturation: 0.1,
  hue: 0.1,
});

/** One component of the color jitter. */
export type JitterStep = 'brightness' | 'contrast' | 'saturation' | 'hue';

/** The jitter drawn for one image: the order of the four steps and their factors. */
export interface JitterParams {
  /** The four steps in the order they are applied (a random permutation). */
  readonly order: readonly JitterStep[];
  /** Brightness factor (1 = unchanged). */
  readonly brightness: number;
  /** Contrast factor (1 = unchanged). */
  readonly contrast: number;
  /** Saturation factor (1 = unchanged). */
  readonly saturation: number;
  /** Hue shift in turns (0 = unchanged). */
  readonly hue: number;
}

const STEPS: readonly JitterStep[] = ['brightness', 'contrast', 'saturation', 'hue'];

/** Validates a jitter option (`name` is how errors call it) and fills the defaults. */
export function resolveJitter(op: string, name: string, value: unknown): Readonly<JitterAmounts> {
  if (value === undefined) return DEFAULT_JITTER;
  if (typeof value === 'number') {
    checkNumber(op, name, value, { min: 0, max: 0.5 });
    return Object.freeze({ brightness: value, contrast: value, saturation: value, hue: value });
  }
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`${op}: ${name} must be a number or { brightness, contrast, saturation, hue }, got ${show(value)}`);
  }
  checkKeys(op, value, STEPS, name);
  const v = value as Partial<JitterAmounts>;
  const pick = (step: JitterStep, max: number): number =>
    v[step] === undefined ? DEFAULT_JITTER[step] : checkNumber(op, `${name}.${step}`, v[step], { min: 0, max });
  return Object.freeze({
    brightness: pick('brightness', 1),
    contrast: pick('contrast', 1),
    saturation: pick('saturation', 1),
    hue: pick('hue', 0.5),
  });
}

/**
 * Draws one image's jitter. Always 7 draws, in this order, whatever the amounts (so the rest of the
 * stream does not depend on them): 3 for the order (Fisher–Yates shuffle of brightness, contrast,
 * saturation, hue), then the brightness, contrast and saturation factors and the hue shift.
 */
export function sampleJitter(rng: Rng, amounts: Readonly<JitterAmounts>): JitterParams {
  const order = shuffleInPlace([...STEPS], rng);
  return {
    order,
    brightness: uniform(rng, 1 - amounts.brightness, 1 + amounts.brightness),
    contrast: uniform(rng, 1 - amounts.contrast, 1 + amounts.contrast),
    saturation: uniform(rng, 1 - amounts.saturation, 1 + amounts.saturation),
    hue: uniform(rng, -amounts.hue, amounts.hue),
  };
}

// torchvision's rgb_to_grayscale weights.
const GREY_R = 0.2989;
const GREY_G = 0.587;
const GREY_B = 0.114;

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

/**
 * Applies each image's jitter in place, with torchvision `ColorJitter` semantics: the four steps in
 * the image's order, each clamping to [0, 1]; brightness f·x; contrast f·x + (1 − f)·mean grey of
 * the image's pixels; saturation f·x + (1 − f)·grey(x) per pixel; hue: H + h (mod 1) in HSV.
 * Saturation and hue do nothing on 1-channel pixels. Steps with a neutral factor are skipped (their
 * pixels stay bit-exact). Pixels are kept as float32 between steps, like torchvision's tensors.
 *
 * Plain JS over a typed array: per pixel this is a few dozen flops, which tfjs's cpu backend runs
 * 10–100× slower as batched tensor ops (its broadcasting, `split` and `where` kernels walk indices
 * element by element), and it gives bit-identical results on every backend. Every jittering
 * augmentation (whole images and pasted patches) goes through this function.
 *
 * @param data pixels [batch, length, channels], channels 1 or 3, values in [0, 1]; modified in place.
 * @param counts optional number of real pixels per image (≥ 1): only those count for the contrast
 *   mean and are jittered; entries after them are set to a copy of the image's last real pixel
 *   (for padded layouts).
 */
export function jitterPixels(
  data: Float32Array,
  shape: readonly [number, number, number],
  params: readonly JitterParams[],
  counts?: ArrayLike<number>,
): void {
  const [batch, length, channels] = shape;
  for (let i = 0; i < batch; i++) {
    const p = params[i]!;
    const n = counts ? counts[i]! : length;
    const start = i * length * channels;
    const end = start + n * channels;
    for (const step of p.order) {
      if (step === 'brightness' && p.brightness !== 1) scale(data, start, end, p.brightness);
      else if (step === 'contrast' && p.contrast !== 1) {
        blend(data, start, end, p.contrast, (1 - p.contrast) * meanGrey(data, start, end, channels));
      } else if (step === 'saturation' && channels === 3 && p.saturation !== 1) saturate(data, start, end, p.saturation);
      else if (step === 'hue' && channels === 3 && p.hue !== 0) {
        for (let k = start; k < end; k += 3) shiftHue(data, k, p.hue);
      }
    }
    for (let k = end; k < start + length * channels; k++) data[k] = data[k - channels]!;
  }
}

// One small function per step: V8 optimises these loops better than one large body (the brightness
// pass measured 1.6× faster).

/** Brightness: data[k] = clamp01(f · data[k]) over [start, end). */
function scale(data: Float32Array, start: number, end: number, f: number): void {
  for (let k = start; k < end; k++) data[k] = clamp01(f * data[k]!);
}

/** Contrast: data[k] = clamp01(f · data[k] + offset) over [start, end), offset = (1 − f) · mean grey. */
function blend(data: Float32Array, start: number, end: number, f: number, offset: number): void {
  for (let k = start; k < end; k++) data[k] = clamp01(f * data[k]! + offset);
}

/** Saturation: each RGB pixel blended with its grey level, f·x + (1 − f)·grey. */
function saturate(data: Float32Array, start: number, end: number, f: number): void {
  for (let k = start; k < end; k += 3) {
    const g = (1 - f) * (GREY_R * data[k]! + GREY_G * data[k + 1]! + GREY_B * data[k + 2]!);
    data[k] = clamp01(f * data[k]! + g);
    data[k + 1] = clamp01(f * data[k + 1]! + g);
    data[k + 2] = clamp01(f * data[k + 2]! + g);
  }
}

function meanGrey(data: Float32Array, start: number, end: number, channels: number): number {
  let sum = 0;
  if (channels === 3) {
    for (let k = start; k < end; k += 3) sum += GREY_R * data[k]! + GREY_G * data[k + 1]! + GREY_B * data[k + 2]!;
  } else {
    for (let k = start; k < end; k++) sum += data[k]!;
  }
  return sum / ((end - start) / channels);
}

/** torchvision's adjust_hue for one RGB pixel at data[k..k+2]: _rgb2hsv, H + shift mod 1, _hsv2rgb. */
function shiftHue(data: Float32Array, k: number, shift: number): void {
  const r = data[k]!;
  const g = data[k + 1]!;
  const b = data[k + 2]!;
  const v = r > g ? (r > b ? r : b) : g > b ? g : b;
  const chroma = v - (r < g ? (r < b ? r : b) : g < b ? g : b);
  if (chroma === 0) return; // grey: hue undefined, unchanged
  const s = chroma / v;
  // torchvision: rc, gc, bc = (v − channel) / chroma; only the two a sector needs are computed.
  const sector =
    v === r
      ? (v - b) / chroma - (v - g) / chroma
      : v === g
        ? 2 + (v - r) / chroma - (v - b) / chroma
        : 4 + (v - g) / chroma - (v - r) / chroma;
  // (sector / 6 + 1) % 1, then (+ shift) % 1 wrapped into [0, 1). The first sum lies in [5/6, 11/6],
  // where `% 1` is exactly `− 1` (Sterbenz); the second wraps only when it leaves [0, 1). Same bits
  // as the two `%` (fmod is slow in JS).
  const unit = sector / 6 + 1;
  let h = (unit >= 1 ? unit - 1 : unit) + shift;
  if (h >= 1 || h < 0) {
    h %= 1;
    if (h < 0) h += 1;
  }
  const h6 = h * 6;
  const i = Math.floor(h6);
  const f = h6 - i;
  const pv = clamp01(v * (1 - s));
  const q = clamp01(v * (1 - s * f));
  const t = clamp01(v * (1 - s * (1 - f)));
  switch (i % 6) {
    case 0:
      data[k] = v;
      data[k + 1] = t;
      data[k + 2] = pv;
      break;
    case 1:
      data[k] = q;
      data[k + 1] = v;
      data[k + 2] = pv;
      break;
    case 2:
      data[k] = pv;
      data[k + 1] = v;
      data[k + 2] = t;
      break;
    case 3:
      data[k] = pv;
      data[k + 1] = q;
      data[k + 2] = v;
      break;
    case 4:
      data[k] = t;
      data[k + 1] = pv;
      data[k + 2] = v;
      break;
    default:
      data[k] = v;
      data[k + 1] = pv;
      data[k + 2] = q;
  }
}
