/**
 * The fixed colour range of patch-mode heatmaps: `[threshold / 2, 1.5 × threshold]`, so the decision
 * threshold sits in the middle of the colour map (green in turbo), typical normal patches (scores
 * around the feature dimension, below the threshold) are blue, and regions at or above 1.5 × the
 * threshold are red. The same range for every image, so colours compare across images. Without a
 * threshold, `undefined` (each map normalised to its own minimum and maximum).
 *
 * @param threshold the detector's image threshold (a patch-map maximum, same scale as map values)
 * @returns `[low, high]`, or undefined for a missing or non-positive threshold
 * @example
 * heatmapRange(300); // [150, 450]
 */
export function heatmapRange(threshold: number | undefined): [number, number] | undefined {
  if (threshold === undefined || !Number.isFinite(threshold) || threshold <= 0) return undefined;
  return [threshold * HEATMAP_RANGE[0], threshold * HEATMAP_RANGE[1]];
}

/** The colour range as multiples of the threshold. */
export const HEATMAP_RANGE: readonly [number, number] = Object.freeze([0.5, 1.5] as const);
