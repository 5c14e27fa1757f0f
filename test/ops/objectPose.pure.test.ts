import { describe, expect, it } from 'vitest';
import { createPixelBatch } from '../../src/advanced';
import { createRng } from '../../src/math/random';
import { mapsFromPoses, objectPoses, shownByPoses, warpToPoses, type ObjectPose } from '../../src/ops/pixels/objectPose';

interface Key {
  cx: number;
  cy: number;
  angle: number;
}

/**
 * One `height × width × channels` image: a dark "key" (a disc, the head, at u = −10 and a bar, the
 * shank, to u = +22, 5 px wide) at `key` on a light background with a linear light falloff and a
 * faint seeded grain. The head is the heavier end: the axis points from it towards the shank's end.
 */
function keyImage(height: number, width: number, channels: number, key: Key, seed: number): Float32Array {
  const rng = createRng(seed);
  const data = new Float32Array(height * width * channels);
  const cos = Math.cos(key.angle);
  const sin = Math.sin(key.angle);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = x + 0.5 - key.cx;
      const dy = y + 0.5 - key.cy;
      const u = dx * cos + dy * sin;
      const v = -dx * sin + dy * cos;
      const inside = Math.hypot(u + 10, v) <= 7 || (u >= -10 && u <= 22 && Math.abs(v) <= 2.5);
      const level = inside ? 0.25 : 0.8 - (0.1 * x) / width + 0.01 * (rng() - 0.5);
      for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = level + 0.02 * c;
    }
  }
  return data;
}

function batchOf(height: number, width: number, channels: number, keys: Key[]) {
  const b = createPixelBatch({ batch: keys.length, height, width, channels });
  keys.forEach((k, i) => b.data.set(keyImage(height, width, channels, k, i), i * height * width * channels));
  return b;
}

/** The smallest difference between two angles, in degrees. */
function angleGap(a: number, b: number): number {
  const d = Math.abs(((a - b + 3 * Math.PI) % (2 * Math.PI)) - Math.PI);
  return (d * 180) / Math.PI;
}

const KEYS: Key[] = [
  { cx: 30, cy: 28, angle: 0.4 },
  { cx: 50, cy: 40, angle: 2.6 },
  { cx: 36, cy: 48, angle: -1.9 },
  { cx: 46, cy: 26, angle: -0.2 },
];

describe('objectPoses', () => {
  it("finds a key's centroid, its axis and the axis' direction (heavy head to shank), on a non-square image", () => {
    const poses = objectPoses(batchOf(72, 80, 3, KEYS));
    poses.forEach((p, i) => {
      const k = KEYS[i]!;
      // The centroid of head and shank lies on the axis, a little towards the head from the key's origin.
      const along = (p.cx - k.cx) * Math.cos(k.angle) + (p.cy - k.cy) * Math.sin(k.angle);
      const across = -(p.cx - k.cx) * Math.sin(k.angle) + (p.cy - k.cy) * Math.cos(k.angle);
      expect(Math.abs(across)).toBeLessThan(1);
      expect(along).toBeGreaterThan(-6);
      expect(along).toBeLessThan(2);
      expect(angleGap(p.angle, k.angle)).toBeLessThan(4);
      expect(p.elongation).toBeGreaterThan(0.5);
      expect(p.coverage).toBeGreaterThan(0.02);
      expect(p.coverage).toBeLessThan(0.08);
      // Every shank pixel lies within 23 px of the origin; the head's far edge at 17.
      expect(p.radius).toBeGreaterThan(15);
      expect(p.radius).toBeLessThan(28);
      // The background's mean level per channel: 0.8 − 0.05 (the mean falloff) + 0.02 · channel.
      p.background.forEach((level, c) => expect(level).toBeCloseTo(0.75 + 0.02 * c, 2));
    });
  });

  it('gives the identity pose (image centre, angle 0, coverage 0) when nothing stands out', () => {
    const plain = createPixelBatch({ batch: 1, height: 40, width: 30, channels: 1 });
    const rng = createRng(3);
    for (let i = 0; i < plain.data.length; i++) plain.data[i] = 0.5 + 0.01 * (rng() - 0.5);
    const [pose] = objectPoses(plain);
    expect(pose).toMatchObject({ cx: 15, cy: 20, angle: 0, elongation: 0, coverage: 0, radius: 0 });
  });
});

describe('warpToPoses', () => {
  it('brings keys at any angle and position onto one canonical pose, and leaves the input alone', () => {
    const images = batchOf(72, 80, 1, KEYS);
    const before = Float32Array.from(images.data);
    const poses = objectPoses(images);
    const upright = warpToPoses(images, poses);
    expect(images.data).toEqual(before);
    const size = 72 * 80;
    // Intersection over union of two images' dark (key) pixels.
    const overlap = (data: Float32Array, a: number, b: number) => {
      let both = 0;
      let either = 0;
      for (let i = 0; i < size; i++) {
        const da = data[a * size + i]! < 0.5;
        const db = data[b * size + i]! < 0.5;
        if (da && db) both++;
        if (da || db) either++;
      }
      return both / either;
    };
    for (let b = 1; b < KEYS.length; b++) {
      expect(overlap(before, 0, b)).toBeLessThan(0.2);
      expect(overlap(upright.data, 0, b)).toBeGreaterThan(0.85);
    }
    // Canonical: the centroid at the centre, the shank to the right of it, the head to the left.
    const at = (b: number, x: number, y: number) => upright.data[b * size + y * 80 + x]!;
    for (let b = 0; b < KEYS.length; b++) {
      expect(at(b, 40 + 18, 36)).toBeLessThan(0.4); // shank
      expect(at(b, 40 - 10, 36 + 5)).toBeLessThan(0.4); // head, beside the axis
      expect(at(b, 40 + 18, 36 + 5)).toBeGreaterThan(0.6); // beside the shank: background
    }
  });

  it('frames the disc of `radius` px on the shorter side, and fills what lies beyond the image with the background level', () => {
    const images = batchOf(64, 64, 3, [{ cx: 12, cy: 40, angle: 1 }]);
    const poses = objectPoses(images);
    const framed = warpToPoses(images, poses, undefined, 16);
    // Zoomed 2×: the shank (to 22 px along the axis, ~16 px from the centroid) reaches the right edge.
    const px = (x: number, y: number, c: number) => framed.data[(y * 64 + x) * 3 + c]!;
    expect(px(32 + 24, 32, 0)).toBeLessThan(0.4);
    // With the centroid at x ≈ 12, the canonical image's bottom-left shows the image's left edge
    // and what lies beyond it: the pose's background level, exactly.
    const unframed = warpToPoses(images, poses);
    const level = poses[0]!.background;
    let filled = 0;
    for (let p = 0; p < 64 * 64; p++) if ([0, 1, 2].every((c) => Math.abs(unframed.data[p * 3 + c]! - level[c]!) < 1e-6)) filled++;
    expect(filled).toBeGreaterThan(64 * 4);
  });

  it('refuses poses that do not match the batch', () => {
    const images = batchOf(32, 32, 3, [KEYS[0]!]);
    const [pose] = objectPoses(images);
    expect(() => warpToPoses(images, [])).toThrow(/poses must be an array of 1 poses/);
    expect(() => warpToPoses(images, [{ ...pose!, angle: NaN }])).toThrow(/poses\[0\] must have finite cx, cy and angle/);
    expect(() => warpToPoses(images, [{ ...pose!, background: [0.5] }])).toThrow(/background must hold 3 finite levels/);
  });
});

describe('mapsFromPoses', () => {
  it('brings a map made on the framed image back onto the image as given, the unseen part at the map minimum', () => {
    const images = batchOf(72, 80, 1, [KEYS[1]!]);
    const poses: ObjectPose[] = objectPoses(images);
    // A map in the canonical frame that is high at the shank's end (canonical x = 40 + 2 · 20 · 16/36 …):
    // simpler, mark the canonical point 12 px right of the centre and find where it lands.
    const radius = 24;
    const scale = (2 * radius) / 72; // source px per canonical px
    const map = createPixelBatch({ batch: 1, height: 72, width: 80, channels: 1 });
    for (let y = 0; y < 72; y++) for (let x = 0; x < 80; x++) map.data[y * 80 + x] = 1 + Math.exp(-((x - 52) ** 2 + (y - 36) ** 2) / 8);
    const back = mapsFromPoses(map, poses, radius);
    let best = 0;
    for (let i = 1; i < back.data.length; i++) if (back.data[i]! > back.data[best]!) best = i;
    const p = poses[0]!;
    // Canonical (52.5, 36.5) is 12 canonical px right of the centre: 12 · scale source px along the axis.
    const ex = p.cx + 12 * scale * Math.cos(p.angle);
    const ey = p.cy + 12 * scale * Math.sin(p.angle);
    expect(Math.hypot((best % 80) + 0.5 - ex, Math.floor(best / 80) + 0.5 - ey)).toBeLessThan(1.5);
    // Pixels farther than the frame (radius · √2 at the corners) from the centroid were not seen: the minimum.
    const far = Math.floor(p.cy) * 80 + (p.cx > 40 ? 0 : 79);
    expect(back.data[far]).toBe(1);
    expect(() => mapsFromPoses(createPixelBatch({ batch: 1, height: 72, width: 80, channels: 2 }), poses)).toThrow(/1 channel/);
  });
});

describe('shownByPoses', () => {
  it('marks exactly the framed pixels that warpToPoses took from within the image, then keeps `margin` away from the rest', () => {
    const images = batchOf(64, 64, 1, [
      { cx: 12, cy: 40, angle: 1 },
      { cx: 32, cy: 32, angle: 0.7 },
    ]);
    const poses = objectPoses(images);
    // A batch whose image is the distinct level 7 everywhere: its warp shows 7 where the image was
    // read and the background level where it lay beyond the border.
    const sevens = createPixelBatch({ batch: 2, height: 64, width: 64, channels: 1 });
    sevens.data.fill(7);
    const warped = warpToPoses(sevens, poses, undefined, 16);
    const [near, central] = shownByPoses(poses, 64, 64, 16);
    for (let p = 0; p < 64 * 64; p++) expect(near![p]).toBe(warped.data[p] === 7 ? 1 : 0);
    // The key near the left edge leaves part of the frame beyond the image; the central one does not.
    const count = (mask: Uint8Array) => mask.reduce((a, v) => a + v, 0);
    expect(count(near!)).toBeLessThan(64 * 60);
    expect(count(central!)).toBe(64 * 64);
    // With a margin, a pixel is shown only when every pixel within `margin` (a square) is.
    const margin = 5;
    const [eroded] = shownByPoses(poses, 64, 64, 16, margin);
    for (let y = 0; y < 64; y++)
      for (let x = 0; x < 64; x++) {
        let all = 1;
        for (let dy = -margin; dy <= margin; dy++)
          for (let dx = -margin; dx <= margin; dx++) {
            const [yy, xx] = [y + dy, x + dx];
            if (yy >= 0 && yy < 64 && xx >= 0 && xx < 64 && !near![yy * 64 + xx]) all = 0;
          }
        expect(eroded![y * 64 + x]).toBe(all);
      }
    expect(count(eroded!)).toBeLessThan(count(near!));
    expect(count(eroded!)).toBeGreaterThan(64 * 16);
  });

  it('refuses a bad margin, size, radius or poses', () => {
    const [pose] = objectPoses(batchOf(32, 32, 1, [KEYS[0]!]));
    expect(() => shownByPoses([pose!], 32, 32, undefined, -1)).toThrow(/margin must be an integer ≥ 0, got -1/);
    expect(() => shownByPoses([pose!], 32, 32, undefined, 1.5)).toThrow(/margin must be an integer/);
    expect(() => shownByPoses([{ ...pose!, cx: NaN }], 32, 32)).toThrow(/poses\[0\] must have finite cx, cy and angle/);
    expect(() => shownByPoses([pose!], 0, 32)).toThrow(/\[height, width\] must be a positive integer/);
    expect(() => shownByPoses([pose!], 32, 32.5)).toThrow(/\[height, width\] must be a positive integer/);
    expect(() => shownByPoses([pose!], 32, 32, -4)).toThrow(/radius must be a finite number > 0 or undefined, got -4/);
  });
});
