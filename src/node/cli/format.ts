/** Text formatting of the CLI's output. Pure. */

/** One scored image as `cutpaste score --json` prints it. */
export interface ScoredImage {
  /** The image file (as given, or found in a given folder). */
  readonly file: string;
  readonly score: number;
  /** `score >= threshold`; null when the model has no threshold. */
  readonly anomalous: boolean | null;
  /** The heatmap PNG written for it (with `--heatmaps`). */
  readonly heatmap?: string;
}

/** A score with 4 significant digits (scores are squared distances, ≈ the feature dimension). */
export function formatScore(value: number): string {
  return Math.abs(value) >= 1000 ? value.toFixed(0) : value.toPrecision(4);
}

/** `83s` → `1m23s`; `4000s` → `1h06m`. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '…';
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)}s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * The table `cutpaste score` prints: file, score, verdict (`anomalous` / `normal`, or `–` without a
 * threshold) and threshold, one line per image.
 *
 * @example
 * scoreTable([{ file: 'a.png', score: 812.5, anomalous: true }], 301.2);
 */
export function scoreTable(rows: readonly ScoredImage[], threshold: number | undefined): string {
  const cells = [
    ['file', 'score', 'verdict', 'threshold'],
    ...rows.map((r) => [r.file, formatScore(r.score), r.anomalous === null ? '–' : r.anomalous ? 'anomalous' : 'normal', threshold === undefined ? '–' : formatScore(threshold)]),
  ];
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((r) => r[c]!.length)));
  return cells.map((r) => r.map((cell, c) => (c === 1 || c === 3 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd()).join('\n') + '\n';
}
