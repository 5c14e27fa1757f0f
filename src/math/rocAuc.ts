import { sortedByClass } from './sortScores';

/**
 * Area under the ROC curve: the exact Mann-Whitney statistic P(score⁺ > score⁻) + ½·P(score⁺ = score⁻),
 * ties counting half — the same number as scikit-learn's `roc_auc_score`. O(n log n): the scores are
 * split by class into two typed arrays, sorted (radix sort for Float32Array input), and merged once.
 * Fine for 10⁷ pixel scores in a Float32Array (nothing is copied to `number[]`).
 *
 * @param scores `[n]` finite scores, larger = more anomalous
 * @param labels `[n]` 1/true = anomalous (positive), 0/false = normal; both classes must occur
 * @returns the AUC in [0, 1]
 * @throws TypeError for a label other than 0/1/false/true; RangeError for non-finite scores,
 *   a length mismatch or a single class
 * @example
 * rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]); // 0.75
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number | boolean>): number {
  const { positives, negatives } = sortedByClass('rocAuc', scores, labels);
  const nn = negatives.length;
  // Σ over positives of (#negatives below) + (#negatives below or equal) = 2 × (wins + ½ ties).
  // Integer counts: exact in a double while P·N < 2^52 (n up to ~9·10⁷).
  let twiceWins = 0;
  let below = 0;
  let belowOrEqual = 0;
  for (let i = 0; i < positives.length; i++) {
    const p = positives[i]!;
    while (below < nn && negatives[below]! < p) below++;
    if (belowOrEqual < below) belowOrEqual = below;
    while (belowOrEqual < nn && negatives[belowOrEqual]! <= p) belowOrEqual++;
    twiceWins += below + belowOrEqual;
  }
  return twiceWins / (2 * positives.length * nn);
}
