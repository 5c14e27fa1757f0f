import { logUniform, randomInt, uniform, type Rng } from '../math/random';
import { checkRange, type Range } from './validate';

/** The size distribution of CutPaste's and Cutout's rectangles. */
export interface RectangleShape {
  /** Patch area as a fraction of the image area, uniform in [min, max]. 0 < min ≤ max ≤ 1. */
  readonly area: Range;
  /** Aspect ratio width / height, log-uniform in [min, max] (the log is uniform). 0 < min ≤ max. */
  readonly aspect: Range;
}

/**
 * The paper's rectangles (appendix A.2): area 2–15 % of the image, aspect ratio 0.3–3.3 with a
 * uniform log. The paper writes (0.3, 1) ∪ (1, 3.3); excluding exactly 1 has probability 0, so
 * nothing is excluded here.
 */
export const DEFAULT_RECTANGLE: RectangleShape = Object.freeze({
  area: Object.freeze([0.02, 0.15] as const),
  aspect: Object.freeze([0.3, 3.3] as const),
});

/** Validates `area` and `aspect` of an options object and fills the defaults. */
export function resolveRectangle(op: string, options: { area?: unknown; aspect?: unknown }): RectangleShape {
  return Object.freeze({
    area:
      options.area === undefined ? DEFAULT_RECTANGLE.area : checkRange(op, 'area', options.area, { min: 0, max: 1, minInclusive: false }),
    aspect:
      options.aspect === undefined
        ? DEFAULT_RECTANGLE.aspect
        : checkRange(op, 'aspect', options.aspect, { min: 0, max: Infinity, minInclusive: false, maxInclusive: false }),
  });
}

/** The smallest side (px) of a drawn rectangle, where the image allows it. */
const MIN_SIDE = 2;

/**
 * Draws a rectangle's size in pixels: 2 draws (area fraction, then aspect). width = round(√(A·r)),
 * height = round(√(A/r)) with A the area in pixels and r the aspect, each clamped to
 * [min(2, image side), image side] (so on very elongated images the drawn area can shrink, and on
 * small images or crops, below ≈ 20 px, a patch is never a 1 px line or speck).
 */
export function sampleRectangle(
  rng: Rng,
  shape: RectangleShape,
  imageHeight: number,
  imageWidth: number,
): { height: number; width: number } {
  const area = uniform(rng, shape.area[0], shape.area[1]) * imageHeight * imageWidth;
  const aspect = logUniform(rng, shape.aspect[0], shape.aspect[1]);
  return {
    height: Math.min(imageHeight, Math.max(MIN_SIDE, Math.round(Math.sqrt(area / aspect)))),
    width: Math.min(imageWidth, Math.max(MIN_SIDE, Math.round(Math.sqrt(area * aspect)))),
  };
}

/**
 * Top (or left) of a `size` px box in a side of `full` px, its centre uniform in the middle `centre`
 * fraction of the side, clamped so that the box stays inside: one draw from `rng`. `centre` 1 gives
 * `randomInt(rng, 0, full - size)`, every position that keeps the box inside.
 */
export function placeInCentre(rng: Rng, full: number, size: number, centre: number): number {
  const low = Math.max(0, Math.round((full * (1 - centre) - size) / 2));
  const high = Math.min(full - size, Math.round((full * (1 + centre) - size) / 2));
  return randomInt(rng, low, high);
}
