/**
 * A self-contained HTML report (inline CSS and SVG, no scripts, no network): a summary table, a ROC
 * curve, a colour legend and every test image's heatmap with its score, label and verdict, sorted by
 * score. Heatmaps are referenced by relative paths (PNG files next to the report). Pure.
 */
import { formatScore } from './format';

/** One scored test image of the report. */
export interface ReportImage {
  /** Shown name (`crack/000.png`). */
  readonly name: string;
  /** Relative path of its heatmap overlay PNG (`/` or `\` separated; each part is URL-encoded in the page). */
  readonly heatmap: string;
  /** `good` or the defect type. */
  readonly defectType: string;
  /** 1 = defective. */
  readonly label: 0 | 1;
  readonly score: number;
  /** Verdict from the detector's threshold. */
  readonly anomalous: boolean;
}

/** What {@link renderHtmlReport} shows. */
export interface ReportData {
  readonly title: string;
  /** One paragraph under the title (plain text). */
  readonly intro?: string;
  /** Rows of the summary table: label, value (plain text). */
  readonly summary: readonly (readonly [string, string])[];
  /** The image-level ROC curve (`rocCurve`) and its AUROC in [0, 1]. */
  readonly roc: { readonly fpr: ArrayLike<number>; readonly tpr: ArrayLike<number>; readonly auroc: number };
  readonly images: readonly ReportImage[];
  /** The detector's decision threshold (verdicts). */
  readonly threshold: number;
  /** The heatmaps' colour legend: CSS colours from low to high and the score range they span. */
  readonly legend?: { readonly colors: readonly string[]; readonly low: number; readonly high: number };
  /** Footnotes (plain text). */
  readonly notes?: readonly string[];
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** A relative file path as a relative URL: each part percent-encoded (`#`, `?`, `:` cannot change its meaning). */
export function relativeUrl(path: string): string {
  return path.split(/[\\/]/).map(encodeURIComponent).join('/');
}

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
  if (fpr.length !== tpr.length || fpr.length < 2) throw new RangeError(`rocSvg: fpr and tpr must have the same length ≥ 2, got ${fpr.length} and ${tpr.length}`);
  const pad = 40;
  const x = (v: number): string => (pad + v * size).toFixed(1);
  const y = (v: number): string => (pad / 2 + (1 - v) * size).toFixed(1);
  const points = Array.from({ length: fpr.length }, (_, i) => `${x(fpr[i]!)},${y(tpr[i]!)}`).join(' ');
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const w = size + pad + 10;
  const h = size + pad + pad / 2;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="ROC curve, AUROC ${(auroc * 100).toFixed(1)}%">`,
    `<rect x="${x(0)}" y="${y(1)}" width="${size}" height="${size}" fill="#fafafa" stroke="#999"/>`,
    ...ticks.map((t) => `<line x1="${x(t)}" y1="${y(0)}" x2="${x(t)}" y2="${(Number(y(0)) + 4).toFixed(1)}" stroke="#999"/><text x="${x(t)}" y="${(Number(y(0)) + 16).toFixed(1)}" font-size="10" text-anchor="middle">${t}</text>`),
    ...ticks.map((t) => `<line x1="${(Number(x(0)) - 4).toFixed(1)}" y1="${y(t)}" x2="${x(0)}" y2="${y(t)}" stroke="#999"/><text x="${(Number(x(0)) - 6).toFixed(1)}" y="${(Number(y(t)) + 3).toFixed(1)}" font-size="10" text-anchor="end">${t}</text>`),
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#bbb" stroke-dasharray="4 4"/>`,
    `<polyline points="${points}" fill="none" stroke="#d62728" stroke-width="2"/>`,
    `<text x="${x(0.97)}" y="${y(0.05)}" font-size="13" text-anchor="end">AUROC ${(auroc * 100).toFixed(1)}%</text>`,
    `<text x="${x(0.5)}" y="${h - 2}" font-size="11" text-anchor="middle">false-positive rate</text>`,
    `<text x="12" y="${y(0.5)}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${y(0.5)})">true-positive rate</text>`,
    '</svg>',
  ].join('\n');
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1180px; padding: 0 16px; color: #222; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; }
.top { display: flex; gap: 32px; flex-wrap: wrap; align-items: flex-start; }
table.summary td { padding: 2px 12px 2px 0; } table.summary td:first-child { color: #555; }
.legend { display: flex; align-items: center; gap: 8px; margin: 8px 0 16px; font-size: 12px; }
.legend .bar { width: 260px; height: 12px; border: 1px solid #999; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 12px; }
figure { margin: 0; border: 2px solid #ddd; border-radius: 6px; padding: 6px; background: #fff; }
figure.miss { border-color: #e377c2; }
figure img { width: 100%; image-rendering: auto; display: block; border-radius: 3px; }
figcaption { font-size: 12px; margin-top: 4px; }
.verdict-anomalous { color: #c0392b; font-weight: 600; } .verdict-normal { color: #2e7d32; font-weight: 600; }
.muted { color: #666; } footer { margin-top: 28px; font-size: 12px; color: #666; }
`;

/**
 * The report as one HTML document. Images are sorted by score (highest first); a card's border is
 * pink when the verdict disagrees with the label. Every text is escaped.
 *
 * @example
 * await writeFile('demo-output/report.html', renderHtmlReport(data));
 */
export function renderHtmlReport(data: ReportData): string {
  const sorted = [...data.images].sort((a, b) => b.score - a.score);
  const cards = sorted.map((im, rank) => {
    const wrong = im.anomalous !== (im.label === 1);
    const verdict = im.anomalous ? 'anomalous' : 'normal';
    return [
      `<figure class="${wrong ? 'miss' : 'hit'}">`,
      `<img src="${escapeHtml(relativeUrl(im.heatmap))}" alt="heatmap of ${escapeHtml(im.name)}" loading="lazy">`,
      `<figcaption>#${rank + 1} <b>${escapeHtml(im.name)}</b><br>score ${formatScore(im.score)} · <span class="verdict-${verdict}">${verdict}</span><br>`,
      `<span class="muted">truth: ${im.label === 1 ? `defect (${escapeHtml(im.defectType)})` : 'good'}${wrong ? ' · <b>missed</b>' : ''}</span></figcaption>`,
      '</figure>',
    ].join('');
  });
  const legend = data.legend
    ? `<div class="legend"><span>${formatScore(data.legend.low)}</span><span class="bar" style="background: linear-gradient(to right, ${data.legend.colors.map(escapeHtml).join(', ')})"></span><span>${formatScore(data.legend.high)}</span><span class="muted">heatmap colours (score; threshold ${formatScore(data.threshold)} mid-scale); white outline: ground-truth defect</span></div>`
    : '';
  const wrong = sorted.filter((im) => im.anomalous !== (im.label === 1)).length;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(data.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body>',
    `<h1>${escapeHtml(data.title)}</h1>`,
    data.intro ? `<p class="muted">${escapeHtml(data.intro)}</p>` : '',
    '<div class="top">',
    `<table class="summary">${data.summary.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td><b>${escapeHtml(v)}</b></td></tr>`).join('')}</table>`,
    rocSvg(data.roc.fpr, data.roc.tpr, data.roc.auroc),
    '</div>',
    `<h2>Test images by score (${sorted.length}; ${wrong} verdict${wrong === 1 ? '' : 's'} disagree with the truth at threshold ${formatScore(data.threshold)})</h2>`,
    legend,
    `<div class="grid">${cards.join('\n')}</div>`,
    data.notes && data.notes.length > 0 ? `<footer>${data.notes.map((n) => `<p>${escapeHtml(n)}</p>`).join('')}</footer>` : '',
    '</body></html>',
    '',
  ].join('\n');
}
