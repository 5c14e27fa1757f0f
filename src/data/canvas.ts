import type { Rng } from '../math/random';

/**
 * A floating-point working image: row-major `[height, width, channels]` intensities in [0, 1]
 * (values may leave the range while drawing; {@link toUint8} clamps). Pixel (x, y) has its centre at (x, y).
 */
export interface FloatImage {
  readonly data: Float32Array;
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
}

/** A coverage field `[height, width]` in [0, 1]: how much of each pixel a drawn shape covers. */
export type Alpha = Float32Array;

/** A new image of `height × width × channels` zeros. */
export function createFloatImage(height: number, width: number, channels: 1 | 3): FloatImage {
  return { data: new Float32Array(height * width * channels), height, width, channels };
}

/** A deep copy of `image`. */
export function cloneFloatImage(image: FloatImage): FloatImage {
  return { ...image, data: image.data.slice() };
}

/** Linear blend toward `color` with weight `alpha[i] × strength`: `v ← v + a (color − v)`. */
export function blendColor(image: FloatImage, alpha: Alpha, color: readonly number[], strength = 1): void {
  const { data, channels } = image;
  const n = image.height * image.width;
  for (let i = 0; i < n; i++) {
    const a = alpha[i]! * strength;
    if (a <= 0) continue;
    for (let c = 0; c < channels; c++) {
      const k = i * channels + c;
      data[k] = data[k]! + a * (color[c]! - data[k]!);
    }
  }
}

/** Blend toward another image: `v ← v + alpha[i] × strength × (other − v)` (same shape). */
export function blendImage(image: FloatImage, alpha: Alpha, other: FloatImage, strength = 1): void {
  const { data, channels } = image;
  const src = other.data;
  const n = image.height * image.width;
  for (let i = 0; i < n; i++) {
    const a = alpha[i]! * strength;
    if (a <= 0) continue;
    for (let c = 0; c < channels; c++) {
      const k = i * channels + c;
      data[k] = data[k]! + a * (src[k]! - data[k]!);
    }
  }
}

/** Multiplies channel `c` by `1 + alpha[i] × (gain[c] − 1)`: a tint or darkening that keeps the texture. */
export function multiplyByAlpha(image: FloatImage, alpha: Alpha, gain: readonly number[]): void {
  const { data, channels } = image;
  const n = image.height * image.width;
  for (let i = 0; i < n; i++) {
    const a = alpha[i]!;
    if (a <= 0) continue;
    for (let c = 0; c < channels; c++) data[i * channels + c]! *= 1 + a * (gain[c]! - 1);
  }
}

/**
 * Coverage of a polyline `points = [x0, y0, x1, y1, …]` drawn `widths` pixels wide (one width, or one
 * per vertex for tapering strokes), anti-aliased over `softness` pixels; max-composited into `out`.
 *
 * @example
 * const a = strokeAlpha(64, 80, [4, 4, 60, 40], 2); // a 2 px line
 */
export function strokeAlpha(
  height: number,
  width: number,
  points: readonly number[],
  widths: number | readonly number[],
  softness = 1,
  out: Alpha = new Float32Array(height * width),
): Alpha {
  const count = points.length / 2;
  const w = (i: number): number => (typeof widths === 'number' ? widths : widths[i]!) / 2;
  for (let s = 0; s + 1 < count; s++) {
    const ax = points[2 * s]!;
    const ay = points[2 * s + 1]!;
    const bx = points[2 * s + 2]!;
    const by = points[2 * s + 3]!;
    const ha = w(s);
    const hb = w(s + 1);
    const pad = Math.max(ha, hb) + softness + 1;
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - pad));
    const x1 = Math.min(width - 1, Math.ceil(Math.max(ax, bx) + pad));
    const y0 = Math.max(0, Math.floor(Math.min(ay, by) - pad));
    const y1 = Math.min(height - 1, Math.ceil(Math.max(ay, by) + pad));
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy || 1e-9;
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        let t = ((x - ax) * dx + (y - ay) * dy) / len2;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const ex = x - ax - t * dx;
        const ey = y - ay - t * dy;
        const d = Math.sqrt(ex * ex + ey * ey);
        const hw = ha + t * (hb - ha);
        let a = (hw - d) / softness + 0.5;
        if (a <= 0) continue;
        if (a > 1) a = 1;
        const k = y * width + x;
        if (a > out[k]!) out[k] = a;
      }
    }
  }
  return out;
}

/** Shape of {@link blobAlpha}: an ellipse whose radius wobbles with angle. */
export interface BlobShape {
  /** Centre in pixels. */
  readonly cx: number;
  readonly cy: number;
  /** Radii in pixels along the blob's own axes. */
  readonly rx: number;
  readonly ry: number;
  /** Rotation in radians. Default 0. */
  readonly angle?: number;
  /** Relative amplitude of the radius wobble, 0 (ellipse) to ~0.5 (ragged). Default 0.2. */
  readonly roughness?: number;
  /** Width of the soft edge in pixels. Default 1. */
  readonly softness?: number;
}

/**
 * Coverage of an irregular blob (an ellipse with a random angular wobble from `rng`), max-composited
 * into `out`. Used for stains, holes, particles and missing pieces.
 *
 * @example
 * const a = blobAlpha(createRng(1), 64, 64, { cx: 32, cy: 30, rx: 8, ry: 5, roughness: 0.3 });
 */
export function blobAlpha(rng: Rng, height: number, width: number, shape: BlobShape, out: Alpha = new Float32Array(height * width)): Alpha {
  const { cx, cy, rx, ry } = shape;
  const angle = shape.angle ?? 0;
  const roughness = shape.roughness ?? 0.2;
  const softness = shape.softness ?? 1;
  const harmonics = 5;
  const amp = new Float32Array(harmonics);
  const phase = new Float32Array(harmonics);
  for (let k = 0; k < harmonics; k++) {
    amp[k] = (roughness * (rng() * 2 - 1)) / (k + 1);
    phase[k] = rng() * Math.PI * 2;
  }
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const rMax = Math.max(rx, ry) * (1 + 2 * roughness) + softness + 1;
  const rMean = Math.sqrt(rx * ry);
  const x0 = Math.max(0, Math.floor(cx - rMax));
  const x1 = Math.min(width - 1, Math.ceil(cx + rMax));
  const y0 = Math.max(0, Math.floor(cy - rMax));
  const y1 = Math.min(height - 1, Math.ceil(cy + rMax));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const px = x - cx;
      const py = y - cy;
      const ex = (px * c + py * s) / rx;
      const ey = (-px * s + py * c) / ry;
      const rho = Math.sqrt(ex * ex + ey * ey);
      const theta = Math.atan2(ey, ex);
      let edge = 1;
      for (let k = 0; k < harmonics; k++) edge += amp[k]! * Math.cos((k + 2) * theta + phase[k]!);
      let a = ((edge - rho) * rMean) / softness + 0.5;
      if (a <= 0) continue;
      if (a > 1) a = 1;
      const i = y * width + x;
      if (a > out[i]!) out[i] = a;
    }
  }
  return out;
}

/** Separable box blur of a `[height, width]` field with radius `r` (pixels), applied `passes` times (≈ Gaussian). */
export function blurField(field: Float32Array, height: number, width: number, r: number, passes = 2): Float32Array {
  if (r < 1) return field;
  const radius = Math.round(r);
  const tmp = new Float32Array(field.length);
  const norm = 1 / (2 * radius + 1);
  for (let p = 0; p < passes; p++) {
    for (let y = 0; y < height; y++) {
      const row = y * width;
      let acc = 0;
      for (let x = -radius; x <= radius; x++) acc += field[row + clampIndex(x, width)]!;
      for (let x = 0; x < width; x++) {
        tmp[row + x] = acc * norm;
        acc += field[row + clampIndex(x + radius + 1, width)]! - field[row + clampIndex(x - radius, width)]!;
      }
    }
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let y = -radius; y <= radius; y++) acc += tmp[clampIndex(y, height) * width + x]!;
      for (let y = 0; y < height; y++) {
        field[y * width + x] = acc * norm;
        acc += tmp[clampIndex(y + radius + 1, height) * width + x]! - tmp[clampIndex(y - radius, height) * width + x]!;
      }
    }
  }
  return field;
}

/** Blurs every channel of `image` in place ({@link blurField} per channel). Returns `image`. */
export function blurImage(image: FloatImage, r: number, passes = 2): FloatImage {
  const { data, height, width, channels } = image;
  const n = height * width;
  const plane = new Float32Array(n);
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < n; i++) plane[i] = data[i * channels + c]!;
    blurField(plane, height, width, r, passes);
    for (let i = 0; i < n; i++) data[i * channels + c] = plane[i]!;
  }
  return image;
}

function clampIndex(i: number, n: number): number {
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}

/** Quantises a float image to `Uint8Array` (×255, rounded, clamped to [0, 255]). */
export function toUint8(image: FloatImage): Uint8Array {
  const src = image.data;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i]! * 255 + 0.5;
    out[i] = v <= 0 ? 0 : v >= 255 ? 255 : v;
  }
  return out;
}
