import type { Rng } from '../math/random';
import { logUniform, uniform } from '../math/random';
import { type Alpha, type FloatImage, blobAlpha, blurField, createFloatImage } from './canvas';
import type { Color } from './defects';
import type { KindDefinition, KindRenderer } from './kind';
import { fractalNoise } from './noise';

/** A placement: origin in image pixels, rotation in radians. */
interface Pose {
  readonly x: number;
  readonly y: number;
  readonly angle: number;
}

/** One lead, in the part's frame (pixels at 256 px): straight down from the body, optionally bent or cut. */
interface Lead {
  readonly x: number;
  /** Angle of the lead from straight down (radians; normal: a few hundredths). */
  readonly tilt: number;
  /** Where the lead bends (y) and by how much (radians; 0: straight). */
  readonly bendAt: number;
  readonly bend: number;
  /** Where the lead ends (y). */
  readonly end: number;
}

/** The component as placed in one sample. */
interface Part {
  readonly pose: Pose;
  readonly leads: readonly Lead[];
  /** Plastic broken off the case, `[height, width]` coverage in image pixels. */
  readonly chip?: Alpha;
}

/** Layout of the part's frame, in pixels at 256 px (y down; the body's centre is 21 px above the origin). */
const LEAD_X = [-26, 0, 26] as const;
const LEAD_END = 76;
const BODY = { cy: -21, hx: 42, hy: 32 } as const;
const TAB = { cy: -66, hx: 38, hy: 18, hole: 8, holeY: -70 } as const;

/**
 * `board` (RGB object, aligned): a TO-220-style transistor (black case, metal tab with a hole, three
 * tinned leads) soldered into three pads of a green circuit board with a silkscreen outline and traces.
 * A proxy for layout defects on aligned objects. Normal variation: ±3 px and ±0.6° of the whole view,
 * ±1 px and ±0.5° of the part on its pads, lead tilt, board texture, lighting.
 * Defects (about layout, not texture): `misplaced` (the part shifted and/or rotated), `missing` (no part:
 * the empty pads show), `bent_lead`, `cut_lead` (a lead shortened), `damaged_case` (a chip broken out
 * of the case). For `misplaced` and `missing` the mask is where the part should be and where it is.
 */
export const board: KindDefinition = {
  name: 'board',
  channels: 3,
  category: 'object',
  defectTypes: ['misplaced', 'missing', 'bent_lead', 'cut_lead', 'damaged_case'],
  sensorNoise: 0.008,
  lightingJitter: 0.05,
  create(rng: Rng, height: number, width: number): KindRenderer {
    const scale = Math.min(height, width) / 256;
    const pcb: Color = [uniform(rng, 0.1, 0.16), uniform(rng, 0.3, 0.38), uniform(rng, 0.18, 0.24)];
    const plastic = uniform(rng, 0.08, 0.12);
    return {
      render(r: Rng) {
        const view: Pose = {
          x: width / 2 + uniform(r, -3, 3) * scale,
          y: height / 2 + uniform(r, -3, 3) * scale,
          angle: uniform(r, -0.01, 0.01),
        };
        const pose = compose(view, uniform(r, -1, 1) * scale, uniform(r, -1, 1) * scale, uniform(r, -0.008, 0.008));
        const leads = LEAD_X.map((x) => ({
          x: x + uniform(r, -0.7, 0.7),
          tilt: uniform(r, -0.025, 0.025),
          bendAt: LEAD_END,
          bend: 0,
          end: LEAD_END,
        }));
        const fine = fractalNoise(r, height, width, { cell: 2 * Math.max(scale, 0.5), octaves: 2 });
        const broad = fractalNoise(r, height, width, { cell: 60 * scale, octaves: 2 });
        const look = { pcb, plastic, fine, broad, scale, view };
        const bare = drawPcb(height, width, look);
        const part: Part = { pose, leads };
        const { image, coverage } = drawBoard(height, width, look, bare, part);
        return {
          image,
          defect(type: string, d: Rng, severity: number) {
            if (type === 'missing') return { image: drawBoard(height, width, look, bare, undefined).image, region: coverage };
            if (type === 'misplaced') {
              const turn = (d() < 0.5 ? -1 : 1) * logUniform(d, 0.06, 0.3) * severity;
              const shift = logUniform(d, 3, 14) * scale * severity;
              const heading = d() * Math.PI * 2;
              const mode = d();
              const moved = compose(
                pose,
                mode < 0.4 ? 0 : shift * Math.cos(heading),
                mode < 0.4 ? 0 : shift * Math.sin(heading),
                mode > 0.7 ? 0 : turn,
                BODY.cy * scale,
              );
              const drawn = drawBoard(height, width, look, bare, { ...part, pose: moved });
              const region = coverage.slice();
              for (let i = 0; i < region.length; i++) region[i] = Math.max(region[i]!, drawn.coverage[i]!);
              return { image: drawn.image, region };
            }
            if (type === 'bent_lead' || type === 'cut_lead') {
              const k = Math.floor(d() * leads.length);
              const lead = leads[k]!;
              const changed: Lead =
                type === 'bent_lead'
                  ? { ...lead, bendAt: uniform(d, 22, 56), bend: (d() < 0.5 ? -1 : 1) * Math.min(1, logUniform(d, 0.2, 0.6) * severity) }
                  : { ...lead, end: LEAD_END - Math.min(56, logUniform(d, 10, 32) * severity) };
              return drawBoard(height, width, look, bare, { ...part, leads: leads.map((l, j) => (j === k ? changed : l)) }).image;
            }
            // damaged_case: a piece broken out of the case outline.
            const t = d() * 4;
            const s = (t % 1) * 2 - 1;
            const [lx, ly] =
              t < 1
                ? [s * BODY.hx, BODY.cy - BODY.hy]
                : t < 2
                  ? [s * BODY.hx, BODY.cy + BODY.hy]
                  : [(t < 3 ? -1 : 1) * BODY.hx, BODY.cy + s * BODY.hy];
            const [cx, cy] = toImage(pose, lx * scale, ly * scale);
            const rad = logUniform(d, 3, 10) * scale * severity;
            const chip = blobAlpha(d, height, width, {
              cx,
              cy,
              rx: rad,
              ry: rad * uniform(d, 0.5, 1),
              angle: d() * Math.PI,
              roughness: 0.4,
            });
            return drawBoard(height, width, look, bare, { ...part, chip }).image;
          },
        };
      },
    };
  },
};

/** `pose` moved by (dx, dy) in image pixels and turned by `turn` about the point `pivotY` below its origin. */
function compose(pose: Pose, dx: number, dy: number, turn: number, pivotY = 0): Pose {
  const [px, py] = toImage(pose, 0, pivotY);
  const c = Math.cos(turn);
  const s = Math.sin(turn);
  const ox = pose.x - px;
  const oy = pose.y - py;
  return { x: px + ox * c - oy * s + dx, y: py + ox * s + oy * c + dy, angle: pose.angle + turn };
}

function toImage(pose: Pose, lx: number, ly: number): [number, number] {
  const c = Math.cos(pose.angle);
  const s = Math.sin(pose.angle);
  return [pose.x + lx * c - ly * s, pose.y + lx * s + ly * c];
}

/** Signed distance to a rounded box of half-size (hx, hy) and corner radius r centred at the origin. */
function boxDistance(x: number, y: number, hx: number, hy: number, r: number): number {
  const qx = Math.abs(x) - hx + r;
  const qy = Math.abs(y) - hy + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

/** Distance from (x, y) to the segment (ax, ay)–(bx, by). */
function segmentDistance(x: number, y: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy || 1e-9)));
  return Math.hypot(x - ax - t * dx, y - ay - t * dy);
}

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

/** Everything fixed for one sample: colours, noise fields and the view's pose. */
interface BoardLook {
  readonly pcb: Color;
  readonly plastic: number;
  readonly fine: Float32Array;
  readonly broad: Float32Array;
  readonly scale: number;
  readonly view: Pose;
}

/** The bare circuit board `[height, width, 3]`: solder mask over glass-fibre weave, traces, silkscreen outline, pads. */
function drawPcb(height: number, width: number, look: BoardLook): Float32Array {
  const { pcb, fine, broad, scale, view } = look;
  const data = new Float32Array(height * width * 3);
  const vc = Math.cos(view.angle);
  const vs = Math.sin(view.angle);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const bx = ((x - view.x) * vc + (y - view.y) * vs) / scale;
      const by = (-(x - view.x) * vs + (y - view.y) * vc) / scale;
      const weave = 0.04 * Math.sin(bx * 1.6) * Math.sin(by * 1.6);
      let trace = 0;
      let pad = 0;
      let hole = 0;
      for (const lx of LEAD_X) {
        const side = Math.sign(lx);
        const tx = lx + side * 24;
        const d = Math.min(
          segmentDistance(bx, by, lx, LEAD_END, lx, LEAD_END + 20),
          segmentDistance(bx, by, lx, LEAD_END + 20, tx, LEAD_END + 44),
          segmentDistance(bx, by, tx, LEAD_END + 44, tx, 400),
        );
        trace = Math.max(trace, clamp01((2.5 - d) * scale + 0.5));
        const r = Math.hypot(bx - lx, by - LEAD_END);
        pad = Math.max(pad, clamp01((10 - r) * scale + 0.5));
        hole = Math.max(hole, clamp01((3 - r) * scale + 0.5));
      }
      const silk = clamp01((0.8 - Math.abs(boxDistance(bx, by - BODY.cy + 6, BODY.hx + 8, BODY.hy + 42, 2))) * scale + 0.5);
      const tone = 1 + weave + 0.04 * fine[i]! + 0.06 * broad[i]!;
      for (let c = 0; c < 3; c++) {
        let v = pcb[c]! * tone * (1 + 0.35 * trace);
        v += silk * (0.82 - v);
        v += pad * ((0.74 - 0.04 * c) * (1 + 0.05 * fine[i]!) - v);
        data[i * 3 + c] = v + hole * (0.06 - v);
      }
    }
  }
  return data;
}

/** Renders `part` (none: an empty board) with its shadow over the bare board; `coverage` is the part's. */
function drawBoard(
  height: number,
  width: number,
  look: BoardLook,
  bare: Float32Array,
  part: Part | undefined,
): { image: FloatImage; coverage: Alpha } {
  const n = height * width;
  const image = createFloatImage(height, width, 3);
  const coverage = new Float32Array(n);
  const shade = new Float32Array(n * 3);
  if (part) drawPart(height, width, look, part, coverage, shade);
  const shadow = new Float32Array(n);
  const off = Math.round(3 * look.scale);
  for (let y = off; y < height; y++) for (let x = off; x < width; x++) shadow[y * width + x] = coverage[(y - off) * width + x - off]!;
  blurField(shadow, height, width, Math.max(1, 3 * look.scale), 3);
  for (let i = 0; i < n; i++) {
    const sh = 1 - 0.5 * shadow[i]!;
    for (let c = 0; c < 3; c++) {
      const v = bare[i * 3 + c]! * sh;
      image.data[i * 3 + c] = v + coverage[i]! * (shade[i * 3 + c]! - v);
    }
  }
  return { image, coverage };
}

/** Writes the component's coverage and its colour (case, tab, leads) into `coverage` and `shade`. */
function drawPart(height: number, width: number, look: BoardLook, part: Part, coverage: Alpha, shade: Float32Array): void {
  const { plastic, fine, scale } = look;
  const { pose } = part;
  const c = Math.cos(pose.angle);
  const s = Math.sin(pose.angle);
  // Lead centre lines in part units: shoulder, bend point, end.
  const lines = part.leads.map((l) => {
    const ex = l.x + Math.sin(l.tilt) * (l.bendAt - BODY.cy);
    const rest = l.end - l.bendAt;
    const dir = l.tilt + l.bend;
    return [
      l.x,
      BODY.cy,
      ex,
      l.bendAt,
      ex + Math.sin(dir) * Math.max(0, rest),
      l.bendAt + Math.cos(dir) * Math.max(0, rest),
      l.end,
    ] as const;
  });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const px = ((x - pose.x) * c + (y - pose.y) * s) / scale;
      const py = (-(x - pose.x) * s + (y - pose.y) * c) / scale;
      if (px < -100 || px > 100 || py < -100 || py > 100) continue;
      let cov = 0;
      let v: [number, number, number] = [0, 0, 0];
      // Leads: tinned wire, cylindrical shading; wider shoulder just under the case.
      for (const [x0, y0, x1, y1, x2, y2, end] of lines) {
        const half = py < BODY.cy + BODY.hy + 9 ? 5 : 3.5;
        const d =
          end <= y1
            ? segmentDistance(px, py, x0, y0, x0 + ((x1 - x0) * (end - y0)) / (y1 - y0), end)
            : Math.min(segmentDistance(px, py, x0, y0, x1, y1), segmentDistance(px, py, x1, y1, x2, y2));
        const a = clamp01((half - d) * scale + 0.5);
        if (a > cov) {
          const nrm = Math.min(1, d / half);
          const m = 0.5 + 0.4 * Math.sqrt(1 - nrm * nrm) + 0.25 * Math.exp(-(((d - 1.2) / 1) ** 2)) + 0.03 * fine[i]!;
          cov = a;
          v = [0.78 * m, 0.78 * m, 0.75 * m];
        }
      }
      // The tab: brushed metal with a mounting hole.
      const tab =
        clamp01(-boxDistance(px, py - TAB.cy, TAB.hx, TAB.hy, 3) * scale + 0.5) *
        clamp01((Math.hypot(px, py - TAB.holeY) - TAB.hole) * scale + 0.5);
      if (tab > 0) {
        const m = 0.66 + 0.05 * fine[i]! - 0.12 * clamp01(1 - (Math.hypot(px, py - TAB.holeY) - TAB.hole) / 2);
        v = mix(v, [m, m, m * 0.97], tab / Math.max(tab, cov, 1e-6));
        cov = Math.max(cov, tab);
      }
      // The case: matte black plastic with a bevelled rim and an ejector-pin dimple.
      const dc = boxDistance(px, py - BODY.cy, BODY.hx, BODY.hy, 2.5);
      const broken = part.chip ? part.chip[i]! : 0;
      // Near the outline a chip takes the plastic away; further in it leaves a grey fracture surface.
      const body = clamp01(-dc * scale + 0.5) * (1 - broken * clamp01(1 + dc / 3));
      if (body > 0) {
        const rim = Math.exp(-(((dc + 2) / 1.5) ** 2));
        const dimple = Math.abs(Math.hypot(px + 22, py - BODY.cy + 14) - 5) < 1 ? 0.04 : 0;
        let m = plastic * (1 + 0.12 * fine[i]!) + 0.1 * rim * (1 - broken) + dimple;
        m += broken * (0.3 + 0.08 * fine[i]! - m);
        v = mix(v, [m, m, m * 1.05], body);
        cov = Math.max(cov, body);
      }
      coverage[i] = cov;
      shade[i * 3] = v[0];
      shade[i * 3 + 1] = v[1];
      shade[i * 3 + 2] = v[2];
    }
  }
}

function mix(a: readonly number[], b: readonly number[], t: number): [number, number, number] {
  return [a[0]! + t * (b[0]! - a[0]!), a[1]! + t * (b[1]! - a[1]!), a[2]! + t * (b[2]! - a[2]!)];
}
