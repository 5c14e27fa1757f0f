import { logUniform, uniform, type Rng } from '../../math/random';
import { checkKeys, checkRange, resolveRng, type Range } from '../validate';
import { checkPixelBatch, type PixelBatch } from './pixelBatch';

/** Options of {@link stainPixels}. */
export interface StainOptions {
  /** Stain area as a fraction of the image area, uniform in [min, max]. Default [0.005, 0.04]. */
  area?: Range;
  /** How far the stain moves a pixel: brightness factor 1 ± s and colour shift up to s, s uniform in [min, max]. Default [0.08, 0.25]. */
  strength?: Range;
  /** Uniform [0, 1) generator. Default: a fresh clock-seeded generator per call (not reproducible). */
  rng?: Rng;
}

const STAIN_KEYS = ['area', 'strength', 'rng'] as const;
/** Fraction of the stain's radius over which it fades into the image. */
const EDGE = 0.35;

/**
 * A stain on every image: a soft, irregular blob (an ellipse whose radius wobbles with the angle)
 * that darkens or brightens the pixels under it and shifts their colour, keeping the texture. This is
 * the kind of defect CutPaste does not make (a discoloured region with no edge inside a patch: liquid,
 * oil, glue, dye), used to validate the detector's choices on more than cut-and-paste defects.
 *
 * @param images a batch with values in [0, 1]; not modified.
 * @returns a new batch, the stained images (values clipped to [0, 1]).
 * @example
 * const stained = stainPixels(batch, { rng: createRng(0) });
 */
export function stainPixels(images: PixelBatch, options: StainOptions = {}): PixelBatch {
  const op = 'stainPixels';
  checkPixelBatch(op, images);
  checkKeys(op, options, STAIN_KEYS);
  const area = checkRange(op, 'area', options.area ?? [0.005, 0.04], { min: 0, max: 1, minInclusive: false });
  const strength = checkRange(op, 'strength', options.strength ?? [0.08, 0.25], { min: 0, max: 1 });
  const rng = resolveRng(op, options.rng);
  const data = Float32Array.from(images.data);
  const { height, width, channels } = images;
  for (let b = 0; b < images.batch; b++) stainImage(data, b * height * width * channels, height, width, channels, area, strength, rng);
  return { ...images, data };
}

function stainImage(
  data: Float32Array,
  offset: number,
  height: number,
  width: number,
  channels: number,
  area: Range,
  strength: Range,
  rng: Rng,
): void {
  const aspect = logUniform(rng, 0.4, 2.5);
  const ry = Math.sqrt((uniform(rng, area[0], area[1]) * height * width) / (Math.PI * aspect));
  const rx = ry * aspect;
  const reach = Math.max(rx, ry) * 1.3;
  const cy = uniform(rng, Math.min(ry, height / 2), Math.max(height - ry, height / 2));
  const cx = uniform(rng, Math.min(rx, width / 2), Math.max(width - rx, width / 2));
  const angle = uniform(rng, 0, Math.PI);
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
  // The outline: radius × (1 + Σ a_k cos(kφ + p_k)), three low harmonics.
  const wobble = [2, 3, 5].map((k) => ({ k, a: uniform(rng, 0, 0.12), p: uniform(rng, 0, 2 * Math.PI) }));
  const s = uniform(rng, strength[0], strength[1]);
  const brightness = 1 + (rng() < 0.5 ? -s : s);
  const shift = Array.from({ length: channels }, () => (channels === 1 ? 0 : uniform(rng, -s, s) / 2));
  const y0 = Math.max(0, Math.floor(cy - reach));
  const y1 = Math.min(height - 1, Math.ceil(cy + reach));
  const x0 = Math.max(0, Math.floor(cx - reach));
  const x1 = Math.min(width - 1, Math.ceil(cx + reach));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const u = ((x - cx) * cos + (y - cy) * sin) / rx;
      const v = (-(x - cx) * sin + (y - cy) * cos) / ry;
      const phi = Math.atan2(v, u);
      let outline = 1;
      for (const { k, a, p } of wobble) outline += a * Math.cos(k * phi + p);
      const alpha = Math.min(1, Math.max(0, (1 - Math.hypot(u, v) / outline) / EDGE));
      if (alpha === 0) continue;
      const o = offset + (y * width + x) * channels;
      for (let c = 0; c < channels; c++) {
        const value = data[o + c]!;
        data[o + c] = Math.min(1, Math.max(0, value + alpha * (value * (brightness - 1) + shift[c]!)));
      }
    }
  }
}
