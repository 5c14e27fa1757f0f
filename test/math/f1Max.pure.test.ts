import { describe, expect, it } from 'vitest';
import { f1Max } from '../../src/math/index';
import fixture from '../fixtures/roc.json';

// Against scikit-learn's precision_recall_curve: exact threshold, 1e-12 on the ratios.
describe('f1Max', () => {
  for (const c of fixture.cases) {
    it(`finds the threshold of scikit-learn's best F1 on precision_recall_curve with ${c.name}`, () => {
      const best = f1Max(Float32Array.from(c.scores), c.labels);
      expect(best.threshold).toBe(c.f1Max.threshold);
      expect(best.f1).toBeCloseTo(c.f1Max.f1, 12);
      expect(best.precision).toBeCloseTo(c.f1Max.precision, 12);
      expect(best.recall).toBeCloseTo(c.f1Max.recall, 12);
    });
  }

  it('returns an actual score as the threshold and predicts anomalous at score >= threshold', () => {
    expect(f1Max([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toEqual({ threshold: 0.35, f1: 0.8, precision: 2 / 3, recall: 1 });
    expect(f1Max([3, 1, 2], [true, false, true])).toEqual({ threshold: 2, f1: 1, precision: 1, recall: 1 });
  });

  it('keeps the highest threshold when two thresholds reach the same F1', () => {
    // F1 = 2·tp / (tp + fp + 2): t = 4 → 2/3, t = 3 → 1/2, t = 2 → 2/5, t = 1 → 4/6 = 2/3 (a tie with t = 4).
    expect(f1Max([4, 3, 2, 1], [1, 0, 0, 1]).threshold).toBe(4);
  });
});
