import { describe, expect, it } from 'vitest';
import { createRng, rocAuc, rocCurve } from '../../src/math/index';
import fixture from '../fixtures/roc.json';
import { expectAllClose } from '../helpers/close';

/** O(n²) Mann-Whitney count, the definition itself. */
function bruteAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < scores.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      wins += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

// Against scikit-learn: 1e-12 relative (both compute exact counts).
describe('rocAuc', () => {
  for (const c of fixture.cases) {
    it(`matches scikit-learn's roc_auc_score with ${c.name}`, () => {
      expectAllClose([rocAuc(c.scores, c.labels)], [c.auc], 1e-12, 0, 'auc');
      expectAllClose([rocAuc(Float32Array.from(c.scores), Uint8Array.from(c.labels))], [c.auc], 1e-12, 0, 'auc (typed)');
      expectAllClose(
        [
          rocAuc(
            Float64Array.from(c.scores),
            c.labels.map((l) => l === 1),
          ),
        ],
        [c.auc],
        1e-12,
        0,
        'auc (boolean)',
      );
    });
  }

  it('counts ties as half a win', () => {
    expect(rocAuc([1, 1], [0, 1])).toBe(0.5);
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(rocAuc([-0, 0, 1], [1, 0, 0])).toBe(0.25); // -0 and +0 tie
  });

  it('gives 1 − AUC for reversed scores, is invariant to monotone transforms and to order', () => {
    const rng = createRng(4);
    const n = 2000;
    const scores = new Float32Array(n);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = rng() < 0.3 ? 1 : 0;
      scores[i] = Math.round((rng() + 0.3 * labels[i]!) * 50) / 50; // many ties
    }
    const auc = rocAuc(scores, labels);
    expect(auc).toBeCloseTo(bruteAuc(scores, labels), 14);
    expect(
      rocAuc(
        scores.map((s) => -s),
        labels,
      ),
    ).toBeCloseTo(1 - auc, 14);
    expect(
      rocAuc(
        Float64Array.from(scores, (s) => Math.exp(3 * s) - 7),
        labels,
      ),
    ).toBeCloseTo(auc, 14);
    const flipped = labels.map((l) => 1 - l);
    expect(rocAuc(scores, flipped)).toBeCloseTo(1 - auc, 14);
    const perm = Array.from({ length: n }, (_, i) => i).reverse();
    expect(
      rocAuc(
        perm.map((i) => scores[i]!),
        perm.map((i) => labels[i]!),
      ),
    ).toBe(auc);
  });

  it('handles 10⁶ Float32 scores without converting them to number[]', () => {
    const rng = createRng(9);
    const n = 1_000_000;
    const scores = new Float32Array(n);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = rng() < 0.1 ? 1 : 0;
      scores[i] = rng() + 0.5 * labels[i]!;
    }
    const auc = rocAuc(scores, labels);
    // Exact value for U(0,1) vs U(0.5,1.5): 1 − 0.5·0.5·0.5 = 0.875, sampling error ~1e-3.
    expect(auc).toBeGreaterThan(0.87);
    expect(auc).toBeLessThan(0.88);
  });
});

describe('rocCurve', () => {
  for (const c of fixture.cases) {
    it(`matches scikit-learn's roc_curve(drop_intermediate=False) with ${c.name}`, () => {
      const { fpr, tpr, thresholds } = rocCurve(Float32Array.from(c.scores), c.labels);
      expectAllClose(fpr, c.fpr, 1e-15, 0, 'fpr');
      expectAllClose(tpr, c.tpr, 1e-15, 0, 'tpr');
      expect(thresholds[0]).toBe(Infinity);
      expectAllClose(thresholds.subarray(1), c.thresholds.slice(1) as number[], 0, 0, 'thresholds');
    });
  }

  it('has an area equal to rocAuc (trapezoids)', () => {
    const c = fixture.cases[0]!;
    const { fpr, tpr } = rocCurve(c.scores, c.labels);
    let area = 0;
    for (let i = 1; i < fpr.length; i++) area += ((fpr[i]! - fpr[i - 1]!) * (tpr[i]! + tpr[i - 1]!)) / 2;
    expect(area).toBeCloseTo(rocAuc(c.scores, c.labels), 14);
  });

  it('documents its example', () => {
    const { fpr, tpr, thresholds } = rocCurve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
    expect(Array.from(fpr)).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(Array.from(tpr)).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(Array.from(thresholds)).toEqual([Infinity, 0.8, 0.4, 0.35, 0.1]);
  });
});
