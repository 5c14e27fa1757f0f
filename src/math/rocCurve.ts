import { forEachThreshold, sortedByClass } from './sortScores';

/** The points of a ROC curve, from (0, 0) to (1, 1). */
export interface RocCurve {
  /** False-positive rate at each threshold, non-decreasing, starting at 0 and ending at 1. */
  readonly fpr: Float64Array;
  /** True-positive rate at each threshold, non-decreasing, starting at 0 and ending at 1. */
  readonly tpr: Float64Array;
  /** Decreasing thresholds: `+Infinity` (nothing predicted anomalous), then every distinct score. */
  readonly thresholds: Float64Array;
}

/**
 * The ROC curve: one point per distinct score t, predicting "anomalous" when score ≥ t, preceded by the
 * point (0, 0) at threshold `+Infinity`. Matches scikit-learn's `roc_curve(labels, scores,
 * drop_intermediate=False)` (scikit-learn ≥ 1.3 also uses `inf` as the first threshold; 1.2 used max + 1).
 * No collinear point is dropped.
 *
 * @param scores `[n]` finite scores, larger = more anomalous
 * @param labels `[n]` 1/true = anomalous, 0/false = normal; both classes must occur
 * @returns three arrays of length (distinct scores + 1)
 * @example
 * rocCurve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
 * // fpr [0, 0, 0.5, 0.5, 1], tpr [0, 0.5, 0.5, 1, 1], thresholds [Infinity, 0.8, 0.4, 0.35, 0.1]
 */
export function rocCurve(scores: ArrayLike<number>, labels: ArrayLike<number | boolean>): RocCurve {
  const { positives, negatives } = sortedByClass('rocCurve', scores, labels);
  let distinct = 0;
  forEachThreshold(positives, negatives, () => {
    distinct++;
  });
  const fpr = new Float64Array(distinct + 1);
  const tpr = new Float64Array(distinct + 1);
  const thresholds = new Float64Array(distinct + 1);
  thresholds[0] = Infinity;
  const p = positives.length;
  const n = negatives.length;
  let i = 1;
  forEachThreshold(positives, negatives, (t, tp, fp) => {
    thresholds[i] = t;
    tpr[i] = tp / p;
    fpr[i] = fp / n;
    i++;
  });
  return { fpr, tpr, thresholds };
}
