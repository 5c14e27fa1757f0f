import type { Rng } from '../math/random';
import { logUniform, uniform } from '../math/random';
import { type FloatImage, blobAlpha, blurField, cloneFloatImage, createFloatImage, strokeAlpha } from './canvas';
import { type Color, type PointSampler, paintCrack, paintParticles, paintScratch, paintStain } from './defects';
import type { KindDefinition, KindRenderer } from './kind';
import { fractalNoise } from './noise';

/** The imprint "CP" as polylines in glyph units (x right, y down, one glyph ≈ 0.7 × 1). */
const GLYPHS: readonly (readonly number[])[] = [
  // C: an open arc.
  arc(-0.55, 0, 0.33, 0.5, 0.8, 5.5),
  // P: stem and bowl.
  [0.2, 0.5, 0.2, -0.5],
  [0.2, -0.5, 0.45, -0.5, 0.6, -0.42, 0.66, -0.25, 0.6, -0.08, 0.45, 0, 0.2, 0],
];

/** How a sample's pill is drawn; defects re-draw it with a changed copy. */
interface PillPose {
  readonly cx: number;
  readonly cy: number;
  readonly angle: number;
  readonly body: Color;
  readonly speckles: readonly number[]; // x, y (pill units), radius (px), strength
  readonly printOffset: readonly [number, number]; // px along and across the pill
  readonly printStrength: number;
  readonly printGlyphs: readonly (readonly number[])[];
  readonly printGhost: number; // strength of a doubled print shifted by printGhostShift (0: none)
  readonly printGhostShift: readonly [number, number];
  readonly cutout?: Float32Array; // [height, width] fraction of the pill broken off
}

/**
 * `pill` (object): a white oblong tablet with red speckles and a dark-red "CP" imprint, centred on a dark
 * tray with a soft shadow. Normal variation: position ±3 px, rotation ±2°, speckle layout and count,
 * body tint, print intensity, lighting.
 * Defects: `color` (discoloured spot), `contamination` (foreign particles), `crack`, `faulty_imprint`
 * (missing, faint, doubled or shifted print), `missing` (a chip broken off the edge), `scratch`.
 */
export const pill: KindDefinition = {
  name: 'pill',
  channels: 3,
  category: 'object',
  defectTypes: ['color', 'contamination', 'crack', 'faulty_imprint', 'missing', 'scratch'],
  sensorNoise: 0.007,
  lightingJitter: 0.04,
  create(rng: Rng, height: number, width: number): KindRenderer {
    const side = Math.min(height, width);
    const scale = side / 256;
    const length = side * uniform(rng, 0.7, 0.76);
    const thickness = side * uniform(rng, 0.32, 0.36);
    const body: Color = [uniform(rng, 0.9, 0.95), uniform(rng, 0.88, 0.92), uniform(rng, 0.8, 0.86)];
    const speckle: Color = [uniform(rng, 0.6, 0.7), uniform(rng, 0.22, 0.3), uniform(rng, 0.18, 0.24)];
    const ink: Color = [0.5, 0.13, 0.12];
    const tray: Color = [uniform(rng, 0.08, 0.12), uniform(rng, 0.09, 0.13), uniform(rng, 0.09, 0.12)];
    const geometry = { length, thickness, speckle, ink, tray, scale };
    return {
      render(r: Rng) {
        const pose: PillPose = {
          cx: width / 2 + uniform(r, -3, 3) * scale,
          cy: height / 2 + uniform(r, -3, 3) * scale,
          angle: uniform(r, -0.035, 0.035),
          body: body.map((v) => v * uniform(r, 0.97, 1.03)) as unknown as Color,
          speckles: sampleSpeckles(r, length, thickness, scale),
          printOffset: [uniform(r, -1, 1) * scale, uniform(r, -1, 1) * scale],
          printStrength: uniform(r, 0.75, 0.95),
          printGlyphs: GLYPHS,
          printGhost: 0,
          printGhostShift: [0, 0],
        };
        const backdrop = fractalNoise(r, height, width, { cell: 40 * scale, octaves: 3 });
        const { image, coverage } = drawPill(height, width, pose, geometry, backdrop);
        const onPill: PointSampler = (d) => pointOnPill(d, pose, length, thickness, 0.8);
        return {
          image,
          defect(type: string, d: Rng, severity: number) {
            const ds = scale * severity;
            if (type === 'faulty_imprint') return drawPill(height, width, faultyPrint(d, pose, ds), geometry, backdrop).image;
            if (type === 'missing')
              return drawPill(height, width, { ...pose, cutout: chip(d, pose, length, thickness, height, width, ds) }, geometry, backdrop)
                .image;
            const out = cloneFloatImage(image);
            if (type === 'contamination') {
              paintParticles(out, d, ds, (q) => pointOnPill(q, pose, length * 1.1, thickness * 1.2, 1));
              return out;
            }
            if (type === 'color') {
              const c = logUniform(d, 0.08, 0.4);
              const gain = d() < 0.5 ? [1 - c * 0.2, 1 - c * 0.5, 1 - c * 1.3] : [1 - c * 0.4, 1 - c * 0.9, 1 - c * 0.7];
              paintStain(out, d, ds, onPill, { radius: [4, 24], gain, strength: [0.5, 1] });
            } else if (type === 'crack') {
              paintCrack(out, d, ds, onPill);
            } else {
              paintScratch(out, d, ds, onPill, -1);
            }
            // Paint only lands on the pill.
            for (let i = 0; i < coverage.length; i++) {
              const a = coverage[i]!;
              for (let c = 0; c < 3; c++)
                out.data[i * 3 + c] = image.data[i * 3 + c]! + a * (out.data[i * 3 + c]! - image.data[i * 3 + c]!);
            }
            return out;
          },
        };
      },
    };
  },
};

interface PillGeometry {
  readonly length: number;
  readonly thickness: number;
  readonly speckle: Color;
  readonly ink: Color;
  readonly tray: Color;
  readonly scale: number;
}

/** Renders the tray, the shadow, the shaded pill body, its speckles and its print. */
function drawPill(
  height: number,
  width: number,
  pose: PillPose,
  g: PillGeometry,
  backdrop: Float32Array,
): { image: FloatImage; coverage: Float32Array } {
  const image = createFloatImage(height, width, 3);
  const data = image.data;
  const radius = g.thickness / 2;
  const half = g.length / 2 - radius;
  const c = Math.cos(pose.angle);
  const s = Math.sin(pose.angle);
  const coverage = new Float32Array(height * width);
  const zmap = new Float32Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const dx = x - pose.cx;
      const dy = y - pose.cy;
      const lx = dx * c + dy * s;
      const ly = -dx * s + dy * c;
      const qx = Math.max(Math.abs(lx) - half, 0);
      const d = Math.sqrt(qx * qx + ly * ly);
      let cov = radius - d + 0.5;
      cov = cov < 0 ? 0 : cov > 1 ? 1 : cov;
      if (pose.cutout) cov *= 1 - pose.cutout[i]!;
      coverage[i] = cov;
      zmap[i] = d < radius ? Math.sqrt(1 - (d * d) / (radius * radius)) : 0;
    }
  }
  const shadow = new Float32Array(height * width);
  const off = Math.round(4 * g.scale);
  for (let y = off; y < height; y++) for (let x = off; x < width; x++) shadow[y * width + x] = coverage[(y - off) * width + x - off]!;
  blurField(shadow, height, width, Math.max(1, 5 * g.scale), 3);
  const rim = pose.cutout ? blurField(pose.cutout.slice(), height, width, Math.max(1, 2.5 * g.scale)) : undefined;
  const print = printAlpha(height, width, pose, g);
  const speckles = speckleAlpha(height, width, pose, g);
  for (let i = 0; i < height * width; i++) {
    const b = 1 + 0.25 * backdrop[i]!;
    const shade = 1 - 0.55 * shadow[i]!;
    const z = zmap[i]!;
    // Body: bright top, darker towards the edge, a soft highlight; chipped edges show a rough grey surface.
    let body = 0.62 + 0.38 * Math.sqrt(z);
    if (rim) body *= 1 - 0.3 * rim[i]!;
    const spec = 0.08 * Math.exp(-((z - 0.9) * (z - 0.9)) / 0.01);
    const cov = coverage[i]!;
    for (let ch = 0; ch < 3; ch++) {
      let v = pose.body[ch]! * body + spec;
      v += speckles[i]! * (g.speckle[ch]! - v);
      v += print[i]! * pose.printStrength * (g.ink[ch]! - v);
      const back = g.tray[ch]! * b * shade;
      data[i * 3 + ch] = back + cov * (v - back);
    }
  }
  return { image, coverage };
}

/** Coverage of the print (and its ghost), in image pixels. */
function printAlpha(height: number, width: number, pose: PillPose, g: PillGeometry): Float32Array {
  const out = new Float32Array(height * width);
  const size = g.thickness * 0.42;
  const draw = (shiftX: number, shiftY: number, weight: number): void => {
    const tmp = new Float32Array(height * width);
    const c = Math.cos(pose.angle);
    const s = Math.sin(pose.angle);
    for (const glyph of pose.printGlyphs) {
      const points: number[] = [];
      for (let k = 0; k < glyph.length; k += 2) {
        const gx = glyph[k]! * size + pose.printOffset[0] + shiftX;
        const gy = glyph[k + 1]! * size + pose.printOffset[1] + shiftY;
        points.push(pose.cx + gx * c - gy * s, pose.cy + gx * s + gy * c);
      }
      strokeAlpha(height, width, points, size * 0.16, 1, tmp);
    }
    for (let i = 0; i < out.length; i++) out[i] = Math.max(out[i]!, tmp[i]! * weight);
  };
  draw(0, 0, 1);
  if (pose.printGhost > 0) draw(pose.printGhostShift[0], pose.printGhostShift[1], pose.printGhost);
  return out;
}

/** Red speckles scattered over the body: [x, y] in pill units (−1…1), radius in px, strength. */
function sampleSpeckles(rng: Rng, length: number, thickness: number, scale: number): number[] {
  const out: number[] = [];
  const count = 35 + Math.floor(rng() * 30);
  while (out.length < count * 4) {
    const u = rng() * 2 - 1;
    const v = rng() * 2 - 1;
    const half = length / 2 - thickness / 2;
    const px = u * (length / 2);
    const qx = Math.max(Math.abs(px) - half, 0);
    if (Math.hypot(qx, v * (thickness / 2)) > thickness / 2 - 2) continue;
    out.push(u, v, uniform(rng, 0.5, 1.4) * Math.max(scale, 0.5), uniform(rng, 0.35, 0.9));
  }
  return out;
}

function speckleAlpha(height: number, width: number, pose: PillPose, g: PillGeometry): Float32Array {
  const out = new Float32Array(height * width);
  const c = Math.cos(pose.angle);
  const s = Math.sin(pose.angle);
  for (let k = 0; k < pose.speckles.length; k += 4) {
    const lx = pose.speckles[k]! * (g.length / 2);
    const ly = pose.speckles[k + 1]! * (g.thickness / 2);
    const x = pose.cx + lx * c - ly * s;
    const y = pose.cy + lx * s + ly * c;
    const r = pose.speckles[k + 2]!;
    const w = pose.speckles[k + 3]!;
    const x0 = Math.max(0, Math.floor(x - r - 1));
    const x1 = Math.min(width - 1, Math.ceil(x + r + 1));
    const y0 = Math.max(0, Math.floor(y - r - 1));
    const y1 = Math.min(height - 1, Math.ceil(y + r + 1));
    for (let yy = y0; yy <= y1; yy++) {
      for (let xx = x0; xx <= x1; xx++) {
        const a = Math.min(1, Math.max(0, r - Math.hypot(xx - x, yy - y) + 0.5)) * w;
        const i = yy * width + xx;
        if (a > out[i]!) out[i] = a;
      }
    }
  }
  return out;
}

/** A uniformly random point on the pill, at most `fill` of the way from the centre line to the edge. */
function pointOnPill(rng: Rng, pose: PillPose, length: number, thickness: number, fill: number): readonly [number, number] {
  const radius = (thickness / 2) * fill;
  const half = length / 2 - thickness / 2;
  for (;;) {
    const lx = uniform(rng, -half - radius, half + radius);
    const ly = uniform(rng, -radius, radius);
    const qx = Math.max(Math.abs(lx) - half, 0);
    if (qx * qx + ly * ly > radius * radius) continue;
    const c = Math.cos(pose.angle);
    const s = Math.sin(pose.angle);
    return [pose.cx + lx * c - ly * s, pose.cy + lx * s + ly * c];
  }
}

/** A faulty print: a glyph or stroke missing, a faint print, a doubled (ghost) print, or a shifted one. */
function faultyPrint(rng: Rng, pose: PillPose, scale: number): PillPose {
  const kind = Math.floor(rng() * 4);
  if (kind === 0) {
    const drop = Math.floor(rng() * pose.printGlyphs.length);
    return { ...pose, printGlyphs: pose.printGlyphs.filter((_, k) => k !== drop) };
  }
  if (kind === 1) return { ...pose, printStrength: pose.printStrength * uniform(rng, 0.15, 0.45) };
  const shift: [number, number] = [uniform(rng, -1, 1) * 5 * scale, uniform(rng, -1, 1) * 4 * scale];
  if (Math.hypot(shift[0], shift[1]) < 2 * scale) shift[0] += 3 * scale;
  if (kind === 2) return { ...pose, printGhost: uniform(rng, 0.35, 0.8), printGhostShift: shift };
  return { ...pose, printOffset: [pose.printOffset[0] + shift[0] * 2, pose.printOffset[1] + shift[1] * 1.5] };
}

/** The fraction of the pill broken off at a random point of its outline. */
function chip(rng: Rng, pose: PillPose, length: number, thickness: number, height: number, width: number, scale: number): Float32Array {
  const [x, y] = pointOnPill(rng, pose, length, thickness, 1);
  // Push the point onto the outline: move outward from the centre line until it leaves the pill.
  const c = Math.cos(pose.angle);
  const s = Math.sin(pose.angle);
  const lx = (x - pose.cx) * c + (y - pose.cy) * s;
  const ly = -(x - pose.cx) * s + (y - pose.cy) * c;
  const half = length / 2 - thickness / 2;
  const ax = Math.max(-half, Math.min(half, lx));
  const dx = lx - ax;
  const dy = ly;
  const norm = Math.hypot(dx, dy) || 1;
  const ex = ax + (dx / norm) * (thickness / 2);
  const ey = (dy / norm) * (thickness / 2);
  const r = logUniform(rng, 4, 22) * scale;
  return blobAlpha(rng, height, width, {
    cx: pose.cx + ex * c - ey * s,
    cy: pose.cy + ex * s + ey * c,
    rx: r,
    ry: r * uniform(rng, 0.5, 1),
    angle: rng() * Math.PI,
    roughness: 0.35,
  });
}

/** Polyline of an arc centred at (cx, cy) with radii (rx, ry) from angle a0 to a1 (radians). */
function arc(cx: number, cy: number, rx: number, ry: number, a0: number, a1: number): number[] {
  const out: number[] = [];
  for (let k = 0; k <= 16; k++) {
    const a = a0 + ((a1 - a0) * k) / 16;
    out.push(cx + rx * Math.cos(a), cy + ry * Math.sin(a));
  }
  return out;
}
