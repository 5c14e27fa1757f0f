import type { Rng } from '../math/random';
import { logUniform, uniform } from '../math/random';
import { type FloatImage, blendColor, cloneFloatImage, createFloatImage, multiplyByAlpha, strokeAlpha } from './canvas';
import { type Color, type DefectPlace, type PointSampler, anywhere, paintFibre, paintHole, paintParticles, paintStain } from './defects';
import type { KindDefinition, KindRenderer } from './kind';
import { fractalNoise, hash2 } from './noise';
import { randomCurve } from './paths';

/** Two-yarn heather palettes (the two yarn colours of one carpet). */
const PALETTES: readonly (readonly [Color, Color])[] = [
  [
    [0.72, 0.66, 0.58],
    [0.55, 0.52, 0.49],
  ],
  [
    [0.6, 0.63, 0.68],
    [0.44, 0.47, 0.53],
  ],
  [
    [0.7, 0.55, 0.42],
    [0.52, 0.42, 0.34],
  ],
  [
    [0.58, 0.63, 0.53],
    [0.45, 0.49, 0.42],
  ],
];

/** Tint directions of a colour defect (per-channel gain − 1, before scaling by the contrast). */
const TINTS: readonly Color[] = [
  [1, -0.5, -0.8],
  [-0.8, 0.2, 1],
  [-0.6, -0.6, -0.6],
  [0.6, 0.6, 0.5],
  [0.3, 0.8, -0.6],
];

/**
 * `carpet`: a knitted pile of V-shaped stitches (two yarn colours, fibrous), with slow row waviness and
 * colour mottling. Normal variation: stitch phase, a ±1° rotation, ±3 % stitch size, lighting.
 * Defects: `color` (dyed spot), `cut` (slit through the pile), `hole`, `thread` (loose yarn on top),
 * `contamination` (metal chips, debris).
 */
export const carpet: KindDefinition = {
  name: 'carpet',
  channels: 3,
  category: 'texture',
  defectTypes: ['color', 'cut', 'hole', 'thread', 'contamination'],
  sensorNoise: 0.008,
  lightingJitter: 0.06,
  create(rng: Rng, height: number, width: number): KindRenderer {
    const scale = Math.min(height, width) / 256;
    const palette = PALETTES[Math.floor(rng() * PALETTES.length)]!;
    const jitter = (c: Color): Color => [c[0] * uniform(rng, 0.92, 1.08), c[1] * uniform(rng, 0.92, 1.08), c[2] * uniform(rng, 0.92, 1.08)];
    const yarnA = jitter(palette[0]);
    const yarnB = jitter(palette[1]);
    const period = uniform(rng, 9, 12) * Math.max(scale, 0.45);
    const baseAngle = uniform(rng, -0.06, 0.06);
    const legTilt = uniform(rng, 0.3, 0.45);
    const where = anywhere(height, width, 4 * scale);
    return {
      render(r: Rng) {
        const angle = baseAngle + uniform(r, -0.018, 0.018);
        const p = period * uniform(r, 0.97, 1.03);
        const phaseU = r() * 2;
        const phaseV = r() * 2;
        const salt = Math.floor(r() * 2147483647);
        const legAngle = Math.atan2(1, legTilt);
        const fibreL = fractalNoise(r, height, width, {
          cell: 2.2 * Math.max(scale, 0.5),
          octaves: 2,
          angle: angle + legAngle,
          stretch: 4,
        });
        const fibreR = fractalNoise(r, height, width, {
          cell: 2.2 * Math.max(scale, 0.5),
          octaves: 2,
          angle: angle + Math.PI - legAngle,
          stretch: 4,
        });
        const fuzz = fractalNoise(r, height, width, { cell: 1.5 * Math.max(scale, 0.5), octaves: 1 });
        const mottle = fractalNoise(r, height, width, { cell: 56 * scale, octaves: 3 });
        const warp = fractalNoise(r, height, width, { cell: 90 * scale, octaves: 2 });
        const image = createFloatImage(height, width, 3);
        const data = image.data;
        const c = Math.cos(angle) / p;
        const s = Math.sin(angle) / p;
        const vScale = 1 / 1.15; // stitches are a little taller than wide
        const ux = 1 / Math.hypot(legTilt, 1);
        const dirX = legTilt * ux;
        const dirY = ux;
        for (let y = 0; y < height; y++) {
          for (let x = 0; x < width; x++) {
            const i = y * width + x;
            const v = (-x * s + y * c) * vScale + phaseV + 0.25 * warp[i]!;
            const row = Math.floor(v);
            const u = x * c + y * s + phaseU + 0.5 * (row & 1) + 0.1 * warp[i]!;
            const col = Math.floor(u);
            const fu = u - col;
            const fv = v - row;
            // Left leg: centred at (0.27, 0.5), long axis (dirX, dirY); right leg mirrored.
            const lx = fu - 0.27;
            const rx = fu - 0.73;
            const dy = fv - 0.5;
            const la = lx * dirX + dy * dirY;
            const lb = -lx * dirY + dy * dirX;
            const ra = -rx * dirX + dy * dirY;
            const rb = rx * dirY + dy * dirX;
            const el = 1 - (la * la) / 0.3 - (lb * lb) / 0.045;
            const er = 1 - (ra * ra) / 0.3 - (rb * rb) / 0.045;
            const leg = el >= er ? 0 : 1;
            const val = Math.max(0, leg === 0 ? el : er);
            const cell = col * 2 + leg;
            const bright = hash2(cell, row, salt);
            const mix = Math.min(1, Math.max(0, hash2(cell, row, salt + 7) * 0.9 + 0.35 * mottle[i]! + 0.05));
            const fibre = leg === 0 ? fibreL[i]! : fibreR[i]!;
            const shade =
              (0.42 + 0.58 * Math.sqrt(val) * (0.82 + 0.3 * bright)) * (1 + 0.3 * fibre + 0.12 * fuzz[i]!) * (1 + 0.1 * mottle[i]!);
            const o = i * 3;
            data[o] = shade * (yarnA[0] + mix * (yarnB[0] - yarnA[0]));
            data[o + 1] = shade * (yarnA[1] + mix * (yarnB[1] - yarnA[1]));
            data[o + 2] = shade * (yarnA[2] + mix * (yarnB[2] - yarnA[2]));
          }
        }
        return {
          image,
          defect(type: string, d: Rng, severity: number) {
            const ds = scale * severity;
            const out = cloneFloatImage(image);
            if (type === 'color') {
              const tint = TINTS[Math.floor(d() * TINTS.length)]!;
              const contrast = logUniform(d, 0.25, 0.8);
              paintStain(out, d, ds, where, { radius: [5, 45], gain: tint.map((t) => 1 + contrast * t), strength: [0.5, 1] });
            } else if (type === 'cut') {
              paintCut(out, d, ds, where);
            } else if (type === 'hole') {
              fray(out, d, ds, yarnA, paintHole(out, d, ds, where, [0.07, 0.065, 0.06]));
            } else if (type === 'thread') {
              const color: Color = d() < 0.5 ? [yarnA[0] * 1.35, yarnA[1] * 1.35, yarnA[2] * 1.35] : [0.75, 0.72, 0.66];
              paintFibre(out, d, ds, where, color);
            } else {
              paintParticles(out, d, ds, where);
            }
            return out;
          },
        };
      },
    };
  },
};

/** A slit through the pile: dark, fibrous gap with slightly lifted (brighter) lips. */
function paintCut(image: FloatImage, rng: Rng, scale: number, where: PointSampler): void {
  const { height, width } = image;
  const [x, y] = where(rng);
  const length = logUniform(rng, 15, 90) * scale;
  const w = logUniform(rng, 2, 6) * Math.max(scale, 0.5);
  const points = randomCurve(rng, x, y, rng() * Math.PI * 2, length, 2, 0.05);
  const lips = strokeAlpha(height, width, points, w + 3 * Math.max(scale, 0.5), 1.5);
  multiplyByAlpha(image, lips, [1.12, 1.12, 1.12]);
  const gap = strokeAlpha(height, width, points, w, 1);
  const depth = uniform(rng, 0.45, 0.8);
  multiplyByAlpha(image, gap, [1 - depth, 1 - depth, 1 - depth]);
}

/** A few frayed yarn ends sticking out over the rim of a hole: short bright strokes. */
function fray(image: FloatImage, rng: Rng, scale: number, yarn: Color, hole: DefectPlace): void {
  const { height, width } = image;
  const count = 2 + Math.floor(rng() * 4);
  const alpha = new Float32Array(height * width);
  for (let k = 0; k < count; k++) {
    const a = rng() * Math.PI * 2;
    const x = hole.cx + Math.cos(a) * hole.r * 1.2;
    const y = hole.cy + Math.sin(a) * hole.r * 1.2;
    const pts = randomCurve(rng, x, y, a + Math.PI + uniform(rng, -0.6, 0.6), hole.r * uniform(rng, 0.4, 1), 1.5, 0.15);
    strokeAlpha(height, width, pts, 1.2 * Math.max(scale, 0.5), 0.8, alpha);
  }
  blendColor(image, alpha, [yarn[0] * 1.2, yarn[1] * 1.2, yarn[2] * 1.2], 0.8);
}
