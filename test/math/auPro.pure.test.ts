import { describe, expect, it } from 'vitest';
import { auPro, labelRegions } from '../../src/math/index';
import fixture from '../fixtures/aupro.json';

const { height, width, masks } = fixture;

// Against the official MVTec AD code (ported to scripts/make-fixtures.py): 1e-12 absolute.
describe('auPro', () => {
  for (const c of fixture.cases) {
    for (const [limit, expected] of Object.entries(c.expected as Record<string, number>)) {
      it(`matches the MVTec AD reference on ${c.name} maps with fprLimit ${limit}`, () => {
        const options = { fprLimit: Number(limit) };
        expect(
          auPro(
            c.maps.map((m) => Float32Array.from(m)),
            masks.map((m) => Uint8Array.from(m)),
            height,
            width,
            options,
          ),
        ).toBeCloseTo(expected, 12);
        expect(auPro(c.maps, masks, height, width, options)).toBeCloseTo(expected, 12); // number[] path
      });
    }
  }

  it('uses fprLimit 0.3 by default', () => {
    const c = fixture.cases[0]!;
    expect(auPro(c.maps, masks, height, width)).toBeCloseTo(c.expected['0.3'], 12);
  });

  it('is 1 for a perfect map and lower when the map is shuffled', () => {
    const perfect = masks.map((m) => Float32Array.from(m, (v) => (v > 0 ? 1 : 0)));
    expect(auPro(perfect, masks, height, width)).toBeCloseTo(1, 12);
    const inverted = perfect.map((m) => m.map((v) => 1 - v));
    expect(auPro(inverted, masks, height, width)).toBe(0);
  });

  it('treats every defect pixel as its own weight 1/region size (a small region counts as much as a big one)', () => {
    // 3×4 mask with regions {0, 4, 5} (3 pixels) and {7} (1 pixel); only pixel 7 scores high.
    const mask = [1, 0, 0, 0, 1, 1, 0, 1, 0, 0, 0, 0];
    expect(labelRegions(mask, 3, 4).count).toBe(2);
    const map = [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0];
    // Curve (0, 0) → (0, 0.5) (the small region is found) → (1, 1): area 0.5·(0.5 + 1) = 0.75.
    expect(auPro([map], [mask], 3, 4, { fprLimit: 1 })).toBeCloseTo(0.75, 14);
  });

  it('rejects bad inputs with messages naming the argument', () => {
    const m = fixture.cases[0]!.maps;
    expect(() => auPro(m, masks, height + 1, width)).toThrow(/maps\[0\] must have length height × width = 21 × 28 = 588, got length 560/);
    expect(() => auPro(m, masks.slice(1), height, width)).toThrow(/masks must have one mask per map \(4\), got 3/);
    expect(() => auPro(m, masks, height, width, { fprLimit: 0 })).toThrow(/options.fprLimit must be a number in \(0, 1\], got 0/);
    expect(() => auPro(m, masks, height, width, { fprLimit: 1.2 })).toThrow(RangeError);
    expect(() => auPro(m, masks, 20.5, width)).toThrow(/height must be a positive integer, got 20.5/);
    expect(() => auPro(m, masks, height, 0)).toThrow(/width must be a positive integer, got 0/);
    const nan = m.map((x) => x.slice());
    nan[2]![7] = NaN;
    expect(() => auPro(nan, masks, height, width)).toThrow(/maps\[2\]\[7\] must be a finite number, got NaN/);
    const empty = masks.map((x) => x.map(() => 0));
    expect(() => auPro(m, empty, height, width)).toThrow(/masks must contain at least one defect pixel/);
    const full = masks.map((x) => x.map(() => 1));
    expect(() => auPro(m, full, height, width)).toThrow(/at least one defect-free pixel/);
    const bad = masks.map((x) => x.slice() as unknown[]);
    bad[1]![3] = 'x';
    expect(() => auPro(m, bad as number[][], height, width)).toThrow(
      /masks\[1\]\[3\] must be a number \(> 0 = defect\) or a boolean, got "x"/,
    );
  });
});

describe('labelRegions', () => {
  it('finds the regions scipy.ndimage.label finds with an all-ones 3×3 structure', () => {
    fixture.regionsPerMask.forEach((count, i) => {
      expect(labelRegions(masks[i]!, height, width).count).toBe(count);
    });
  });

  it('joins diagonal neighbours, keeps a ring with a hole as one region and reports sizes', () => {
    const { labels, count, sizes } = labelRegions([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1], 3, 4);
    expect(count).toBe(2);
    expect(Array.from(labels)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 2]);
    expect(Array.from(sizes)).toEqual([0, 3, 1]);
    const ring = [1, 1, 1, 1, 0, 1, 1, 1, 1];
    expect(labelRegions(ring, 3, 3).count).toBe(1);
  });
});
