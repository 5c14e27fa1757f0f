import type { Rng } from '../math/random';
import { logUniform, uniform } from '../math/random';
import { type FloatImage, blobAlpha, blurField, createFloatImage, strokeAlpha } from './canvas';
import { type Color, type PointSampler, anywhere } from './defects';
import type { KindDefinition, KindRenderer } from './kind';
import { cellularNoise, fractalNoise } from './noise';
import { randomCurve } from './paths';

const HIDES: readonly Color[] = [
  [0.55, 0.3, 0.2],
  [0.45, 0.33, 0.25],
  [0.3, 0.3, 0.32],
  [0.62, 0.46, 0.3],
];

/**
 * `leather`: a pebbled hide. A height map of rounded grains (cellular noise: domes separated by creases)
 * plus fine wrinkles, lit from the upper left; the dye varies slowly. Normal variation: grain layout,
 * ±5 % grain size, dye mottling, light direction, lighting.
 * Defects: `color` (dye spot), `cut` (thin incision), `fold` (a creased ridge that re-shades the surface),
 * `glue` (glossy smooth patch), `poke` (small puncture).
 */
export const leather: KindDefinition = {
  name: 'leather',
  channels: 3,
  category: 'texture',
  defectTypes: ['color', 'cut', 'fold', 'glue', 'poke'],
  sensorNoise: 0.008,
  lightingJitter: 0.06,
  create(rng: Rng, height: number, width: number): KindRenderer {
    const scale = Math.min(height, width) / 256;
    const hide = HIDES[Math.floor(rng() * HIDES.length)]!.map((v) => v * uniform(rng, 0.93, 1.07));
    const grain = uniform(rng, 7, 10) * Math.max(scale, 0.5);
    const relief = uniform(rng, 2.2, 3.2);
    const where = anywhere(height, width, 4 * scale);
    return {
      render(r: Rng) {
        const cell = grain * uniform(r, 0.95, 1.05);
        const light = uniform(r, 2.1, 2.5);
        const { f1, f2 } = cellularNoise(r, height, width, cell, 0.95);
        const wrinkles = fractalNoise(r, height, width, { cell: 14 * scale, octaves: 3, angle: r() * Math.PI, stretch: 3 });
        const fine = fractalNoise(r, height, width, { cell: 2 * Math.max(scale, 0.5), octaves: 1 });
        const dye = fractalNoise(r, height, width, { cell: 70 * scale, octaves: 3 });
        const heightMap = new Float32Array(height * width);
        for (let i = 0; i < heightMap.length; i++) {
          const edge = (f2[i]! - f1[i]!) / cell;
          const e = edge > 0.5 ? 1 : edge / 0.5;
          const crease = e * e * (3 - 2 * e);
          const dome = 1 - (f1[i]! / cell) * 0.6;
          // Wrinkles deepen the creases in bands; fine noise roughens the grain tops.
          const w = Math.abs(wrinkles[i]!);
          heightMap[i] = crease * dome * (0.75 + 0.5 * Math.min(1, w * 2)) + 0.08 * fine[i]!;
        }
        blurField(heightMap, height, width, Math.max(1, scale), 1);
        const albedo = new Float32Array(height * width * 3);
        for (let i = 0; i < height * width; i++) {
          const m = 1 + 0.1 * dye[i]!;
          albedo[i * 3] = hide[0]! * m;
          albedo[i * 3 + 1] = hide[1]! * m;
          albedo[i * 3 + 2] = hide[2]! * m;
        }
        const gloss = new Float32Array(height * width);
        const image = shade(height, width, heightMap, albedo, gloss, relief, light);
        return {
          image,
          defect(type: string, d: Rng, severity: number) {
            const ds = scale * severity;
            const h = heightMap.slice();
            const a = albedo.slice();
            const g = gloss.slice();
            editLeather(type, d, height, width, ds, where, h, a, g);
            return shade(height, width, h, a, g, relief, light);
          },
        };
      },
    };
  },
};

/** Applies one defect to the height map, albedo and gloss of a leather sample. */
function editLeather(
  type: string,
  d: Rng,
  height: number,
  width: number,
  scale: number,
  where: PointSampler,
  h: Float32Array,
  albedo: Float32Array,
  gloss: Float32Array,
): void {
  const [x, y] = where(d);
  const n = height * width;
  if (type === 'color') {
    const r = logUniform(d, 5, 45) * scale;
    const alpha = blobAlpha(d, height, width, {
      cx: x,
      cy: y,
      rx: r,
      ry: r * uniform(d, 0.5, 1),
      angle: d() * 3,
      roughness: 0.3,
      softness: 1 + r * 0.2,
    });
    blurField(alpha, height, width, Math.max(1, r * 0.15));
    const c = logUniform(d, 0.15, 0.6) * (d() < 0.5 ? -1 : 1);
    const tint = d() < 0.5 ? [1 + c, 1 + c * 0.9, 1 + c * 0.8] : [1 + c * 0.3, 1 + c, 1 + c * 1.2];
    for (let i = 0; i < n; i++) for (let ch = 0; ch < 3; ch++) albedo[i * 3 + ch]! *= 1 + alpha[i]! * (tint[ch]! - 1);
  } else if (type === 'cut') {
    const points = randomCurve(d, x, y, d() * Math.PI * 2, logUniform(d, 15, 100) * scale, 2, 0.05);
    const w = logUniform(d, 0.8, 2.5) * Math.max(scale, 0.5);
    const groove = strokeAlpha(height, width, points, w, 1);
    const lips = blurField(strokeAlpha(height, width, points, w + 3, 1.5), height, width, 1);
    const depth = uniform(d, 0.6, 1.4);
    for (let i = 0; i < n; i++) {
      h[i] = h[i]! + 0.25 * lips[i]! - depth * groove[i]!;
      for (let ch = 0; ch < 3; ch++) albedo[i * 3 + ch]! *= 1 - 0.5 * groove[i]!;
    }
  } else if (type === 'fold') {
    const points = randomCurve(d, x, y, d() * Math.PI * 2, logUniform(d, 30, 160) * scale, 3, 0.03);
    const sigma = logUniform(d, 3, 9) * Math.max(scale, 0.5);
    const ridge = blurField(strokeAlpha(height, width, points, sigma, 1), height, width, sigma * 0.8, 3);
    const amount = uniform(d, 0.8, 2.2) * (d() < 0.3 ? -1 : 1);
    for (let i = 0; i < n; i++) h[i] = h[i]! * (1 - 0.5 * ridge[i]!) + amount * ridge[i]!;
  } else if (type === 'glue') {
    const r = logUniform(d, 6, 40) * scale;
    const alpha = blobAlpha(d, height, width, {
      cx: x,
      cy: y,
      rx: r,
      ry: r * uniform(d, 0.4, 1),
      angle: d() * 3,
      roughness: 0.35,
      softness: 2,
    });
    blurField(alpha, height, width, Math.max(1, r * 0.15));
    const smooth = blurField(h.slice(), height, width, 2 * Math.max(scale, 0.5));
    const strength = uniform(d, 0.5, 1);
    for (let i = 0; i < n; i++) {
      const a = alpha[i]! * strength;
      h[i] = h[i]! + a * (smooth[i]! * 0.7 + 0.3 - h[i]!);
      gloss[i] = gloss[i]! + a * 0.2;
      for (let ch = 0; ch < 3; ch++) albedo[i * 3 + ch]! *= 1 + 0.15 * a;
    }
  } else {
    const r = logUniform(d, 1.5, 7) * Math.max(scale, 0.4);
    const hole = blobAlpha(d, height, width, { cx: x, cy: y, rx: r, ry: r * uniform(d, 0.6, 1), angle: d() * 3, roughness: 0.2 });
    const rim = blurField(hole.slice(), height, width, Math.max(1.5, r * 0.6), 2);
    for (let i = 0; i < n; i++) {
      h[i] = h[i]! + 0.6 * rim[i]! - 2 * hole[i]!;
      for (let ch = 0; ch < 3; ch++) albedo[i * 3 + ch]! *= 1 - 0.65 * hole[i]!;
    }
  }
}

/** Lambert shading of `heightMap` (light from the upper left at elevation `light`) with gloss highlights. */
function shade(
  height: number,
  width: number,
  heightMap: Float32Array,
  albedo: Float32Array,
  gloss: Float32Array,
  relief: number,
  light: number,
): FloatImage {
  const image = createFloatImage(height, width, 3);
  const data = image.data;
  const lx = -0.6;
  const ly = -0.6;
  const norm = 1 / Math.sqrt(lx * lx + ly * ly + light * light);
  for (let y = 0; y < height; y++) {
    const up = y > 0 ? y - 1 : y;
    const down = y < height - 1 ? y + 1 : y;
    for (let x = 0; x < width; x++) {
      const left = x > 0 ? x - 1 : x;
      const right = x < width - 1 ? x + 1 : x;
      const i = y * width + x;
      const hx = (heightMap[y * width + right]! - heightMap[y * width + left]!) * relief * 0.5;
      const hy = (heightMap[down * width + x]! - heightMap[up * width + x]!) * relief * 0.5;
      const len = Math.sqrt(hx * hx + hy * hy + 1);
      const lambert = Math.max(0, (-hx * lx - hy * ly + light) / len) * norm;
      const ambient = 0.35 + 0.25 * Math.min(1, Math.max(0, heightMap[i]!));
      const value = ambient + 0.75 * lambert;
      const spec = gloss[i]! * lambert * lambert * lambert;
      const o = i * 3;
      data[o] = albedo[o]! * value + spec;
      data[o + 1] = albedo[o + 1]! * value + spec;
      data[o + 2] = albedo[o + 2]! * value + spec;
    }
  }
  return image;
}
