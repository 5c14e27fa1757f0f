import type { Rng } from '../math/random';
import { logUniform, uniform } from '../math/random';
import {
  blendColor,
  blendImage,
  blobAlpha,
  blurField,
  blurImage,
  cloneFloatImage,
  createFloatImage,
  multiplyByAlpha,
  strokeAlpha,
} from './canvas';
import { type Color, anywhere, paintCrack, paintStain } from './defects';
import type { KindDefinition, KindRenderer } from './kind';
import { cellularNoise, fractalNoise } from './noise';
import { randomCurve } from './paths';

const STONES: readonly Color[] = [
  [0.18, 0.18, 0.19],
  [0.32, 0.31, 0.3],
  [0.48, 0.47, 0.45],
  [0.12, 0.11, 0.11],
];

/**
 * `tile`: terrazzo. A light, finely grained cement matrix with angular dark and grey stone chips
 * (shrunken Voronoi cells). Normal variation: the chip layout, ±5 % chip size, matrix tone, lighting.
 * Defects: `crack`, `glue_strip` (translucent band), `gray_stroke` (smeared paint line), `oil`
 * (dark stain), `rough` (a patch of coarse, pitted surface).
 */
export const tile: KindDefinition = {
  name: 'tile',
  channels: 3,
  category: 'texture',
  defectTypes: ['crack', 'glue_strip', 'gray_stroke', 'oil', 'rough'],
  sensorNoise: 0.008,
  lightingJitter: 0.05,
  create(rng: Rng, height: number, width: number): KindRenderer {
    const scale = Math.min(height, width) / 256;
    const matrix: Color = [uniform(rng, 0.72, 0.82), uniform(rng, 0.7, 0.8), uniform(rng, 0.66, 0.76)];
    const chip = uniform(rng, 12, 16) * Math.max(scale, 0.4);
    const density = uniform(rng, 0.45, 0.65);
    const pale: Color = [matrix[0] * 0.86, matrix[1] * 0.85, matrix[2] * 0.84];
    const where = anywhere(height, width, 4 * scale);
    return {
      render(r: Rng) {
        const cell = chip * uniform(r, 0.95, 1.05);
        const { f1, f2, id } = cellularNoise(r, height, width, cell, 1);
        const edgeNoise = fractalNoise(r, height, width, { cell: 4 * Math.max(scale, 0.5), octaves: 2 });
        const grain = fractalNoise(r, height, width, { cell: 1.6 * Math.max(scale, 0.5), octaves: 1 });
        const cloud = fractalNoise(r, height, width, { cell: 60 * scale, octaves: 3 });
        const image = createFloatImage(height, width, 3);
        const data = image.data;
        for (let i = 0; i < height * width; i++) {
          const k = id[i]!;
          const gap = (f2[i]! - f1[i]!) / cell + 0.1 * edgeNoise[i]!;
          // Every cell holds one stone around its feature point, of a per-cell size, kept off the cell border.
          const size = (0.1 + 0.5 * fract(k * 7.31) ** 1.5) * cell;
          const inside = (size - f1[i]! + 2.5 * edgeNoise[i]!) * 0.9;
          let stone = Math.min(1, Math.max(0, Math.min(inside, (gap - 0.06) * 12)));
          let color = STONES[Math.floor(fract(k * 13.7) * STONES.length)]!;
          if (fract(k * 3.17) > density) color = pale;
          // Fine dark speckles of sand between the stones.
          const speck = Math.min(1, Math.max(0, (-grain[i]! - 0.75) * 5));
          if (speck > stone) {
            stone = speck;
            color = STONES[1]!;
          }
          const tone = 1 + 0.05 * cloud[i]! + 0.05 * grain[i]!;
          const o = i * 3;
          for (let c = 0; c < 3; c++) {
            const stoneTone = color[c]! * (1 + 0.15 * edgeNoise[i]!);
            data[o + c] = tone * (matrix[c]! + stone * (stoneTone - matrix[c]!));
          }
        }
        return {
          image,
          defect(type: string, d: Rng, severity: number) {
            const ds = scale * severity;
            const out = cloneFloatImage(image);
            if (type === 'crack') {
              paintCrack(out, d, ds, where);
            } else if (type === 'glue_strip') {
              const [x, y] = where(d);
              const pts = randomCurve(d, x, y, d() * Math.PI * 2, logUniform(d, 25, 150) * ds, 3, 0.02);
              const band = strokeAlpha(height, width, pts, logUniform(d, 5, 18) * ds, 2 * Math.max(ds, 0.5));
              blurField(band, height, width, 1.5 * ds);
              // Dried glue: a yellowish film that also smooths the texture under it.
              const smooth = cloneFloatImage(out);
              blurImage(smooth, 1.5 * Math.max(ds, 0.5));
              blendColor(smooth, band, [0.9, 0.86, 0.68], 1);
              blendImage(out, band, smooth, uniform(d, 0.45, 0.85));
            } else if (type === 'gray_stroke') {
              const [x, y] = where(d);
              const pts = randomCurve(d, x, y, d() * Math.PI * 2, logUniform(d, 25, 140) * ds, 2, 0.04);
              const stroke = strokeAlpha(height, width, pts, logUniform(d, 2, 9) * Math.max(ds, 0.5), 1.5);
              const streaks = fractalNoise(d, height, width, { cell: 3, octaves: 2 });
              for (let i = 0; i < stroke.length; i++) stroke[i]! *= 0.8 + 0.2 * streaks[i]!;
              blendColor(out, stroke, [0.45, 0.45, 0.46], uniform(d, 0.5, 0.9));
            } else if (type === 'oil') {
              const c = logUniform(d, 0.25, 0.6);
              paintStain(out, d, ds, where, { radius: [6, 45], gain: [1 - c, 1 - c * 1.08, 1 - c * 1.3], rim: 0.4 });
            } else {
              const [cx, cy] = where(d);
              const rad = logUniform(d, 8, 40) * ds;
              const alpha = blobAlpha(d, height, width, {
                cx,
                cy,
                rx: rad,
                ry: rad * uniform(d, 0.5, 1),
                angle: d() * 3,
                roughness: 0.4,
                softness: 3,
              });
              const pits = fractalNoise(d, height, width, { cell: 1.8 * Math.max(ds, 0.5), octaves: 2 });
              const amount = uniform(d, 0.35, 0.7);
              for (let i = 0; i < alpha.length; i++) alpha[i]! *= Math.max(0, pits[i]! * 1.5 + 0.2);
              multiplyByAlpha(out, alpha, [1 - amount, 1 - amount, 1 - amount]);
            }
            return out;
          },
        };
      },
    };
  },
};

function fract(v: number): number {
  return v - Math.floor(v);
}
