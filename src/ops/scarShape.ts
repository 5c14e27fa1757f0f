import { uniform, type Rng } from '../math/random';
import { checkNumber, checkRange, type Range } from './validate';

/** The size and rotation distribution of the scar (a thin rotated rectangle). */
export interface ScarShape {
  /** Scar width (the thin side) in pixels at 256 px, uniform in [min, max]. Default [2, 16]. */
  readonly width: Range;
  /** Scar height (the long side) in pixels at 256 px, uniform in [min, max]. Default [10, 25]. */
  readonly height: Range;
  /** Rotation in degrees, uniform in [min, max], counter-clockwise as displayed. Default [−45, 45]. */
  readonly angle: Range;
  /**
   * Multiplies `width` and `height` (then rounded, at least 1 px). Default (undefined):
   * min(image height, image width) / 256, so a scar covers the same part of the image at any size.
   */
  readonly scale: number | undefined;
}

/** The paper's scar (appendix A.2): 2–16 px wide, 10–25 px long at 256 px, rotated by −45° to 45°. */
export const DEFAULT_SCAR: ScarShape = Object.freeze({
  width: Object.freeze([2, 16] as const),
  height: Object.freeze([10, 25] as const),
  angle: Object.freeze([-45, 45] as const),
  scale: undefined,
});

/** Validates the scar options of an options object and fills the defaults. */
export function resolveScar(op: string, options: { width?: unknown; height?: unknown; angle?: unknown; scale?: unknown }): ScarShape {
  const size = { min: 0, max: Infinity, minInclusive: false, maxInclusive: false };
  return Object.freeze({
    width: options.width === undefined ? DEFAULT_SCAR.width : checkRange(op, 'width', options.width, size),
    height: options.height === undefined ? DEFAULT_SCAR.height : checkRange(op, 'height', options.height, size),
    angle: options.angle === undefined ? DEFAULT_SCAR.angle : checkRange(op, 'angle', options.angle, { min: -180, max: 180 }),
    scale: options.scale === undefined ? undefined : checkNumber(op, 'options.scale', options.scale, size),
  });
}

const scaled = (v: number, scale: number): number => Math.max(1, Math.round(v * scale));

/** The bounding box [rows, cols] of a width × height rectangle rotated by `degrees`. */
export function scarBox(width: number, height: number, degrees: number): [number, number] {
  const t = (degrees * Math.PI) / 180;
  const c = Math.abs(Math.cos(t));
  const s = Math.abs(Math.sin(t));
  // The 1e-9 keeps exact multiples of 90° from gaining an empty row or column to rounding.
  return [Math.ceil(width * s + height * c - 1e-9), Math.ceil(width * c + height * s - 1e-9)];
}

/**
 * The scale for an image, and a check that the largest scar the options allow (at the worst angle
 * in range) fits in the image, so that sampling never fails. Throws a RangeError otherwise, unless
 * `shrinkToFit` (then each draw is fitted by {@link fitScar} instead).
 */
export function scarScale(op: string, shape: ScarShape, imageHeight: number, imageWidth: number, shrinkToFit = false): number {
  const scale = shape.scale ?? Math.min(imageHeight, imageWidth) / 256;
  if (shrinkToFit) return scale;
  const w = scaled(shape.width[1], scale);
  const h = scaled(shape.height[1], scale);
  const [a0, a1] = shape.angle;
  const deg = 180 / Math.PI;
  const critical = [Math.atan2(h, w), Math.atan2(w, h)].flatMap((r) => [r, -r, 180 / deg - r, r - 180 / deg]);
  const angles = [a0, a1, 0, 90, -90, ...critical.map((r) => r * deg)].filter((a) => a >= a0 && a <= a1);
  let rows = 0;
  let cols = 0;
  for (const a of angles) {
    const [r, c] = scarBox(w, h, a);
    rows = Math.max(rows, r);
    cols = Math.max(cols, c);
  }
  if (rows > imageHeight || cols > imageWidth || h > imageHeight || w > imageWidth) {
    throw new RangeError(
      `${op}: a scar of up to ${w} × ${h} px (width × height after scale ${scale}) rotated within ` +
        `[${a0}°, ${a1}°] needs up to ${rows} × ${cols} px; the images are ${imageHeight} × ${imageWidth}. ` +
        'Lower options.width, options.height or options.scale.',
    );
  }
  return scale;
}

/** One drawn scar: its size before rotation (px), angle (degrees) and the rotated bounding box. */
export interface ScarDraw {
  width: number;
  height: number;
  angle: number;
  box: { height: number; width: number };
}

/**
 * Draws a scar: 3 draws (width, height, angle). Sizes are scaled, rounded and at least 1 px.
 * Call {@link scarScale} first: it guarantees the box fits.
 */
export function sampleScar(rng: Rng, shape: ScarShape, scale: number): ScarDraw {
  const width = scaled(uniform(rng, shape.width[0], shape.width[1]), scale);
  const height = scaled(uniform(rng, shape.height[0], shape.height[1]), scale);
  const angle = uniform(rng, shape.angle[0], shape.angle[1]);
  const [rows, cols] = scarBox(width, height, angle);
  return { width, height, angle, box: { height: rows, width: cols } };
}

/**
 * `draw` shortened until its rotated bounding box fits an `imageHeight × imageWidth` image (and its
 * upright rectangle too, which is where the content is cut): the long side (`height`) first, one
 * pixel at a time, then the width; a 1 × 1 scar that still does not fit is drawn upright. A draw that
 * fits is returned unchanged. This keeps the scar's pixel scale on crops smaller than the scar: a
 * 25 px scar in a 16 px crop becomes the longest scar of its width and angle that the crop holds.
 */
export function fitScar(draw: ScarDraw, imageHeight: number, imageWidth: number): ScarDraw {
  const fits = (w: number, h: number, [rows, cols]: [number, number]) =>
    rows <= imageHeight && cols <= imageWidth && h <= imageHeight && w <= imageWidth;
  let { width, height, angle } = draw;
  if (fits(width, height, [draw.box.height, draw.box.width])) return draw;
  while (height > 1 && !fits(width, height, scarBox(width, height, angle))) height--;
  while (width > 1 && !fits(width, height, scarBox(width, height, angle))) width--;
  if (!fits(width, height, scarBox(width, height, angle))) angle = 0;
  const [rows, cols] = scarBox(width, height, angle);
  return { width, height, angle, box: { height: rows, width: cols } };
}

/**
 * Rasterises a drawn scar: the pixels of its bounding box whose centre falls inside the rotated
 * rectangle (`target`, as `row * boxWidth + col`), and for each the pixel of the upright
 * width × height rectangle it shows (`source`, as `row * width + col`; nearest neighbour). At angle 0
 * this is the identity copy of the rectangle.
 */
export function rasterizeScar(scar: ScarDraw): { target: Int32Array; source: Int32Array } {
  const { width: w, height: h, box } = scar;
  const t = (scar.angle * Math.PI) / 180;
  const cos = Math.cos(t);
  const sin = Math.sin(t);
  const target: number[] = [];
  const source: number[] = [];
  for (let row = 0; row < box.height; row++) {
    const y = row + 0.5 - box.height / 2;
    for (let col = 0; col < box.width; col++) {
      const x = col + 0.5 - box.width / 2;
      // Inverse rotation (y points down, so counter-clockwise on screen is x' = x cos + y sin).
      const u = x * cos - y * sin;
      const v = x * sin + y * cos;
      if (Math.abs(u) >= w / 2 || Math.abs(v) >= h / 2) continue;
      const su = Math.min(w - 1, Math.max(0, Math.floor(u + w / 2)));
      const sv = Math.min(h - 1, Math.max(0, Math.floor(v + h / 2)));
      target.push(row * box.width + col);
      source.push(sv * w + su);
    }
  }
  if (target.length === 0) {
    // A 1 × 1 scar at 45° covers no pixel centre: keep the centre pixel so that something changes.
    target.push(Math.floor(box.height / 2) * box.width + Math.floor(box.width / 2));
    source.push(Math.floor(h / 2) * w + Math.floor(w / 2));
  }
  return { target: Int32Array.from(target), source: Int32Array.from(source) };
}
