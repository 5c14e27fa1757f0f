// Patch-level pretext batches keep the source images' pixel scale: the paper's scars are 2–16 × 10–25 px
// at 256 px (appendix A.2) whether the network sees the whole image or a 32 px crop of it.
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/math/random';
import type { PixelBatch } from '../../src/ops/pixels/pixelBatch';
import { resolveTrainOptions } from '../../src/train/options';
import { pretextPixels } from '../../src/train/pretext';
import { nextBatch } from '../../src/train/pretextBatch';

/** `count` images of uniform noise: every pasted pixel differs from the one it replaces. */
function noise(count: number, height: number, width: number, seed: number): PixelBatch {
  const rng = createRng(seed);
  return {
    data: Float32Array.from({ length: count * height * width * 3 }, () => 0.05 + 0.9 * rng()),
    batch: count,
    height,
    width,
    channels: 3,
  };
}

interface Region {
  /** Changed pixels. */
  area: number;
  /** Bounding box of the changed pixels. */
  rows: number;
  cols: number;
  /** Centre of the bounding box (row, column; pixel centres at integers). */
  middle: [number, number];
  /** Sides of the rectangle with the same second moments (a rotated scar's length and width). */
  long: number;
  short: number;
}

/** The changed pixels of image `k` of `copy` against image `i` of the batch's originals. */
function changedRegion(images: PixelBatch, i: number, k: number): Region {
  const { height: H, width: W, channels: C } = images;
  const size = H * W * C;
  const ys: number[] = [];
  const xs: number[] = [];
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const p = (y * W + x) * C;
      let differs = false;
      for (let c = 0; c < C; c++) differs ||= images.data[i * size + p + c] !== images.data[k * size + p + c];
      if (differs) {
        ys.push(y);
        xs.push(x);
      }
    }
  }
  const n = ys.length;
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / n;
  const my = mean(ys);
  const mx = mean(xs);
  const syy = mean(ys.map((y) => (y - my) ** 2));
  const sxx = mean(xs.map((x) => (x - mx) ** 2));
  const sxy = mean(ys.map((y, j) => (y - my) * (xs[j]! - mx)));
  const half = Math.sqrt(((syy - sxx) / 2) ** 2 + sxy ** 2);
  const [l1, l2] = [(syy + sxx) / 2 + half, (syy + sxx) / 2 - half];
  // A run of n pixels has variance (n² − 1) / 12.
  return {
    area: n,
    rows: n ? Math.max(...ys) - Math.min(...ys) + 1 : 0,
    cols: n ? Math.max(...xs) - Math.min(...xs) + 1 : 0,
    middle: [(Math.max(...ys) + Math.min(...ys)) / 2, (Math.max(...xs) + Math.min(...xs)) / 2],
    long: Math.sqrt(12 * l1 + 1),
    short: Math.sqrt(12 * Math.max(0, l2) + 1),
  };
}

/** The regions of every augmented copy of class `label` over `batches` patch-level batches. */
function regions(source: PixelBatch, patchSize: number, label: 1 | 2, batches: number, pasteCentre?: number): Region[] {
  const o = resolveTrainOptions({ level: 'patch', patchSize, variant: '3way', colorJitter: 0, translate: 0, batchSize: 32, pasteCentre });
  const rng = createRng(`scale-${patchSize}`);
  const out: Region[] = [];
  for (let b = 0; b < batches; b++) {
    const indices = Array.from({ length: 32 }, (_, j) => j % source.batch);
    const { images, labels } = nextBatch(source, indices, o, rng);
    for (let j = 0; j < 32; j++) {
      expect(labels[label * 32 + j]).toBe(label);
      out.push(changedRegion(images, j, label * 32 + j));
    }
  }
  return out;
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const quantile = (v: number[], q: number) => [...v].sort((a, b) => a - b)[Math.floor(q * (v.length - 1))]!;

describe('patch-level pretext batches', () => {
  const source = noise(4, 256, 256, 1);

  it("draw scars on 32 px crops of 256 px images at the images' scale: 2–16 × 10–25 px", () => {
    const scars = regions(source, 32, 2, 8); // 256 scars
    expect(scars.every((s) => s.area > 0)).toBe(true);
    // The paper's sizes (uniform, independent): width mean 9, length mean 17.5, area mean ≈ 157 px.
    expect(mean(scars.map((s) => s.area))).toBeGreaterThan(120);
    expect(mean(scars.map((s) => s.area))).toBeLessThan(190);
    expect(mean(scars.map((s) => s.long))).toBeGreaterThan(16);
    expect(mean(scars.map((s) => s.long))).toBeLessThan(20);
    expect(mean(scars.map((s) => s.short))).toBeGreaterThan(7);
    expect(mean(scars.map((s) => s.short))).toBeLessThan(11);
    expect(
      quantile(
        scars.map((s) => s.long),
        0.05,
      ),
    ).toBeGreaterThan(9);
    expect(
      quantile(
        scars.map((s) => s.long),
        0.95,
      ),
    ).toBeLessThan(27);
    expect(Math.max(...scars.map((s) => s.short))).toBeLessThan(18);
    expect(Math.max(...scars.map((s) => Math.max(s.rows, s.cols)))).toBeLessThanOrEqual(32);
  });

  it('shorten the scars that a 16 px crop cannot hold and still draw every one', () => {
    const scars = regions(source, 16, 2, 4);
    expect(scars.every((s) => s.area >= 2 && s.rows <= 16 && s.cols <= 16)).toBe(true);
    // At the crop's own scale (1/16) a scar would be at most 1 × 2 px.
    expect(mean(scars.map((s) => s.area))).toBeGreaterThan(40);
    expect(
      quantile(
        scars.map((s) => s.long),
        0.5,
      ),
    ).toBeGreaterThan(10);
  });

  it('paste CutPaste patches of at least 2 px a side on 16 px crops, at the crop’s scale', () => {
    const patches = regions(source, 16, 1, 4);
    expect(patches.every((p) => p.rows >= 2 && p.cols >= 2)).toBe(true);
    // 2–15 % of the crop's 256 px.
    expect(Math.max(...patches.map((p) => p.area))).toBeLessThanOrEqual(0.15 * 256 * 1.5);
  });

  it('land patches and scars in the middle half of 32 px crops by default, anywhere with pasteCentre 1', () => {
    // Off the middle: the bounding box's centre more than a quarter of the crop (8 px, plus the half
    // pixel that rounding a corner may add) from the crop's centre (15.5).
    const off = (r: Region) => Math.max(Math.abs(r.middle[0] - 15.5), Math.abs(r.middle[1] - 15.5)) > 8.5;
    for (const label of [1, 2] as const) {
      const centred = regions(source, 32, label, 4);
      expect(centred.filter(off), `class ${label}`).toEqual([]);
      const anywhere = regions(source, 32, label, 4, 1);
      expect(anywhere.filter(off).length, `class ${label}`).toBeGreaterThan(anywhere.length / 32);
    }
    expect(resolveTrainOptions({ level: 'patch' }).pasteCentre).toBe(0.5);
    expect(resolveTrainOptions({ level: 'image' }).pasteCentre).toBe(1);
  });

  it('leave image-level batches as pretextPixels makes them (scar scale of the images themselves)', () => {
    const images = noise(3, 64, 48, 2);
    const o = resolveTrainOptions({ level: 'image', variant: '3way', colorJitter: 0, translate: 0 });
    const a = nextBatch(images, [0, 1, 2], o, createRng(3));
    const b = pretextPixels(images, '3way', createRng(3));
    expect(a.images.data).toEqual(b.images.data);
  });

  it('refuses a scar scale that is not a positive number', () => {
    expect(() => pretextPixels(noise(1, 16, 16, 3), 'scar', createRng(1), { scarScale: 0 })).toThrow(
      /^pretextPixels: options.scarScale must be a positive finite number, got 0$/,
    );
  });
});
