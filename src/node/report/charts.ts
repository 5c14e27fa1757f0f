/**
 * The report's charts as inline SVG (no external reference): the ROC curve and the score histogram
 * with the threshold line. Pure.
 */
import { formatScore } from '../formatScore';
import { escapeHtml } from './html';
import { histogram } from './reportStats';

/**
 * A ROC curve as an inline SVG: axes (false-positive rate → right, true-positive rate ↑), the chance
 * diagonal, the curve as a step polyline and the AUROC in the corner.
 *
 * @param size side of the square plot in px (default 280)
 * @example
 * const { fpr, tpr } = rocCurve(scores, labels);
 * html += rocSvg(fpr, tpr, rocAuc(scores, labels));
 */
export function rocSvg(fpr: ArrayLike<number>, tpr: ArrayLike<number>, auroc: number, size = 280): string {
  if (fpr.length !== tpr.length || fpr.length < 2)
    throw new RangeError(`rocSvg: fpr and tpr must have the same length ≥ 2, got ${fpr.length} and ${tpr.length}`);
  const pad = 40;
  const x = (v: number): string => (pad + v * size).toFixed(1);
  const y = (v: number): string => (pad / 2 + (1 - v) * size).toFixed(1);
  const points = Array.from({ length: fpr.length }, (_, i) => `${x(fpr[i]!)},${y(tpr[i]!)}`).join(' ');
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const w = size + pad + 10;
  const h = size + pad + pad / 2;
  return [
    `<svg class="roc" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="ROC curve, AUROC ${(auroc * 100).toFixed(1)}%">`,
    `<rect x="${x(0)}" y="${y(1)}" width="${size}" height="${size}" fill="#fafafa" stroke="#999"/>`,
    ...ticks.map(
      (t) =>
        `<line x1="${x(t)}" y1="${y(0)}" x2="${x(t)}" y2="${(Number(y(0)) + 4).toFixed(1)}" stroke="#999"/><text x="${x(t)}" y="${(Number(y(0)) + 16).toFixed(1)}" font-size="10" text-anchor="middle">${t}</text>`,
    ),
    ...ticks.map(
      (t) =>
        `<line x1="${(Number(x(0)) - 4).toFixed(1)}" y1="${y(t)}" x2="${x(0)}" y2="${y(t)}" stroke="#999"/><text x="${(Number(x(0)) - 6).toFixed(1)}" y="${(Number(y(t)) + 3).toFixed(1)}" font-size="10" text-anchor="end">${t}</text>`,
    ),
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#bbb" stroke-dasharray="4 4"/>`,
    `<polyline points="${points}" fill="none" stroke="#d62728" stroke-width="2"/>`,
    `<text x="${x(0.97)}" y="${y(0.05)}" font-size="13" text-anchor="end">AUROC ${(auroc * 100).toFixed(1)}%</text>`,
    `<text x="${x(0.5)}" y="${h - 2}" font-size="11" text-anchor="middle">false-positive rate</text>`,
    `<text x="12" y="${y(0.5)}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${y(0.5)})">true-positive rate</text>`,
    '</svg>',
  ].join('\n');
}

/** One series of {@link histogramSvg}: its name (a CSS class and the legend), colour and values. */
export interface HistogramSeries {
  readonly name: string;
  readonly color: string;
  readonly values: readonly number[];
}

/**
 * The histogram's axis: logarithmic when every score is positive and they span at least a factor of
 * 100 (a defect's Mahalanobis score is often 100× a normal one: on a linear axis every normal image
 * falls in the first bar), else linear. Label-free: it reads the scores only.
 */
export function histogramScale(scores: readonly number[], threshold: number | undefined): 'linear' | 'log' {
  const all = threshold === undefined ? scores : [...scores, threshold];
  const low = Math.min(...all);
  return low > 0 && Math.max(...all) / low >= 100 ? 'log' : 'linear';
}

/** The score range a histogram spans (in axis units: log10 of scores on a log axis): every score and the threshold; never empty. */
export function histogramDomain(
  scores: readonly number[],
  threshold: number | undefined,
  scale: 'linear' | 'log' = 'linear',
): [number, number] {
  const axis = scale === 'log' ? Math.log10 : (v: number) => v;
  const all = (threshold === undefined ? scores : [...scores, threshold]).map(axis);
  const low = Math.min(...all);
  const high = Math.max(...all);
  const pad = high > low ? (high - low) * 0.02 : Math.max(1, Math.abs(low) * 0.1);
  return [low - pad, high + pad];
}

/**
 * A histogram of scores as an inline SVG: the series' bars overlaid (semi-transparent), each bar
 * carrying `data-series` and `data-count`; the threshold as a dashed line (`id="hist-threshold"`, which
 * the report's slider moves: the `<svg>` carries `data-low`, `data-high`, `data-left`, `data-width`,
 * and `data-log` on a logarithmic axis).
 *
 * @param domain `[low, high]` of the score axis, in axis units (see {@link histogramDomain})
 * @param bins number of equal bins (default: 2·√n, 8 to 40)
 * @param scale `'log'`: bins and ticks on log10 of the scores (see {@link histogramScale})
 * @example
 * histogramSvg([{ name: 'normal', color: '#1f77b4', values: good }, { name: 'defect', color: '#d62728', values: bad }], histogramDomain(all, t), t);
 */
export function histogramSvg(
  series: readonly HistogramSeries[],
  domain: readonly [number, number],
  threshold: number | undefined,
  bins?: number,
  scale: 'linear' | 'log' = 'linear',
): string {
  const axis = scale === 'log' ? Math.log10 : (v: number) => v;
  const n = series.reduce((sum, s) => sum + s.values.length, 0);
  const count = bins ?? Math.min(40, Math.max(8, Math.round(2 * Math.sqrt(n))));
  const [low, high] = domain;
  const counts = series.map((s) => histogram(s.values.map(axis), low, high, count));
  const top = Math.max(1, ...counts.flat());
  const left = 36,
    width = 400,
    plotTop = 24,
    height = 150;
  const w = left + width + 24,
    h = plotTop + height + 34;
  const x = (v: number): number => left + ((v - low) / (high - low)) * width;
  const barW = width / count;
  const bars = counts.flatMap((c, s) =>
    c.map((k, b) => {
      const barH = (k / top) * height;
      return `<rect class="bar" data-series="${escapeHtml(series[s]!.name)}" data-count="${k}" x="${(left + b * barW).toFixed(1)}" y="${(plotTop + height - barH).toFixed(1)}" width="${Math.max(0.5, barW - 1).toFixed(1)}" height="${barH.toFixed(1)}" fill="${escapeHtml(series[s]!.color)}" fill-opacity="0.6"/>`;
    }),
  );
  const ticks = [low, (low + high) / 2, high].map(
    (v) =>
      `<text x="${x(v).toFixed(1)}" y="${plotTop + height + 14}" font-size="10" text-anchor="middle">${formatScore(scale === 'log' ? 10 ** v : v)}</text>`,
  );
  const legend = series.map(
    (s, i) =>
      `<rect x="${left + 8 + i * 110}" y="6" width="10" height="10" fill="${escapeHtml(s.color)}" fill-opacity="0.6"/><text x="${left + 22 + i * 110}" y="15" font-size="11">${escapeHtml(s.name)} (${s.values.length})</text>`,
  );
  const line =
    threshold === undefined
      ? ''
      : `<line id="hist-threshold" x1="${x(axis(threshold)).toFixed(1)}" x2="${x(axis(threshold)).toFixed(1)}" y1="${plotTop - 4}" y2="${plotTop + height}" stroke="#111" stroke-width="1.5" stroke-dasharray="5 3"/>`;
  return [
    `<svg class="histogram" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="histogram of ${n} scores" data-low="${low}" data-high="${high}" data-left="${left}" data-width="${width}"${scale === 'log' ? ' data-log="1"' : ''}>`,
    `<rect x="${left}" y="${plotTop}" width="${width}" height="${height}" fill="#fafafa" stroke="#999"/>`,
    ...bars,
    line,
    ...ticks,
    ...legend,
    `<text x="${(left + width / 2).toFixed(1)}" y="${h - 4}" font-size="11" text-anchor="middle">score${scale === 'log' ? ', log scale' : ''}${threshold === undefined ? '' : ' (dashed: threshold)'}</text>`,
    `<text x="10" y="${plotTop + height / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 10 ${plotTop + height / 2})">images</text>`,
    '</svg>',
  ].join('\n');
}
