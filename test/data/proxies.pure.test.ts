import { describe, expect, it } from 'vitest';
import { createSyntheticCategory, listSyntheticKinds, type SyntheticImage, synthesizeCategory } from '../../src/data/index';

// The proxies for hard real categories: a small object at a random pose (bolt), layout defects on an
// aligned object (board), a grayscale non-square surface (ceramic).

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Centroid (x, y) of the pixels whose every channel is below `threshold`. */
function darkCentroid(image: SyntheticImage, threshold: number): [number, number] {
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      let v = 0;
      for (let c = 0; c < image.channels; c++) v = Math.max(v, image.data[(y * image.width + x) * image.channels + c]!);
      if (v < threshold) {
        sx += x;
        sy += y;
        n++;
      }
    }
  }
  expect(n).toBeGreaterThan(50);
  return [sx / n, sy / n];
}

/** Orientation (radians, modulo π) of the dark pixels' principal axis. */
function darkAxis(image: SyntheticImage, threshold: number): number {
  const [mx, my] = darkCentroid(image, threshold);
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (image.data[y * image.width + x]! >= threshold) continue;
      sxx += (x - mx) ** 2;
      syy += (y - my) ** 2;
      sxy += (x - mx) * (y - my);
    }
  }
  return 0.5 * Math.atan2(2 * sxy, sxx - syy);
}

const range = (values: number[]): number => Math.max(...values) - Math.min(...values);

describe('synthetic proxies for hard categories', () => {
  it('lists bolt (grayscale object), board (RGB object) and ceramic (grayscale texture, 256 × 320 by default)', () => {
    const info = Object.fromEntries(listSyntheticKinds().map((k) => [k.kind, k]));
    expect(info.bolt).toEqual({
      kind: 'bolt',
      channels: 1,
      category: 'object',
      defectTypes: ['tip', 'front', 'thread', 'head', 'neck'],
      defaultSize: [256, 256],
    });
    expect(info.board).toEqual({
      kind: 'board',
      channels: 3,
      category: 'object',
      defectTypes: ['misplaced', 'missing', 'bent_lead', 'cut_lead', 'damaged_case'],
      defaultSize: [256, 256],
    });
    expect(info.ceramic).toEqual({
      kind: 'ceramic',
      channels: 1,
      category: 'texture',
      defectTypes: ['blowhole', 'crack', 'fray', 'uneven', 'break'],
      defaultSize: [256, 320],
    });
  });

  it('renders ceramic at 256 × 320 without an imageSize, and at the size asked for with one', () => {
    const category = createSyntheticCategory({ kind: 'ceramic', trainCount: 1, testCount: 0 });
    expect(category.options).toMatchObject({ height: 256, width: 320 });
    expect(category.train(0)).toMatchObject({ height: 256, width: 320, channels: 1 });
    expect(category.train(0).data.length).toBe(256 * 320);
    expect(createSyntheticCategory({ kind: 'ceramic', imageSize: 64, trainCount: 0, testCount: 0 }).options).toMatchObject({
      height: 64,
      width: 64,
    });
    expect(createSyntheticCategory({ kind: 'bolt', trainCount: 0, testCount: 0 }).options).toMatchObject({ height: 256, width: 256 });
  });

  it.each(['bolt', 'board', 'ceramic'] as const)(
    '%s gives identical bytes and masks for the same seed, other bytes for another',
    (kind) => {
      const options = { kind, seed: 13, trainCount: 2, testCount: 6, imageSize: [48, 64] as const, defectFraction: 0.5 };
      const a = synthesizeCategory(options);
      const b = synthesizeCategory(options);
      const c = synthesizeCategory({ ...options, seed: 14 });
      expect(bytesEqual(a.train[1]!.data, b.train[1]!.data)).toBe(true);
      a.test.forEach((s, i) => {
        expect(bytesEqual(s.image.data, b.test[i]!.image.data)).toBe(true);
        expect(bytesEqual(s.mask, b.test[i]!.mask)).toBe(true);
      });
      expect(bytesEqual(a.train[0]!.data, c.train[0]!.data)).toBe(false);
    },
  );

  it('puts the bolt at a different place and angle in every normal image', () => {
    const category = createSyntheticCategory({ kind: 'bolt', seed: 1, trainCount: 10, testCount: 0, imageSize: 128 });
    const images = [...category.trainImages()];
    const centroids = images.map((im) => darkCentroid(im, 90));
    expect(range(centroids.map((c) => c[0]))).toBeGreaterThan(25);
    expect(range(centroids.map((c) => c[1]))).toBeGreaterThan(25);
    // Axes spread over the half turn: some pair is at least 60° apart (modulo 180°).
    const axes = images.map((im) => darkAxis(im, 90));
    let widest = 0;
    for (const p of axes) {
      for (const q of axes) {
        const d = Math.abs(p - q) % Math.PI;
        widest = Math.max(widest, Math.min(d, Math.PI - d));
      }
    }
    expect(widest).toBeGreaterThan(Math.PI / 3);
  });

  it('keeps the board aligned: the dark case moves by a few pixels at most between normal images', () => {
    const category = createSyntheticCategory({ kind: 'board', seed: 1, trainCount: 10, testCount: 0, imageSize: 128 });
    const centroids = [...category.trainImages()].map((im) => darkCentroid(im, 50));
    expect(range(centroids.map((c) => c[0]))).toBeLessThanOrEqual(5);
    expect(range(centroids.map((c) => c[1]))).toBeLessThanOrEqual(5);
  });

  it('marks a misplaced or missing part where it should be and where it is (all of the case, both places)', () => {
    const category = createSyntheticCategory({
      kind: 'board',
      seed: 2,
      trainCount: 0,
      testCount: 8,
      imageSize: 128,
      defectFraction: 1,
      defectTypes: ['misplaced', 'missing'],
    });
    for (let i = 0; i < 8; i++) {
      const sample = category.test(i);
      const clean = category.testWithoutDefect(i);
      for (const image of [clean, sample.image]) {
        let dark = 0;
        let marked = 0;
        for (let p = 0; p < sample.mask.length; p++) {
          if (Math.max(image.data[p * 3]!, image.data[p * 3 + 1]!, image.data[p * 3 + 2]!) >= 50) continue;
          dark++;
          if (sample.mask[p] !== 0) marked++;
        }
        // (Of a missing part only the empty pad holes stay dark.)
        expect(marked / Math.max(1, dark), `${sample.defectType} #${i}`).toBeGreaterThan(
          image === sample.image && sample.defectType === 'missing' ? 0.9 : 0.99,
        );
      }
    }
  });

  it.each(['bolt', 'board', 'ceramic'] as const)('%s: every defect type changes pixels mostly inside its small mask', (kind) => {
    const types = listSyntheticKinds().find((k) => k.kind === kind)!.defectTypes;
    const category = createSyntheticCategory({
      kind,
      seed: 6,
      trainCount: 0,
      testCount: 3 * types.length,
      imageSize: 96,
      defectFraction: 1,
    });
    for (let i = 0; i < category.options.testCount; i++) {
      const sample = category.test(i);
      const clean = category.testWithoutDefect(i);
      const c = sample.image.channels;
      let inside = 0;
      let outside = 0;
      let area = 0;
      for (let p = 0; p < sample.mask.length; p++) {
        if (sample.mask[p] !== 0) area++;
        let d = 0;
        for (let ch = 0; ch < c; ch++) d = Math.max(d, Math.abs(sample.image.data[p * c + ch]! - clean.data[p * c + ch]!));
        if (sample.mask[p] !== 0) inside += d;
        else outside += d;
      }
      expect(area, `${kind} ${sample.defectType}`).toBeGreaterThan(0);
      expect(inside / (inside + outside), `${kind} ${sample.defectType}`).toBeGreaterThan(0.9);
      // Local defects: none covers more than a fifth of the image (a missing or misplaced part the most).
      expect(area / sample.mask.length, `${kind} ${sample.defectType}`).toBeLessThan(
        kind === 'board' && /^mis/.test(sample.defectType) ? 0.4 : 0.2,
      );
      if (kind === 'bolt') expect(area / sample.mask.length, `bolt ${sample.defectType} is thin`).toBeLessThan(0.02);
    }
  });
});
