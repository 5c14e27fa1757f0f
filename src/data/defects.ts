import type { Rng } from '../math/random';
import { logUniform, uniform } from '../math/random';
import { type FloatImage, blendColor, blobAlpha, blurField, multiplyByAlpha, strokeAlpha } from './canvas';
import { fractalNoise } from './noise';
import { crackStrokes, randomCurve } from './paths';

/**
 * Generic defect painters shared by the synthetic kinds. Each draws one defect into a clean render, with
 * its size and contrast drawn from wide log-uniform ranges (from barely visible specks to large marks),
 * scaled by `scale = min(height, width) / 256`. Positions come from a `where` sampler so object kinds
 * can keep defects on the object.
 */

/** Picks a defect position (pixel coordinates) inside the region a kind allows. */
export type PointSampler = (rng: Rng) => readonly [number, number];

/** RGB colour in [0, 1] (grayscale images read the first entry). */
export type Color = readonly [number, number, number];

/** Uniform positions over the image, `margin` pixels from the border. */
export function anywhere(height: number, width: number, margin = 0): PointSampler {
  return (rng) => [uniform(rng, margin, width - margin), uniform(rng, margin, height - margin)];
}

/** A thin curved line, brighter or darker than the surface (abrasion, tool mark). */
export function paintScratch(image: FloatImage, rng: Rng, scale: number, where: PointSampler, polarity = 0): void {
  const [x, y] = where(rng);
  const length = logUniform(rng, 14, 170) * scale;
  const width = logUniform(rng, 1.2, 3.5) * Math.max(scale, 0.5);
  const contrast = logUniform(rng, 0.12, 0.5);
  const sign = polarity !== 0 ? polarity : rng() < 0.6 ? 1 : -1;
  const heading = rng() * Math.PI * 2;
  const points = randomCurve(rng, x, y, heading, length, 2, 0.04);
  const alpha = strokeAlpha(image.height, image.width, points, width, 1);
  blendColor(image, alpha, sign > 0 ? [1, 1, 1] : [0, 0, 0], contrast);
}

/** A branching dark crack with tapering width; `heading` (radians) fixes its main direction, else random. */
export function paintCrack(image: FloatImage, rng: Rng, scale: number, where: PointSampler, heading?: number): void {
  const [x, y] = where(rng);
  const direction = heading ?? rng() * Math.PI * 2;
  const length = logUniform(rng, 20, 160) * scale;
  const width = logUniform(rng, 1.2, 3.5) * Math.max(scale, 0.5);
  const depth = uniform(rng, 0.45, 0.9);
  const strokes = crackStrokes(rng, x, y, direction, length, width, 0.08);
  const alpha = new Float32Array(image.height * image.width);
  for (const s of strokes) strokeAlpha(image.height, image.width, s.points, s.widths, 0.8, alpha);
  multiplyByAlpha(image, alpha, [1 - depth, 1 - depth, 1 - depth]);
}

/** Options of {@link paintStain}. */
export interface StainOptions {
  /** Radius range in pixels at 256 px. Default [5, 48]. */
  readonly radius?: readonly [number, number];
  /** Per-channel gains at full strength (the stain colour as a tint). */
  readonly gain: readonly number[];
  /** Strength range (0: invisible, 1: full `gain`). Default [0.25, 1]. */
  readonly strength?: readonly [number, number];
  /** Darker rim of dried liquid, relative to the stain. Default 0. */
  readonly rim?: number;
}

/** A soft, irregular discoloured region that keeps the texture (dye, liquid, oil). */
export function paintStain(image: FloatImage, rng: Rng, scale: number, where: PointSampler, options: StainOptions): void {
  const [lo, hi] = options.radius ?? [5, 48];
  const [sLo, sHi] = options.strength ?? [0.25, 1];
  const [cx, cy] = where(rng);
  const r = logUniform(rng, lo, hi) * scale;
  const aspect = uniform(rng, 0.5, 1);
  const alpha = blobAlpha(rng, image.height, image.width, {
    cx,
    cy,
    rx: r,
    ry: r * aspect,
    angle: rng() * Math.PI,
    roughness: uniform(rng, 0.1, 0.35),
    softness: 1 + r * 0.15,
  });
  blurField(alpha, image.height, image.width, Math.min(4, r * 0.2), 2);
  const strength = uniform(rng, sLo, sHi);
  const rim = options.rim ?? 0;
  const n = alpha.length;
  if (rim > 0) {
    for (let i = 0; i < n; i++) {
      const a = alpha[i]!;
      alpha[i] = a * (1 + rim * 4 * (1 - a));
    }
  }
  for (let i = 0; i < n; i++) alpha[i]! *= strength;
  multiplyByAlpha(image, alpha, options.gain);
}

/** Default particle colours of {@link paintParticles}: metal (gets a highlight), soot, rust-brown debris. */
const PARTICLES: readonly Color[] = [
  [0.55, 0.56, 0.6],
  [0.08, 0.07, 0.06],
  [0.35, 0.28, 0.2],
];

/**
 * 1–5 foreign particles (dust, metal chips, debris) with irregular outlines; the first colour of
 * `palette` is metallic and gets a highlight. Colours are picked from `palette` (default: metal, soot, rust).
 */
export function paintParticles(
  image: FloatImage,
  rng: Rng,
  scale: number,
  where: PointSampler,
  palette: readonly Color[] = PARTICLES,
): void {
  const [x, y] = where(rng);
  const count = 1 + Math.floor(rng() * rng() * 5);
  const pick = Math.floor(rng() * palette.length);
  const metallic = pick === 0;
  const base: Color = palette[pick]!;
  const strength = uniform(rng, 0.55, 1);
  for (let k = 0; k < count; k++) {
    const r = logUniform(rng, 1.5, 10) * Math.max(scale, 0.4);
    const px = x + (k === 0 ? 0 : uniform(rng, -12, 12) * scale);
    const py = y + (k === 0 ? 0 : uniform(rng, -12, 12) * scale);
    const alpha = blobAlpha(rng, image.height, image.width, {
      cx: px,
      cy: py,
      rx: r,
      ry: r * uniform(rng, 0.5, 1),
      angle: rng() * Math.PI,
      roughness: 0.4,
    });
    blendColor(image, alpha, base, strength);
    if (metallic && r > 2) {
      const hi = blobAlpha(rng, image.height, image.width, { cx: px - r * 0.3, cy: py - r * 0.3, rx: r * 0.35, ry: r * 0.25 });
      blendColor(image, hi, [0.95, 0.95, 0.95], 0.8);
    }
  }
}

/** A loose fibre or thread lying on the surface, with fibrous shading and a faint shadow. */
export function paintFibre(image: FloatImage, rng: Rng, scale: number, where: PointSampler, color: Color): void {
  const { height, width } = image;
  const [x, y] = where(rng);
  const length = logUniform(rng, 30, 190) * scale;
  const thickness = logUniform(rng, 1, 3.5) * Math.max(scale, 0.5);
  const points = randomCurve(rng, x, y, rng() * Math.PI * 2, length, 2, 0.12);
  const shadowPoints = points.map((v) => v + thickness * 0.7);
  const shadow = strokeAlpha(height, width, shadowPoints, thickness * 1.3, 1.5);
  multiplyByAlpha(image, shadow, [0.78, 0.78, 0.78]);
  const alpha = strokeAlpha(height, width, points, thickness, 0.8);
  const fibres = fractalNoise(rng, height, width, { cell: 3 * Math.max(scale, 0.5), octaves: 2 });
  for (let i = 0; i < alpha.length; i++) alpha[i]! *= 0.75 + 0.25 * fibres[i]!;
  blendColor(image, alpha, color, uniform(rng, 0.6, 1));
}

/** Where a painter put its defect: centre and mean radius in pixels. */
export interface DefectPlace {
  readonly cx: number;
  readonly cy: number;
  readonly r: number;
}

/** A hole: a ragged opening showing a dark interior, with a darker rim. Returns where it is. */
export function paintHole(image: FloatImage, rng: Rng, scale: number, where: PointSampler, interior: Color): DefectPlace {
  const [cx, cy] = where(rng);
  const r = logUniform(rng, 2, 20) * Math.max(scale, 0.4);
  const alpha = blobAlpha(rng, image.height, image.width, {
    cx,
    cy,
    rx: r,
    ry: r * uniform(rng, 0.6, 1),
    angle: rng() * Math.PI,
    roughness: 0.3,
  });
  const rim = blurField(alpha.slice(), image.height, image.width, Math.max(1, r * 0.25), 2);
  multiplyByAlpha(image, rim, [0.6, 0.6, 0.6]);
  // The interior is not flat: the backing or the cavity wall shows as faint structure.
  const grain = fractalNoise(rng, image.height, image.width, { cell: 2.5 * Math.max(scale, 0.5), octaves: 2 });
  const { data, channels } = image;
  for (let i = 0; i < alpha.length; i++) {
    const a = alpha[i]! * 0.92;
    if (a <= 0) continue;
    const f = 1 + 0.5 * grain[i]!;
    for (let c = 0; c < channels; c++) {
      const k = i * channels + c;
      data[k] = data[k]! + a * (interior[c]! * f - data[k]!);
    }
  }
  return { cx, cy, r };
}
