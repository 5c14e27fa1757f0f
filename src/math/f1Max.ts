import { forEachThreshold, sortedByClass } from './sortScores';

/** The best F1 operating point. */
export interface F1Max {
  /** The score threshold (one of the scores): predict anomalous when score ≥ threshold. */
  readonly threshold: number;
  /** The F1 score at that threshold, 2·precision·recall / (precision + recall). */
  readonly f1: number;
  /** Precision tp / (tp + fp) at that threshold. */
  readonly precision: number;
  /** Recall tp / (tp + fn) at that threshold. */
  readonly recall: number;
}

/**
 * The threshold that maximises F1 (the "F1-max" / adaptive threshold): every distinct score is tried as
 * a threshold t with the rule "anomalous when score ≥ t", as on scikit-learn's `precision_recall_curve`.
 * When several thresholds reach the same F1, the highest one is returned. O(n log n).
 *
 * @param scores `[n]` finite scores, larger = more anomalous
 * @param labels `[n]` 1/true = anomalous, 0/false = normal; both classes must occur
 * @example
 * f1Max([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
 * // { threshold: 0.35, f1: 0.8, precision: 0.6667, recall: 1 }
 */
export function f1Max(scores: ArrayLike<number>, labels: ArrayLike<number | boolean>): F1Max {
  const { positives, negatives } = sortedByClass('f1Max', scores, labels);
  const p = positives.length;
  let bestF1 = -1;
  let bestThreshold = Infinity;
  let bestTp = 0;
  let bestFp = 0;
  forEachThreshold(positives, negatives, (t, tp, fp) => {
    // F1 = 2·tp / (2·tp + fp + fn) with fn = p − tp; strict > keeps the highest threshold among ties.
    const f1 = (2 * tp) / (tp + fp + p);
    if (f1 > bestF1) {
      bestF1 = f1;
      bestThreshold = t;
      bestTp = tp;
      bestFp = fp;
    }
  });
  const precision = bestTp / (bestTp + bestFp);
  const recall = bestTp / p;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { threshold: bestThreshold, f1, precision, recall };
}
