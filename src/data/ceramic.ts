import type { Rng } from '../math/random';
import { logUniform, uniform } from '../math/random';
import { type FloatImage, blobAlpha, blurField, cloneFloatImage, createFloatImage, multiplyByAlpha, strokeAlpha } from './canvas';
import { anywhere } from './defects';
import type { KindDefinition, KindRenderer } from './kind';
import { fractalNoise } from './noise';
import { crackStrokes } from './paths';

/**
 * `ceramic` (grayscale texture, non-square: 256 × 320 by default): a ground ferrite surface seen close up,
 * smooth and low in contrast, with fine grain, faint grinding streaks, rare tiny pores and gradual
 * illumination gradients. A proxy for grayscale non-square surfaces. Normal variation: overall
 * brightness (±20 %), the direction and strength of the light gradient, grain, streaks, pores.
 * Defects: `blowhole` (1–3 small dark round pits), `crack` (thin dark branching line), `fray` (a rough,
 * frayed strip along an edge), `uneven` (a large, low-contrast patch of other brightness and texture),
 * `break` (a piece broken off a corner or an edge).
 */
export const ceramic: KindDefinition = {
  name: 'ceramic',
  channels: 1,
  category: 'texture',
  defectTypes: ['blowhole', 'crack', 'fray', 'uneven', 'break'],
  defaultSize: [256, 320],
  sensorNoise: 0.008,
  lightingJitter: 0.05,
  create(rng: Rng, height: number, width: number): KindRenderer {
    const scale = Math.min(height, width) / 256;
    const base = uniform(rng, 0.38, 0.5);
    const streakAngle = rng() * Math.PI;
    const where = anywhere(height, width, 6 * scale);
    return {
      render(r: Rng) {
        const level = base * uniform(r, 0.8, 1.2);
        const grain = fractalNoise(r, height, width, { cell: 1.3 * Math.max(scale, 0.5), octaves: 1 });
        const mottle = fractalNoise(r, height, width, { cell: 30 * scale, octaves: 3 });
        const streaks = fractalNoise(r, height, width, {
          cell: 3 * Math.max(scale, 0.5),
          octaves: 2,
          angle: streakAngle + uniform(r, -0.05, 0.05),
          stretch: 12,
        });
        const pores = fractalNoise(r, height, width, { cell: 1.6 * Math.max(scale, 0.5), octaves: 1 });
        const gradient = uniform(r, 0.06, 0.25);
        const heading = r() * Math.PI * 2;
        const gx = (Math.cos(heading) * gradient) / width;
        const gy = (Math.sin(heading) * gradient) / height;
        const image = createFloatImage(height, width, 1);
        for (let y = 0; y < height; y++) {
          for (let x = 0; x < width; x++) {
            const i = y * width + x;
            const light = 1 + gx * (x - width / 2) + gy * (y - height / 2);
            const pore = Math.min(1, Math.max(0, (-pores[i]! - 0.85) * 4));
            image.data[i] = level * light * (1 + 0.07 * grain[i]! + 0.05 * mottle[i]! + 0.03 * streaks[i]!) * (1 - 0.2 * pore);
          }
        }
        return {
          image,
          defect(type: string, d: Rng, severity: number) {
            const ds = scale * severity;
            const out = cloneFloatImage(image);
            const n = height * width;
            if (type === 'blowhole') {
              const [x, y] = where(d);
              const count = 1 + Math.floor(d() * d() * 3);
              const pit = new Float32Array(n);
              const lit = new Float32Array(n);
              for (let k = 0; k < count; k++) {
                const rad = logUniform(d, 1.5, 5) * Math.max(ds, 0.4) * (k === 0 ? 1 : 0.6);
                const cx = x + (k === 0 ? 0 : uniform(d, -10, 10) * ds);
                const cy = y + (k === 0 ? 0 : uniform(d, -10, 10) * ds);
                blobAlpha(d, height, width, { cx, cy, rx: rad, ry: rad * uniform(d, 0.75, 1), angle: d() * Math.PI, roughness: 0.12 }, pit);
                // The far wall of the pit catches the light.
                blobAlpha(
                  d,
                  height,
                  width,
                  { cx: cx + rad * 0.35, cy: cy + rad * 0.35, rx: rad * 0.45, ry: rad * 0.3, angle: Math.PI / 4 },
                  lit,
                );
              }
              const depth = uniform(d, 0.35, 0.7);
              multiplyByAlpha(out, pit, [1 - depth]);
              multiplyByAlpha(out, lit, [1 + depth * 0.5]);
            } else if (type === 'crack') {
              const [x, y] = where(d);
              const strokes = crackStrokes(
                d,
                x,
                y,
                d() * Math.PI * 2,
                logUniform(d, 15, 100) * ds,
                logUniform(d, 0.8, 2) * Math.max(ds, 0.5),
                0.1,
              );
              const alpha = new Float32Array(n);
              for (const s of strokes) strokeAlpha(height, width, s.points, s.widths, 0.8, alpha);
              const depth = uniform(d, 0.3, 0.65);
              multiplyByAlpha(out, alpha, [1 - depth]);
            } else if (type === 'fray') {
              // A strip along one edge whose surface is torn into short streaks across the edge.
              const edge = Math.floor(d() * 4);
              const along = edge < 2 ? width : height;
              const t = uniform(d, 0.15, 0.85) * along;
              const [cx, cy] = edge === 0 ? [t, 0] : edge === 1 ? [t, height - 1] : edge === 2 ? [0, t] : [width - 1, t];
              const len = logUniform(d, 15, 70) * ds;
              const deep = logUniform(d, 4, 12) * ds;
              const alpha = blobAlpha(d, height, width, {
                cx,
                cy,
                rx: edge < 2 ? len : deep,
                ry: edge < 2 ? deep : len,
                roughness: 0.35,
                softness: 2,
              });
              const tear = fractalNoise(d, height, width, {
                cell: 1.5 * Math.max(ds, 0.5),
                octaves: 2,
                angle: edge < 2 ? Math.PI / 2 : 0,
                stretch: 6,
              });
              const strength = uniform(d, 0.35, 0.7);
              for (let i = 0; i < n; i++) out.data[i]! *= 1 + alpha[i]! * strength * (1.4 * tear[i]! - 0.35);
            } else if (type === 'uneven') {
              const [cx, cy] = where(d);
              const rad = logUniform(d, 14, 55) * ds;
              const alpha = blobAlpha(d, height, width, {
                cx,
                cy,
                rx: rad,
                ry: rad * uniform(d, 0.5, 1),
                angle: d() * Math.PI,
                roughness: 0.3,
                softness: 1 + rad * 0.5,
              });
              const smooth = blurField(image.data.slice(), height, width, 2 * Math.max(ds, 0.5));
              const gain = (d() < 0.5 ? -1 : 1) * uniform(d, 0.08, 0.16);
              for (let i = 0; i < n; i++) {
                const a = alpha[i]!;
                if (a > 0) out.data[i] = (out.data[i]! + a * 0.4 * (smooth[i]! - out.data[i]!)) * (1 + a * gain);
              }
            } else {
              breakEdge(out, d, ds);
            }
            return out;
          },
        };
      },
    };
  },
};

/** A piece broken off a corner or an edge: dark void beyond a rough fracture line with a lit bevel. */
function breakEdge(image: FloatImage, rng: Rng, ds: number): void {
  const { height, width } = image;
  const corner = rng() < 0.5;
  const t = rng();
  const [cx, cy] = corner
    ? [rng() < 0.5 ? 0 : width - 1, rng() < 0.5 ? 0 : height - 1]
    : rng() < 0.5
      ? [t * width, rng() < 0.5 ? 0 : height - 1]
      : [rng() < 0.5 ? 0 : width - 1, t * height];
  const rad = logUniform(rng, 6, 22) * ds;
  const gone = blobAlpha(rng, height, width, { cx, cy, rx: rad, ry: rad * uniform(rng, 0.5, 1), angle: rng() * Math.PI, roughness: 0.4 });
  const bevel = blurField(gone.slice(), height, width, Math.max(1, 1.5 * ds));
  const voidLevel = uniform(rng, 0.03, 0.08);
  for (let i = 0; i < gone.length; i++) {
    const a = gone[i]!;
    const lit = Math.max(0, bevel[i]! - a) * 2;
    image.data[i] = image.data[i]! * (1 + 0.35 * lit) + a * (voidLevel - image.data[i]! * (1 + 0.35 * lit));
  }
}
