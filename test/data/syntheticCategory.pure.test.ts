import { describe, expect, it } from 'vitest';
import { createSyntheticCategory, listSyntheticKinds, MASK_THRESHOLD, type SyntheticKind, synthesizeCategory } from '../../src/data/index';

const kinds = listSyntheticKinds();

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function area(mask: Uint8Array): number {
  let n = 0;
  for (const v of mask) if (v !== 0) n++;
  return n;
}

describe('synthesizeCategory', () => {
  it('lists textures and at least one object kind, with grid as the grayscale kind', () => {
    const names = kinds.map((k) => k.kind);
    expect(names).toEqual(expect.arrayContaining(['carpet', 'wood', 'grid', 'leather', 'tile', 'pill', 'bolt', 'board', 'ceramic']));
    expect(kinds.find((k) => k.kind === 'grid')!.channels).toBe(1);
    expect(kinds.some((k) => k.category === 'object')).toBe(true);
    for (const k of kinds) expect(k.defectTypes.length).toBeGreaterThanOrEqual(5);
  });

  it('gives identical bytes for the same seed and different bytes for another seed', () => {
    const options = { kind: 'carpet' as const, seed: 11, trainCount: 2, testCount: 4, imageSize: 40, defectFraction: 0.5 };
    const a = synthesizeCategory(options);
    const b = synthesizeCategory(options);
    const c = synthesizeCategory({ ...options, seed: 12 });
    expect(bytesEqual(a.train[1]!.data, b.train[1]!.data)).toBe(true);
    a.test.forEach((s, i) => {
      expect(bytesEqual(s.image.data, b.test[i]!.image.data)).toBe(true);
      expect(bytesEqual(s.mask, b.test[i]!.mask)).toBe(true);
      expect(s.defectType).toBe(b.test[i]!.defectType);
    });
    expect(bytesEqual(a.train[0]!.data, c.train[0]!.data)).toBe(false);
    // Normal samples vary among themselves (lighting, phase, noise).
    expect(bytesEqual(a.train[0]!.data, a.train[1]!.data)).toBe(false);
  });

  it('renders one sample lazily with the same bytes as the whole set', () => {
    const options = { kind: 'pill' as const, seed: 'lazy', trainCount: 3, testCount: 6, imageSize: [48, 56] as const };
    const all = synthesizeCategory(options);
    const lazy = createSyntheticCategory(options);
    expect(bytesEqual(lazy.train(2).data, all.train[2]!.data)).toBe(true);
    const t = lazy.test(4);
    expect(bytesEqual(t.image.data, all.test[4]!.image.data)).toBe(true);
    expect(bytesEqual(t.mask, all.test[4]!.mask)).toBe(true);
    expect(lazy.testPlan.map((e) => e.defectType)).toEqual(all.test.map((s) => s.defectType));
  });

  it.each(kinds.map((k) => [k.kind, k.channels] as const))(
    '%s images are height × width × channels bytes for a non-square size, masks height × width of 0/255',
    (kind, channels) => {
      const height = 36;
      const width = 52;
      const set = synthesizeCategory({ kind, seed: 3, trainCount: 1, testCount: 4, imageSize: [height, width], defectFraction: 0.5 });
      for (const image of [set.train[0]!, ...set.test.map((s) => s.image)]) {
        expect(image).toMatchObject({ height, width, channels });
        expect(image.data).toBeInstanceOf(Uint8Array);
        expect(image.data.length).toBe(height * width * channels);
      }
      for (const s of set.test) {
        expect(s.mask.length).toBe(height * width);
        expect(s.mask.every((v) => v === 0 || v === 255)).toBe(true);
        if (s.label === 1) {
          expect(area(s.mask), `${kind} ${s.defectType}`).toBeGreaterThan(0);
          expect(s.defectType).not.toBe('good');
        } else {
          expect(area(s.mask)).toBe(0);
          expect(s.defectType).toBe('good');
        }
      }
    },
  );

  it.each(kinds.map((k) => [k.kind] as const))(
    '%s defects change pixels only inside their mask (compared with the same sample rendered without the defect)',
    (kind) => {
      const category = createSyntheticCategory({
        kind,
        seed: 5,
        trainCount: 0,
        testCount: 2 * kinds.find((k) => k.kind === kind)!.defectTypes.length,
        imageSize: 64,
        defectFraction: 1,
      });
      const types = new Set<string>();
      for (let i = 0; i < category.options.testCount; i++) {
        const sample = category.test(i);
        types.add(sample.defectType);
        const clean = category.testWithoutDefect(i);
        const c = sample.image.channels;
        let inside = 0;
        let outside = 0;
        let maxOutside = 0;
        for (let p = 0; p < sample.mask.length; p++) {
          let d = 0;
          for (let ch = 0; ch < c; ch++) d = Math.max(d, Math.abs(sample.image.data[p * c + ch]! - clean.data[p * c + ch]!));
          if (d < 3) continue; // ±1–2 levels: rounding of invisible tails
          if (sample.mask[p] !== 0) inside += d;
          else {
            outside += d;
            maxOutside = Math.max(maxOutside, d);
          }
        }
        expect(inside, `${kind} ${sample.defectType} changed nothing`).toBeGreaterThan(0);
        expect(inside / (inside + outside), `${kind} ${sample.defectType}`).toBeGreaterThan(0.95);
        // Outside the mask only tails below the threshold remain (threshold × 255 × lighting gain, + rounding).
        expect(maxOutside, `${kind} ${sample.defectType}`).toBeLessThanOrEqual(Math.ceil(MASK_THRESHOLD * 255 * 1.15) + 1);
      }
      expect([...types].sort()).toEqual([...kinds.find((k) => k.kind === kind)!.defectTypes].sort());
    },
  );

  it('renders a normal test image identically with or without the defect request', () => {
    const category = createSyntheticCategory({ kind: 'wood', seed: 9, trainCount: 0, testCount: 6, imageSize: 40 });
    const good = category.testPlan.findIndex((e) => e.label === 0);
    expect(bytesEqual(category.test(good).image.data, category.testWithoutDefect(good).data)).toBe(true);
  });

  it('spreads defect sizes from a fraction of a percent to several percent of the image', () => {
    const fractions: number[] = [];
    for (const { kind } of kinds) {
      const set = synthesizeCategory({ kind, seed: 21, trainCount: 0, testCount: 10, imageSize: 96, defectFraction: 1 });
      for (const s of set.test) fractions.push(area(s.mask) / (96 * 96));
    }
    fractions.sort((a, b) => a - b);
    expect(fractions[0]!).toBeLessThan(0.003);
    expect(fractions[fractions.length - 1]!).toBeGreaterThan(0.02);
    const median = fractions[Math.floor(fractions.length / 2)]!;
    expect(median).toBeGreaterThan(0.002);
    expect(median).toBeLessThan(0.03);
  });

  it('makes defects larger at a lower difficulty and smaller at a higher one', () => {
    const meanArea = (difficulty: number): number => {
      const set = synthesizeCategory({
        kind: 'leather',
        seed: 4,
        trainCount: 0,
        testCount: 10,
        imageSize: 64,
        defectFraction: 1,
        difficulty,
      });
      return set.test.reduce((sum, s) => sum + area(s.mask), 0) / set.test.length;
    };
    const easy = meanArea(0);
    const usual = meanArea(0.5);
    const hard = meanArea(1);
    expect(easy).toBeGreaterThan(usual);
    expect(usual).toBeGreaterThan(hard);
  });

  it('puts round(testCount × defectFraction) defects in the test set, spread evenly over the requested types', () => {
    const category = createSyntheticCategory({
      kind: 'tile',
      testCount: 13,
      trainCount: 0,
      defectFraction: 0.6,
      defectTypes: ['oil', 'crack'],
      imageSize: 32,
    });
    const defects = category.testPlan.filter((e) => e.label === 1);
    expect(defects.length).toBe(8);
    expect(defects.filter((e) => e.defectType === 'crack').length).toBe(4);
    expect(defects.filter((e) => e.defectType === 'oil').length).toBe(4);
    expect(category.testPlan.filter((e) => e.label === 0).every((e) => e.defectType === 'good')).toBe(true);
  });

  it('is not solved by the mean and spread of the pixels (a weak global baseline stays far from AUROC 1)', () => {
    for (const { kind } of kinds) {
      const set = synthesizeCategory({ kind, seed: 2, trainCount: 24, testCount: 24, imageSize: 64 });
      const features = (data: Uint8Array): number[] => {
        let s = 0;
        let s2 = 0;
        for (const v of data) {
          s += v;
          s2 += v * v;
        }
        const m = s / data.length;
        return [m, Math.sqrt(s2 / data.length - m * m)];
      };
      const train = set.train.map((im) => features(im.data));
      const mean = [0, 1].map((j) => train.reduce((a, f) => a + f[j]!, 0) / train.length);
      const sd = [0, 1].map((j) => Math.sqrt(train.reduce((a, f) => a + (f[j]! - mean[j]!) ** 2, 0) / (train.length - 1)));
      const score = (f: number[]): number => Math.hypot((f[0]! - mean[0]!) / sd[0]!, (f[1]! - mean[1]!) / sd[1]!);
      const pos = set.test.filter((s) => s.label === 1).map((s) => score(features(s.image.data)));
      const neg = set.test.filter((s) => s.label === 0).map((s) => score(features(s.image.data)));
      let wins = 0;
      for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
      expect(wins / (pos.length * neg.length), kind).toBeLessThan(0.85);
    }
  });

  it.each([
    [{ kind: 'marble' }, /options\.kind must be one of 'carpet'.*got "marble"/],
    [{ kind: 'wood', imageSize: 16 }, /options\.imageSize must be an integer in \[32, 4096\].*got 16/],
    [{ kind: 'wood', imageSize: [64, 20.5] }, /options\.imageSize .*got \[64, 20\.5\]/],
    [{ kind: 'wood', trainCount: -1 }, /options\.trainCount must be an integer in \[0, 1000000\], got -1/],
    [{ kind: 'wood', testCount: 2.5 }, /options\.testCount must be an integer/],
    [{ kind: 'wood', defectFraction: 1.5 }, /options\.defectFraction must be a number in \[0, 1\], got 1\.5/],
    [{ kind: 'wood', difficulty: Number.NaN }, /options\.difficulty must be a number in \[0, 1\], got NaN/],
    [{ kind: 'wood', seed: Number.POSITIVE_INFINITY }, /options\.seed must be a finite number or a string/],
    [{ kind: 'wood', defectTypes: ['dent'] }, /options\.defectTypes must be a non-empty list of wood's defect types.*got "dent"/],
    [{ kind: 'wood', defectTypes: [] }, /options\.defectTypes must be a non-empty list/],
  ])('rejects %o with a RangeError naming the option', (options, message) => {
    expect(() => synthesizeCategory(options as { kind: SyntheticKind })).toThrow(RangeError);
    expect(() => synthesizeCategory(options as { kind: SyntheticKind })).toThrow(message);
  });

  it('rejects an index outside the set with a RangeError', () => {
    const category = createSyntheticCategory({ kind: 'grid', trainCount: 2, testCount: 2, imageSize: 32 });
    expect(() => category.train(2)).toThrow(/index must be an integer in \[0, 1\], got 2/);
    expect(() => category.test(-1)).toThrow(RangeError);
  });
});
