import type { Rng } from '../math/random';
import { logUniform, uniform } from '../math/random';
import { blobAlpha, blurField, cloneFloatImage, createFloatImage, strokeAlpha } from './canvas';
import { anywhere, paintFibre, paintParticles } from './defects';
import type { KindDefinition, KindRenderer } from './kind';
import { fractalNoise } from './noise';

/** Changes a defect makes to the wires of family A (0) and B (1): displacement across the wire, cut-out mask. */
interface WireEdit {
  readonly shiftA?: Float32Array;
  readonly shiftB?: Float32Array;
  readonly cutA?: Float32Array;
  readonly cutB?: Float32Array;
}

/**
 * `grid` (grayscale): a woven metal mesh, slightly rotated, bright cylindrical wires going over and under
 * each other in front of a dark, uneven background. Normal variation: mesh phase, ±0.6° rotation,
 * ±1.5 % pitch, lighting.
 * Defects: `bent` (a wire pushed sideways), `broken` (a wire interrupted), `glue` (translucent film),
 * `contamination` (particles), `thread` (a fibre caught in the mesh).
 */
export const grid: KindDefinition = {
  name: 'grid',
  channels: 1,
  category: 'texture',
  defectTypes: ['bent', 'broken', 'glue', 'contamination', 'thread'],
  sensorNoise: 0.01,
  lightingJitter: 0.07,
  create(rng: Rng, height: number, width: number): KindRenderer {
    const scale = Math.min(height, width) / 256;
    const pitch = uniform(rng, 15, 21) * Math.max(scale, 0.4);
    const radius = pitch * uniform(rng, 0.14, 0.19);
    const baseAngle = (rng() < 0.5 ? -1 : 1) * uniform(rng, 0.08, 0.3);
    const wireLevel = uniform(rng, 0.62, 0.78);
    const backLevel = uniform(rng, 0.1, 0.18);
    const where = anywhere(height, width, 6 * scale);
    return {
      render(r: Rng) {
        const angle = baseAngle + uniform(r, -0.01, 0.01);
        const p = pitch * uniform(r, 0.985, 1.015);
        const phaseA = r() * p;
        const phaseB = r() * p;
        const back = fractalNoise(r, height, width, { cell: 36 * scale, octaves: 4 });
        const sheen = fractalNoise(r, height, width, { cell: 8 * Math.max(scale, 0.5), octaves: 2 });
        const geometry = { angle, p, phaseA, phaseB, back, sheen };
        const image = drawGrid(height, width, geometry, radius, wireLevel, backLevel);
        return {
          image,
          defect(type: string, d: Rng, severity: number) {
            const ds = scale * severity;
            const family = d() < 0.5 ? 0 : 1;
            if (type === 'bent' || type === 'broken') {
              const edit = wireEdit(type, family, d, height, width, geometry, radius, severity);
              return drawGrid(height, width, geometry, radius, wireLevel, backLevel, edit);
            }
            const out = cloneFloatImage(image);
            if (type === 'glue') {
              const [cx, cy] = where(d);
              const rad = logUniform(d, 8, 45) * ds;
              const alpha = blobAlpha(d, height, width, {
                cx,
                cy,
                rx: rad,
                ry: rad * uniform(d, 0.5, 1),
                angle: d() * 3,
                roughness: 0.3,
                softness: 2,
              });
              blurField(alpha, height, width, Math.max(1, rad * 0.15));
              const smooth = blurField(image.data.slice(), height, width, 2.5 * Math.max(ds, 0.5));
              const strength = uniform(d, 0.45, 0.9);
              const level = uniform(d, 0.35, 0.6);
              for (let i = 0; i < alpha.length; i++) {
                const a = alpha[i]! * strength;
                out.data[i] = out.data[i]! + a * (0.5 * smooth[i]! + 0.5 * level - out.data[i]!);
              }
            } else if (type === 'contamination') {
              paintParticles(out, d, ds, where, [
                [0.8, 0.8, 0.8],
                [0.5, 0.5, 0.5],
                [0.05, 0.05, 0.05],
              ]);
            } else {
              paintFibre(out, d, ds, where, [0.85, 0.85, 0.85]);
            }
            return out;
          },
        };
      },
    };
  },
};

interface GridGeometry {
  readonly angle: number;
  readonly p: number;
  readonly phaseA: number;
  readonly phaseB: number;
  readonly back: Float32Array;
  readonly sheen: Float32Array;
}

/** Adds `amount × exp(−(v/along)² − (u/across)²)` around (x, y) in the frame of normal (nx, ny) to `field`. */
function addBump(
  field: Float32Array,
  height: number,
  width: number,
  x: number,
  y: number,
  nx: number,
  ny: number,
  amount: number,
  along: number,
  across: number,
): void {
  const reach = 2.5 * Math.max(along, across);
  for (let yy = Math.max(0, Math.floor(y - reach)); yy < Math.min(height, y + reach); yy++) {
    for (let xx = Math.max(0, Math.floor(x - reach)); xx < Math.min(width, x + reach); xx++) {
      const dx = xx - x;
      const dy = yy - y;
      const u = dx * nx + dy * ny;
      const v = -dx * ny + dy * nx;
      field[yy * width + xx]! += amount * Math.exp(-(v * v) / (along * along) - (u * u) / (across * across));
    }
  }
}

/**
 * The wire changes of a `bent` or `broken` defect, centred on one wire of `family`: bent is either one
 * wire pushed sideways or a dent that warps the mesh locally; broken cuts the wire over 1–3 pitches and
 * bends the loose ends apart (sometimes also cutting a crossing wire).
 */
function wireEdit(
  type: 'bent' | 'broken',
  family: 0 | 1,
  rng: Rng,
  height: number,
  width: number,
  g: GridGeometry,
  radius: number,
  severity: number,
): WireEdit {
  const { p } = g;
  const c = Math.cos(g.angle);
  const s = Math.sin(g.angle);
  const normals = [
    [c, s],
    [-s, c],
  ] as const;
  const [nx, ny] = normals[family];
  const [ox, oy] = normals[1 - family]!;
  const phase = family === 0 ? g.phaseA : g.phaseB;
  let x = uniform(rng, 0.12, 0.88) * width;
  let y = uniform(rng, 0.12, 0.88) * height;
  const coord = x * nx + y * ny - phase;
  const snap = Math.round(coord / p) * p - coord;
  x += snap * nx;
  y += snap * ny;
  const own = new Float32Array(height * width);
  const other = new Float32Array(height * width);
  const sign = rng() < 0.5 ? -1 : 1;
  const edit = (shiftOwn?: Float32Array, cutOwn?: Float32Array, shiftOther?: Float32Array, cutOther?: Float32Array): WireEdit =>
    family === 0
      ? { shiftA: shiftOwn, cutA: cutOwn, shiftB: shiftOther, cutB: cutOther }
      : { shiftA: shiftOther, cutA: cutOther, shiftB: shiftOwn, cutB: cutOwn };
  if (type === 'bent') {
    // Displacement slopes stay below ~0.5 so wires bend without folding or thinning.
    const amount = Math.min(0.75, logUniform(rng, 0.3, 0.7) * Math.sqrt(severity)) * p * sign;
    if (rng() < 0.5) {
      const across = Math.max(0.9 * p, 1.8 * Math.abs(amount));
      addBump(own, height, width, x, y, nx, ny, amount, logUniform(rng, 0.7, 3) * p * severity, across);
      return edit(own);
    }
    // A dent: the mesh around (x, y) is pushed, both wire families follow.
    const r = Math.max(logUniform(rng, 0.8, 2.5) * p * severity, 1.8 * Math.abs(amount));
    addBump(own, height, width, x, y, nx, ny, amount, r, r);
    addBump(other, height, width, x, y, nx, ny, amount * uniform(rng, -0.6, 0.6), r, r);
    return edit(own, undefined, other);
  }
  const gap = logUniform(rng, 1, 3) * p * severity;
  const tx = -ny;
  const ty = nx;
  const cut = strokeAlpha(
    height,
    width,
    [x - tx * gap * 0.5, y - ty * gap * 0.5, x + tx * gap * 0.5, y + ty * gap * 0.5],
    radius * 2 + 2,
    1,
  );
  // The loose ends spring apart sideways.
  const spring = uniform(rng, 0.15, 0.4) * p;
  addBump(own, height, width, x - tx * gap * 0.5, y - ty * gap * 0.5, nx, ny, spring * sign, 0.6 * p, 0.45 * p);
  addBump(own, height, width, x + tx * gap * 0.5, y + ty * gap * 0.5, nx, ny, -spring * sign, 0.6 * p, 0.45 * p);
  if (rng() < 0.3) {
    // A crossing wire broke too, next to the gap.
    const cx = x + tx * uniform(rng, -0.4, 0.4) * gap;
    const cy = y + ty * uniform(rng, -0.4, 0.4) * gap;
    const o = cx * ox + cy * oy - (family === 0 ? g.phaseB : g.phaseA);
    const d = Math.round(o / p) * p - o;
    const len = uniform(rng, 0.6, 1.5) * p;
    const otherCut = strokeAlpha(
      height,
      width,
      [cx + d * ox - oy * len * 0.5, cy + d * oy + ox * len * 0.5, cx + d * ox + oy * len * 0.5, cy + d * oy - ox * len * 0.5],
      radius * 2 + 2,
      1,
    );
    return edit(own, cut, undefined, otherCut);
  }
  return edit(own, cut);
}

/**
 * Draws the mesh. Wires of family 0 are lines of constant `u = x cos a + y sin a`, family 1 of constant
 * `v = −x sin a + y cos a`. At each crossing the wire whose undulation is up lies on top.
 */
function drawGrid(
  height: number,
  width: number,
  g: GridGeometry,
  radius: number,
  wireLevel: number,
  backLevel: number,
  edit?: WireEdit,
): ReturnType<typeof createFloatImage> {
  const image = createFloatImage(height, width, 1);
  const data = image.data;
  const c = Math.cos(g.angle);
  const s = Math.sin(g.angle);
  const { p, phaseA, phaseB, back, sheen } = g;
  const { shiftA, shiftB, cutA, cutB } = edit ?? {};
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      // The rotation keeps the wires near-diagonal to the mesh's own axes; family 0 uses u, family 1 uses v.
      const u = x * c + y * s - phaseA - (shiftA ? shiftA[i]! : 0);
      const v = -x * s + y * c - phaseB - (shiftB ? shiftB[i]! : 0);
      const ka = Math.round(u / p);
      const kb = Math.round(v / p);
      const da = Math.abs(u - ka * p);
      const db = Math.abs(v - kb * p);
      // Undulation: wire a rises and falls between crossings with wires of family b, and vice versa.
      const ha = Math.cos((Math.PI * v) / p + Math.PI * (ka & 1));
      const hb = Math.cos((Math.PI * u) / p + Math.PI * ((kb & 1) ^ 1));
      let covA = radius - da + 0.5;
      covA = covA < 0 ? 0 : covA > 1 ? 1 : covA;
      let covB = radius - db + 0.5;
      covB = covB < 0 ? 0 : covB > 1 ? 1 : covB;
      if (cutA) covA *= 1 - cutA[i]!;
      if (cutB) covB *= 1 - cutB[i]!;
      const bg = backLevel * (1 + 0.6 * back[i]!);
      // Shadows of the wires on the background, slightly offset.
      let value = bg * (1 - 0.5 * Math.max(covA, covB));
      const shadeA = wire(da / radius, ha, wireLevel, sheen[i]!);
      const shadeB = wire(db / radius, hb, wireLevel, sheen[i]!);
      if (ha >= hb) {
        value += covB * (shadeB * (0.75 + 0.25 * hb) - value);
        value += covA * (shadeA - value);
      } else {
        value += covA * (shadeA * (0.75 + 0.25 * ha) - value);
        value += covB * (shadeB - value);
      }
      data[i] = value;
    }
  }
  return image;
}

/** Brightness of a cylindrical wire at relative distance `d` (0 centre, 1 edge) with undulation height `h`. */
function wire(d: number, h: number, level: number, sheen: number): number {
  const z = d < 1 ? Math.sqrt(1 - d * d) : 0;
  const spec = Math.exp(-((d - 0.25) * (d - 0.25)) / 0.03);
  return level * (0.35 + 0.55 * z) * (0.8 + 0.2 * h) * (1 + 0.12 * sheen) + 0.25 * spec * (0.6 + 0.4 * h);
}
