/** Text formatting of the CLI's output. Pure. */
import { formatScore } from '../formatScore';

export { formatScore, formatSeconds } from '../formatScore';

/** One scored image as `cutpaste score --json` prints it. */
export interface ScoredImage {
  /** The image file (as given, or found in a given folder). */
  readonly file: string;
  readonly score: number;
  /** `score / threshold` (as the API's `Prediction.normalizedScore`: 1 is the boundary); null when the model has no threshold. */
  readonly normalizedScore: number | null;
  /** `score >= threshold` (as the API's `Prediction.isAnomalous`); null when the model has no threshold. */
  readonly isAnomalous: boolean | null;
  /** The heatmap PNG written for it (with `--heatmaps`). */
  readonly heatmap?: string;
  /** The mask PNG written for it (with `--masks`). */
  readonly mask?: string;
}

/**
 * The table `cutpaste score` prints: file, score, normalised score (score / threshold, 1 = the
 * boundary, 2 decimals), verdict (`anomalous` / `normal`, or `–` without a threshold) and threshold,
 * one line per image.
 *
 * @example
 * scoreTable([{ file: 'a.png', score: 812.5, normalizedScore: 2.7, isAnomalous: true }], 301.2);
 */
export function scoreTable(rows: readonly ScoredImage[], threshold: number | undefined): string {
  const cells = [
    ['file', 'score', 'normalized', 'verdict', 'threshold'],
    ...rows.map((r) => [
      r.file,
      formatScore(r.score),
      r.normalizedScore === null ? '–' : r.normalizedScore.toFixed(2),
      r.isAnomalous === null ? '–' : r.isAnomalous ? 'anomalous' : 'normal',
      threshold === undefined ? '–' : formatScore(threshold),
    ]),
  ];
  const numeric = new Set([1, 2, 4]);
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((r) => r[c]!.length)));
  return (
    cells
      .map((r) =>
        r
          .map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
