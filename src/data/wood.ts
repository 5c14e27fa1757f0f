import type { Rng } from '../math/random';
import { logUniform, uniform } from '../math/random';
import { cloneFloatImage, createFloatImage } from './canvas';
import { type Color, anywhere, paintCrack, paintHole, paintScratch, paintStain } from './defects';
import type { KindDefinition, KindRenderer } from './kind';
import { fractalNoise } from './noise';

/** Light and dark (late-wood) colours of a few species. */
const SPECIES: readonly (readonly [Color, Color])[] = [
  [
    [0.74, 0.56, 0.38],
    [0.5, 0.33, 0.2],
  ],
  [
    [0.66, 0.47, 0.3],
    [0.42, 0.26, 0.15],
  ],
  [
    [0.8, 0.66, 0.48],
    [0.58, 0.43, 0.28],
  ],
  [
    [0.58, 0.42, 0.3],
    [0.36, 0.23, 0.15],
  ],
];

/**
 * `wood`: a flat-sawn board with wavy vertical grain (dark late-wood bands of varying width and darkness),
 * fine fibres and pores; a quarter of the normal boards carry a small knot. Normal variation: grain
 * phase and waviness, ±5 % ring spacing, small tilt, lighting.
 * Defects: `scratch`, `hole` (worm or nail hole), `liquid` (dark wet stain with a rim), `color`
 * (bleached or greyed patch), `crack` (split along the grain).
 */
export const wood: KindDefinition = {
  name: 'wood',
  channels: 3,
  category: 'texture',
  defectTypes: ['scratch', 'hole', 'liquid', 'color', 'crack'],
  sensorNoise: 0.007,
  lightingJitter: 0.07,
  create(rng: Rng, height: number, width: number): KindRenderer {
    const scale = Math.min(height, width) / 256;
    const species = SPECIES[Math.floor(rng() * SPECIES.length)]!;
    const light = species[0].map((v) => v * uniform(rng, 0.94, 1.06)) as unknown as Color;
    const dark = species[1].map((v) => v * uniform(rng, 0.94, 1.06)) as unknown as Color;
    const period = uniform(rng, 9, 16) * Math.max(scale, 0.4);
    const waviness = uniform(rng, 8, 20) * scale;
    const where = anywhere(height, width, 4 * scale);
    return {
      render(r: Rng) {
        const p = period * uniform(r, 0.95, 1.05);
        const tilt = uniform(r, -0.04, 0.04);
        const phase = r() * 10;
        const warp = fractalNoise(r, height, width, { cell: 110 * scale, octaves: 3, angle: Math.PI / 2, stretch: 3 });
        const ringNoise = fractalNoise(r, height, width, { cell: 40 * scale, octaves: 2, angle: Math.PI / 2, stretch: 4 });
        const fibres = fractalNoise(r, height, width, { cell: 1.4 * Math.max(scale, 0.5), octaves: 2, angle: Math.PI / 2, stretch: 14 });
        const broad = fractalNoise(r, height, width, { cell: 90 * scale, octaves: 2 });
        // An optional knot: the grain closes into rings around it and its core is dark.
        const hasKnot = r() < 0.25;
        const kx = uniform(r, 0.1, 0.9) * width;
        const ky = uniform(r, 0.1, 0.9) * height;
        const kr = uniform(r, 3, 8) * scale;
        const kStrength = uniform(r, 1.5, 3);
        const image = createFloatImage(height, width, 3);
        const data = image.data;
        for (let y = 0; y < height; y++) {
          for (let x = 0; x < width; x++) {
            const i = y * width + x;
            let t = (x + waviness * warp[i]! + tilt * y) / p + phase + 0.35 * ringNoise[i]!;
            let knot = 0;
            if (hasKnot) {
              const dx = (x - kx) / (kr * 3);
              const dy = (y - ky) / (kr * 5);
              const g = Math.exp(-(dx * dx + dy * dy));
              t += kStrength * g;
              const cx = (x - kx) / kr;
              const cy = (y - ky) / (kr * 1.4);
              knot = Math.exp(-(cx * cx + cy * cy) * 1.5);
            }
            const f = t - Math.floor(t);
            // Early wood rises slowly, late wood ends sharply: an asymmetric band.
            let band = f < 0.55 ? 0 : f < 0.8 ? (f - 0.55) / 0.25 : 1 - (f - 0.8) / 0.2;
            band = band * band * (3 - 2 * band);
            const ring = Math.floor(t);
            const depth = 0.45 + 0.35 * Math.sin(ring * 12.9898) * Math.sin(ring * 4.1414 + 1);
            let m = band * Math.abs(depth) + 0.8 * knot;
            m = m > 1 ? 1 : m;
            const fib = fibres[i]!;
            const pore = fib < -0.55 ? 0.82 : 1;
            const shade = (1 + 0.06 * fib + 0.07 * broad[i]!) * pore;
            const o = i * 3;
            data[o] = shade * (light[0] + m * (dark[0] - light[0]));
            data[o + 1] = shade * (light[1] + m * (dark[1] - light[1]));
            data[o + 2] = shade * (light[2] + m * (dark[2] - light[2]));
          }
        }
        return {
          image,
          defect(type: string, d: Rng, severity: number) {
            const ds = scale * severity;
            const out = cloneFloatImage(image);
            if (type === 'scratch') {
              paintScratch(out, d, ds, where, d() < 0.75 ? 1 : -1);
            } else if (type === 'hole') {
              paintHole(out, d, ds, where, [0.12, 0.08, 0.05]);
            } else if (type === 'liquid') {
              const wet = logUniform(d, 0.12, 0.45);
              paintStain(out, d, ds, where, { radius: [6, 48], gain: [1 - wet, 1 - wet * 1.05, 1 - wet * 1.1], rim: 0.6 });
            } else if (type === 'color') {
              const c = logUniform(d, 0.15, 0.45);
              const gain = d() < 0.5 ? [1 + c, 1 + c * 1.15, 1 + c * 1.4] : [1 - c * 0.6, 1 - c * 0.4, 1 - c * 0.1];
              paintStain(out, d, ds, where, { radius: [8, 50], gain, strength: [0.5, 1] });
            } else {
              paintCrack(out, d, ds, where, Math.PI / 2 + (d() < 0.5 ? 0 : Math.PI) + uniform(d, -0.2, 0.2));
            }
            return out;
          },
        };
      },
    };
  },
};
