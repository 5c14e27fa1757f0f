/** How a detector's threshold was set. */
export interface Threshold {
  /** Scores `>= value` are anomalous. */
  value: number;
  /**
   * `'fit'`: provisional, from out-of-fold scores of the training images (`quantile`);
   * `'quantile'`: `calibrate` on normal images; `'f1-max'`: `calibrateWithLabels`; `'manual'`: set by the user.
   */
  method: 'fit' | 'quantile' | 'f1-max' | 'manual';
  /** The quantile of normal scores used (`'fit'`, `'quantile'`). */
  quantile?: number;
}

/**
 * The `q`-quantile of `values` with linear interpolation between order statistics (numpy's default
 * `linear` method): q = 1 gives the maximum.
 */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) throw new RangeError('quantile: values is empty');
  const sorted = Float64Array.from(values).sort();
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
