import type { Rng } from '../math/random';
import { logUniform, uniform } from '../math/random';
import { type Alpha, type FloatImage, blendColor, blobAlpha, blurField, cloneFloatImage, createFloatImage, strokeAlpha } from './canvas';
import type { KindDefinition, KindRenderer } from './kind';
import { fractalNoise } from './noise';
import { randomCurve } from './paths';

/** The bolt's proportions in pixels. Along the axis u runs from −length/2 (head end) to +length/2 (tip). */
interface BoltShape {
  readonly length: number;
  readonly headLength: number;
  readonly headHalf: number;
  readonly neckLength: number;
  /** Half-width of the thread root. */
  readonly core: number;
  /** Thread depth (crest minus root), across the axis. */
  readonly depth: number;
  readonly pitch: number;
  readonly tipLength: number;
  /** Base brightness of the metal. */
  readonly metal: number;
}

/** Where one sample's bolt lies. */
interface BoltPose {
  readonly cx: number;
  readonly cy: number;
  readonly angle: number;
  /** Shift of the thread along the axis, in pixels. */
  readonly phase: number;
}

/** Geometry changes drawn by a defect (absent: the normal bolt). */
interface BoltEdit {
  /** The axis bends sideways after `at`, by `amount` pixels at the tip (parabolic). */
  readonly bend?: { readonly at: number; readonly amount: number };
  /** The bolt ends here (a blunt or cut tip), u in pixels. */
  readonly end?: number;
  /** Thread crests worn down to `keep` of their depth between u0 and u1 on one side (−1, 1) or both (0). */
  readonly flat?: { readonly u0: number; readonly u1: number; readonly side: number; readonly keep: number };
  /** Material broken out, `[height, width]` coverage in image pixels. */
  readonly cutout?: Alpha;
}

/** Parts of the bolt, as stored in the part map. */
const HEAD = 1;
const NECK = 2;
const THREAD = 3;
const TIP = 4;

/**
 * `bolt` (grayscale object, NOT aligned): a small metal screw lying at a random position and a random
 * angle (full turn) on a light, slightly textured, unevenly lit table. A domed head, a plain neck, a
 * threaded shank drawn as slanted ridges with a saw-tooth outline, and a pointed tip; soft shadow.
 * A proxy for small rotated objects. Normal variation: position, angle, thread phase, ±2 % length,
 * background texture, light falloff and level.
 * Defects (thin and local): `tip` (bent, blunted or scratched tip), `front` (a piece chipped out of the
 * front threads), `thread` (crests worn flat over a few turns), `head` (scratch on the head), `neck`
 * (scratch on the neck).
 */
export const bolt: KindDefinition = {
  name: 'bolt',
  channels: 1,
  category: 'object',
  defectTypes: ['tip', 'front', 'thread', 'head', 'neck'],
  sensorNoise: 0.01,
  lightingJitter: 0.05,
  create(rng: Rng, height: number, width: number): KindRenderer {
    const side = Math.min(height, width);
    const scale = side / 256;
    const length = side * uniform(rng, 0.4, 0.46);
    const shape: BoltShape = {
      length,
      headLength: length * uniform(rng, 0.15, 0.18),
      headHalf: length * uniform(rng, 0.11, 0.13),
      neckLength: length * uniform(rng, 0.12, 0.18),
      core: length * 0.042,
      depth: length * uniform(rng, 0.018, 0.022),
      pitch: length * uniform(rng, 0.042, 0.05),
      tipLength: length * uniform(rng, 0.1, 0.13),
      metal: uniform(rng, 0.36, 0.44),
    };
    const table = uniform(rng, 0.7, 0.8);
    return {
      render(r: Rng) {
        const s: BoltShape = { ...shape, length: shape.length * uniform(r, 0.98, 1.02) };
        const reach = s.length / 2 + s.headHalf + 3 * scale;
        const pose: BoltPose = {
          cx: uniform(r, reach, width - reach),
          cy: uniform(r, reach, height - reach),
          angle: r() * Math.PI * 2,
          phase: r() * s.pitch,
        };
        const back = backdrop(r, height, width, scale, table * uniform(r, 0.95, 1.05));
        const { image, part } = drawBolt(height, width, s, pose, back, scale, {});
        return {
          image,
          defect(type: string, d: Rng, severity: number) {
            const ds = scale * severity;
            const half = s.length / 2;
            const uTip = half - s.tipLength;
            if (type === 'tip' && d() < 0.7) {
              const edit: BoltEdit =
                d() < 0.55
                  ? { bend: { at: uTip - uniform(d, 0, 2) * s.pitch, amount: (d() < 0.5 ? -1 : 1) * logUniform(d, 1.5, 4.5) * ds } }
                  : { end: half - Math.min(0.9, uniform(d, 0.3, 0.6) * severity) * s.tipLength };
              return drawBolt(height, width, s, pose, back, scale, edit).image;
            }
            if (type === 'front') {
              const u = uniform(d, uTip - 3 * s.pitch, half - 0.3 * s.tipLength);
              const v = (d() < 0.5 ? -1 : 1) * (s.core + s.depth) * (u > uTip ? (half - u) / s.tipLength : 1);
              const [x, y] = toImage(pose, u, v);
              const rad = logUniform(d, 2, 5) * Math.max(ds, 0.4);
              const cutout = blobAlpha(d, height, width, {
                cx: x,
                cy: y,
                rx: rad,
                ry: rad * uniform(d, 0.6, 1),
                angle: d() * Math.PI,
                roughness: 0.35,
              });
              return drawBolt(height, width, s, pose, back, scale, { cutout }).image;
            }
            if (type === 'thread') {
              const span = logUniform(d, 1.2, 3.5) * s.pitch * severity;
              const u0 = uniform(d, -half + s.headLength + s.neckLength, uTip - span);
              const flat = { u0, u1: u0 + span, side: d() < 0.7 ? (d() < 0.5 ? -1 : 1) : 0, keep: uniform(d, 0, 0.35) };
              return drawBolt(height, width, s, pose, back, scale, { flat }).image;
            }
            const target = type === 'head' ? HEAD : type === 'neck' ? NECK : TIP;
            return scratch(image, part, target, d, ds, s, pose);
          },
        };
      },
    };
  },
};

/** The table: a light level with fine grain, slow blotches and a light that falls off from one point. */
function backdrop(rng: Rng, height: number, width: number, scale: number, level: number): Float32Array {
  const grain = fractalNoise(rng, height, width, { cell: 2.5 * Math.max(scale, 0.5), octaves: 2 });
  const blotch = fractalNoise(rng, height, width, { cell: 70 * scale, octaves: 3 });
  const lx = uniform(rng, -0.3, 1.3) * width;
  const ly = uniform(rng, -0.3, 1.3) * height;
  const falloff = uniform(rng, 0.08, 0.2) / (height * height + width * width);
  const out = new Float32Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const light = 1 - falloff * ((x - lx) ** 2 + (y - ly) ** 2);
      out[i] = level * light * (1 + 0.025 * grain[i]! + 0.04 * blotch[i]!);
    }
  }
  return out;
}

/** Image coordinates of the point (u along the axis, v across it) of the bolt at `pose`. */
function toImage(pose: BoltPose, u: number, v: number): [number, number] {
  const c = Math.cos(pose.angle);
  const s = Math.sin(pose.angle);
  return [pose.cx + u * c - v * s, pose.cy + u * s + v * c];
}

/** Saw-tooth thread outline: 1 on a crest, 0 at the root, `x` in pitches. */
function tooth(x: number): number {
  return Math.min(1, 1.15 * (1 - 2 * Math.abs(x - Math.round(x))));
}

/** Coverage, brightness and part of the bolt at (u, v); written into `out` = [coverage, value, part]. */
function sampleBolt(u: number, v: number, s: BoltShape, phase: number, edit: BoltEdit, out: Float64Array): void {
  const half = s.length / 2;
  const uHead = -half + s.headLength;
  const uNeck = uHead + s.neckLength;
  const uTip = half - s.tipLength;
  const end = edit.end ?? half;
  out[0] = 0;
  if (u < -half - 1 || u > end + 1) return;
  const side = v < 0 ? -1 : 1;
  let w: number;
  let part: number;
  let ridge = 0;
  let scuff = 0;
  if (u < uHead) {
    const t = (uHead - u) / s.headLength; // 0 under the head, 1 at its top
    w = s.headHalf * (t < 0.45 ? 1 : Math.sqrt(Math.max(0, 1 - 0.7 * ((t - 0.45) / 0.55) ** 2)));
    part = HEAD;
  } else if (u < uNeck) {
    w = s.core + s.depth * 0.85;
    part = NECK;
  } else {
    let depth = 1;
    const f = edit.flat;
    if (f && (f.side === 0 || f.side === side)) {
      const inside = Math.min(1, Math.max(0, Math.min(u - f.u0, f.u1 - u) / 1.5 + 0.5));
      depth = 1 - inside * (1 - f.keep);
      scuff = inside;
    }
    const x = (u - phase + (side * s.pitch) / 4) / s.pitch;
    w = s.core + s.depth * tooth(x) * depth;
    ridge = Math.cos((2 * Math.PI * (u - phase + 0.25 * s.pitch * Math.max(-1, Math.min(1, v / w)))) / s.pitch) * (1 - scuff * 0.7);
    part = u > uTip ? TIP : THREAD;
    if (u > uTip) w *= Math.max(0, (half - u) / s.tipLength) ** 0.85;
  }
  let cov = w - Math.abs(v) + 0.5;
  cov = Math.min(cov, u + half + 0.5, end - u + 0.5);
  if (cov <= 0) return;
  const n = Math.max(-1, Math.min(1, v / Math.max(w, 0.5)));
  const z = Math.sqrt(1 - n * n);
  let value = s.metal * (0.45 + 0.55 * z) + 0.32 * Math.exp(-(((n + 0.35) / 0.2) ** 2));
  if (part === HEAD) value *= 1 - 0.45 * Math.exp(-(((u - uHead) / 1.3) ** 2)); // the groove under the head
  value *= 0.78 + 0.22 * ridge;
  value += 0.08 * scuff;
  if (edit.end !== undefined) value *= 1 - 0.35 * Math.exp(-(((end - u) / 1.2) ** 2)); // a rough cut face
  out[0] = cov > 1 ? 1 : cov;
  out[1] = value;
  out[2] = part;
}

/** Renders the table, the bolt's shadow and the bolt; `part` maps every pixel mostly on the bolt to its part. */
function drawBolt(
  height: number,
  width: number,
  s: BoltShape,
  pose: BoltPose,
  back: Float32Array,
  scale: number,
  edit: BoltEdit,
): { image: FloatImage; part: Uint8Array } {
  const n = height * width;
  const coverage = new Float32Array(n);
  const value = new Float32Array(n);
  const part = new Uint8Array(n);
  const c = Math.cos(pose.angle);
  const sn = Math.sin(pose.angle);
  const reach = s.length / 2 + s.headHalf + 3;
  const x0 = Math.max(0, Math.floor(pose.cx - reach));
  const x1 = Math.min(width - 1, Math.ceil(pose.cx + reach));
  const y0 = Math.max(0, Math.floor(pose.cy - reach));
  const y1 = Math.min(height - 1, Math.ceil(pose.cy + reach));
  const half = s.length / 2;
  const sample = new Float64Array(3);
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const dx = x - pose.cx;
      const dy = y - pose.cy;
      const u = dx * c + dy * sn;
      let v = -dx * sn + dy * c;
      if (edit.bend && u > edit.bend.at) v -= edit.bend.amount * ((u - edit.bend.at) / (half - edit.bend.at)) ** 2;
      sampleBolt(u, v, s, pose.phase, edit, sample);
      let cov = sample[0]!;
      const i = y * width + x;
      if (edit.cutout) cov *= 1 - edit.cutout[i]!;
      if (cov <= 0) continue;
      coverage[i] = cov;
      value[i] = sample[1]!;
      if (cov >= 0.5) part[i] = sample[2]!;
    }
  }
  if (edit.cutout) {
    // Broken metal is rough and dark at the fracture.
    const rim = blurField(edit.cutout.slice(), height, width, Math.max(1, 1.5 * scale));
    for (let i = 0; i < n; i++) value[i]! *= 1 - 0.5 * rim[i]!;
  }
  const shadow = new Float32Array(n);
  const ox = Math.round(1.5 * scale);
  const oy = Math.round(2 * scale);
  for (let y = oy; y < height; y++) for (let x = ox; x < width; x++) shadow[y * width + x] = coverage[(y - oy) * width + x - ox]!;
  blurField(shadow, height, width, Math.max(1, 2.5 * scale), 3);
  const image = createFloatImage(height, width, 1);
  for (let i = 0; i < n; i++) {
    const b = back[i]! * (1 - 0.3 * shadow[i]!);
    image.data[i] = b + coverage[i]! * (value[i]! - b);
  }
  return { image, part };
}

/** A thin bright or dark scratch on one part of the bolt (the head, the neck or the tip). */
function scratch(image: FloatImage, part: Uint8Array, target: number, rng: Rng, ds: number, s: BoltShape, pose: BoltPose): FloatImage {
  const { height, width } = image;
  const half = s.length / 2;
  const uHead = -half + s.headLength;
  const [lo, hi, across] =
    target === HEAD
      ? [-half + 1, uHead - 1, s.headHalf * 0.7]
      : target === NECK
        ? [uHead + 1, uHead + s.neckLength, s.core * 0.8]
        : [half - s.tipLength, half - 0.25 * s.tipLength, s.core * 0.5];
  const [x, y] = toImage(pose, uniform(rng, lo, hi), uniform(rng, -across, across));
  const heading =
    pose.angle + (rng() < 0.5 ? uniform(rng, -0.5, 0.5) : Math.PI / 2 + uniform(rng, -0.5, 0.5)) + (rng() < 0.5 ? Math.PI : 0);
  const points = randomCurve(rng, x, y, heading, logUniform(rng, 4, 14) * Math.max(ds, 0.4), 1, 0.05);
  const alpha = strokeAlpha(height, width, points, logUniform(rng, 0.8, 1.6) * Math.max(ds, 0.5), 0.8);
  for (let i = 0; i < alpha.length; i++) if (part[i] !== target) alpha[i] = 0;
  const out = cloneFloatImage(image);
  blendColor(out, alpha, rng() < 0.5 ? [0.95, 0.95, 0.95] : [0.05, 0.05, 0.05], logUniform(rng, 0.3, 0.6));
  return out;
}
