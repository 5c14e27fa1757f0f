import type { Rng } from '../math/random';

/** Settings of {@link fractalNoise}. Lengths are in pixels. */
export interface NoiseOptions {
  /** Size of one lattice cell of the first (coarsest) octave, in pixels. Must be > 0. */
  readonly cell: number;
  /** Number of octaves; each halves the cell (lacunarity 2). Default 1. */
  readonly octaves?: number;
  /** Amplitude factor from one octave to the next. Default 0.5. */
  readonly persistence?: number;
  /** Orientation of the lattice in radians (used with `stretch`). Default 0. */
  readonly angle?: number;
  /** Cell length along `angle` divided by the cell length across it (> 1: streaks along `angle`). Default 1. */
  readonly stretch?: number;
}

/**
 * Fractal gradient (Perlin-style) noise on a `height × width` grid, row-major, roughly in [-1, 1] with a
 * standard deviation near 0.3. Each octave draws its own random gradient lattice from `rng`, so the
 * same rng state gives the same field. Cost: one lattice lookup of 4 corners per pixel and octave.
 *
 * @example
 * const field = fractalNoise(createRng(1), 64, 96, { cell: 16, octaves: 3 }); // Float32Array(64 * 96)
 */
export function fractalNoise(rng: Rng, height: number, width: number, options: NoiseOptions): Float32Array {
  const out = new Float32Array(height * width);
  const octaves = options.octaves ?? 1;
  const persistence = options.persistence ?? 0.5;
  const angle = options.angle ?? 0;
  const stretch = options.stretch ?? 1;
  let amplitude = 1;
  let total = 0;
  let cell = options.cell;
  for (let o = 0; o < octaves; o++) {
    addGradientOctave(rng, out, height, width, cell * stretch, cell, angle, amplitude);
    total += amplitude;
    amplitude *= persistence;
    cell /= 2;
  }
  const norm = 1.4 / total;
  for (let i = 0; i < out.length; i++) out[i]! *= norm;
  return out;
}

/**
 * Adds `amplitude ×` one octave of 2-D gradient noise with cells `cellU × cellV` rotated by `angle`.
 * Smooth octaves (both cell sides ≥ 12 px) are evaluated on a grid `cell / 6` px apart and bilinearly
 * interpolated: indistinguishable at that smoothness and several times cheaper.
 */
function addGradientOctave(
  rng: Rng,
  out: Float32Array,
  height: number,
  width: number,
  cellU: number,
  cellV: number,
  angle: number,
  amplitude: number,
): void {
  const step = Math.floor(Math.min(cellU, cellV) / 6);
  if (step < 2) {
    addOctaveExact(rng, out, height, width, cellU, cellV, angle, amplitude);
    return;
  }
  const ch = Math.ceil((height - 1) / step) + 1;
  const cw = Math.ceil((width - 1) / step) + 1;
  const coarse = new Float32Array(ch * cw);
  addOctaveExact(rng, coarse, ch, cw, cellU / step, cellV / step, angle, amplitude);
  const inv = 1 / step;
  for (let y = 0; y < height; y++) {
    const gy = y * inv;
    const y0 = gy | 0;
    const y1 = y0 + 1 < ch ? y0 + 1 : y0;
    const fy = gy - y0;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const gx = x * inv;
      const x0 = gx | 0;
      const x1 = x0 + 1 < cw ? x0 + 1 : x0;
      const fx = gx - x0;
      const a = coarse[y0 * cw + x0]! + fx * (coarse[y0 * cw + x1]! - coarse[y0 * cw + x0]!);
      const b = coarse[y1 * cw + x0]! + fx * (coarse[y1 * cw + x1]! - coarse[y1 * cw + x0]!);
      out[row + x]! += a + fy * (b - a);
    }
  }
}

/** {@link addGradientOctave} evaluated at every pixel. */
function addOctaveExact(
  rng: Rng,
  out: Float32Array,
  height: number,
  width: number,
  cellU: number,
  cellV: number,
  angle: number,
  amplitude: number,
): void {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  // Lattice coordinates: u along the angle, v across it. Bound them over the image corners.
  let uMin = Infinity;
  let vMin = Infinity;
  let uMax = -Infinity;
  let vMax = -Infinity;
  for (const [x, y] of [
    [0, 0],
    [width, 0],
    [0, height],
    [width, height],
  ] as const) {
    const u = (x * c + y * s) / cellU;
    const v = (-x * s + y * c) / cellV;
    uMin = Math.min(uMin, u);
    uMax = Math.max(uMax, u);
    vMin = Math.min(vMin, v);
    vMax = Math.max(vMax, v);
  }
  const u0 = Math.floor(uMin) - 1;
  const v0 = Math.floor(vMin) - 1;
  const nu = Math.floor(uMax) - u0 + 3;
  const nv = Math.floor(vMax) - v0 + 3;
  const gx = new Float32Array(nu * nv);
  const gy = new Float32Array(nu * nv);
  // Gradient directions: 256 evenly spaced angles picked by a fast generator seeded from rng.
  let state = Math.floor(rng() * 4294967296) | 0;
  for (let i = 0; i < nu * nv; i++) {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    const a = (((t ^ (t >>> 14)) >>> 0) & 255) * (Math.PI / 128);
    gx[i] = Math.cos(a);
    gy[i] = Math.sin(a);
  }
  const du = c / cellU;
  const dv = -s / cellV;
  for (let y = 0; y < height; y++) {
    let u = (y * s) / cellU - u0;
    let v = (y * c) / cellV - v0;
    const row = y * width;
    for (let x = 0; x < width; x++, u += du, v += dv) {
      const iu = u | 0; // u, v ≥ 1 here (the lattice origin is below the image)
      const iv = v | 0;
      const fu = u - iu;
      const fv = v - iv;
      const k = iv * nu + iu;
      const n00 = gx[k]! * fu + gy[k]! * fv;
      const n10 = gx[k + 1]! * (fu - 1) + gy[k + 1]! * fv;
      const n01 = gx[k + nu]! * fu + gy[k + nu]! * (fv - 1);
      const n11 = gx[k + nu + 1]! * (fu - 1) + gy[k + nu + 1]! * (fv - 1);
      const su = fu * fu * fu * (fu * (fu * 6 - 15) + 10);
      const sv = fv * fv * fv * (fv * (fv * 6 - 15) + 10);
      const a = n00 + su * (n10 - n00);
      const b = n01 + su * (n11 - n01);
      out[row + x]! += amplitude * (a + sv * (b - a));
    }
  }
}

/** Distances of {@link cellularNoise}, in pixels, row-major `height × width`. */
export interface CellularField {
  /** Distance to the nearest feature point. */
  readonly f1: Float32Array;
  /** Distance to the second-nearest feature point. */
  readonly f2: Float32Array;
  /** A random value in [0, 1) per cell (the nearest point's cell): per-cell colour or height. */
  readonly id: Float32Array;
}

/**
 * Worley (cellular) noise: one jittered feature point per `cell × cell` square; for every pixel the
 * distances to the nearest two points. `F2 − F1` is small on cell borders (creases, cracks, pebbles).
 *
 * @example
 * const { f1, f2 } = cellularNoise(createRng(3), 32, 48, 8);
 */
export function cellularNoise(rng: Rng, height: number, width: number, cell: number, jitter = 0.9): CellularField {
  const nx = Math.ceil(width / cell) + 2;
  const ny = Math.ceil(height / cell) + 2;
  const px = new Float32Array(nx * ny);
  const py = new Float32Array(nx * ny);
  const pid = new Float32Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i;
      px[k] = (i - 1 + 0.5 + (rng() - 0.5) * jitter) * cell;
      py[k] = (j - 1 + 0.5 + (rng() - 0.5) * jitter) * cell;
      pid[k] = rng();
    }
  }
  const f1 = new Float32Array(height * width);
  const f2 = new Float32Array(height * width);
  const id = new Float32Array(height * width);
  for (let y = 0; y < height; y++) {
    const cj = Math.floor(y / cell) + 1;
    for (let x = 0; x < width; x++) {
      const ci = Math.floor(x / cell) + 1;
      let d1 = Infinity;
      let d2 = Infinity;
      let best = 0;
      for (let j = cj - 1; j <= cj + 1; j++) {
        for (let i = ci - 1; i <= ci + 1; i++) {
          const k = j * nx + i;
          const ddx = px[k]! - x;
          const ddy = py[k]! - y;
          const d = ddx * ddx + ddy * ddy;
          if (d < d1) {
            d2 = d1;
            d1 = d;
            best = k;
          } else if (d < d2) {
            d2 = d;
          }
        }
      }
      const o = y * width + x;
      f1[o] = Math.sqrt(d1);
      f2[o] = Math.sqrt(d2);
      id[o] = pid[best]!;
    }
  }
  return { f1, f2, id };
}

/** A standard normal draw (Box–Muller) from `rng`. */
export function gaussian(rng: Rng): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * Fills `out` with N(0, sigma²) draws. Millions of draws per image are needed, so `rng` only seeds a
 * fast 32-bit generator (mulberry32) whose output indexes a 4096-entry table of normal quantiles
 * (tails cut at ±3.4 σ): deterministic for the rng state and ~10× faster than Box–Muller on `rng`.
 */
export function fillGaussian(rng: Rng, out: Float32Array, sigma: number): Float32Array {
  const table = normalTable();
  let state = Math.floor(rng() * 4294967296) | 0;
  for (let i = 0; i < out.length; i++) {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out[i] = sigma * table[((t ^ (t >>> 14)) >>> 0) & 4095]!;
  }
  return out;
}

let quantiles: Float32Array | undefined;

/** Standard normal quantiles at (k + 0.5) / 4096 (Acklam's rational approximation, |error| < 1.2e-9). */
function normalTable(): Float32Array {
  if (quantiles) return quantiles;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const table = new Float32Array(4096);
  for (let k = 0; k < 4096; k++) {
    const p = (k + 0.5) / 4096;
    const q = Math.min(p, 1 - p);
    let x: number;
    if (q < 0.02425) {
      const r = Math.sqrt(-2 * Math.log(q));
      x =
        (((((c[0]! * r + c[1]!) * r + c[2]!) * r + c[3]!) * r + c[4]!) * r + c[5]!) /
        ((((d[0]! * r + d[1]!) * r + d[2]!) * r + d[3]!) * r + 1);
    } else {
      const u = q - 0.5;
      const r = u * u;
      x =
        ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * u) /
        (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
    }
    table[k] = p < 0.5 ? x : -x;
  }
  quantiles = table;
  return table;
}

/**
 * A deterministic hash of two integers and a salt to [0, 1): per-cell randomness (a stitch's brightness,
 * a tile's colour) without storing a table. The salt comes from the sample's rng.
 */
export function hash2(i: number, j: number, salt: number): number {
  let h = Math.imul(i | 0, 0x27d4eb2d) ^ Math.imul(j | 0, 0x165667b1) ^ (salt | 0);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
