/**
 * The HTML report as one self-contained document: inline CSS, SVG and a short script, no network.
 * Image files are referenced by relative paths (`reportImageFiles`). Pure.
 */
import { colormapTable } from 'cutpaste/advanced';
import { formatScore } from '../formatScore';
import { histogramDomain, histogramScale, histogramSvg, rocSvg } from './charts';
import { escapeHtml } from './html';
import { type ReportData, reportHasMasks } from './ReportData';
import { REPORT_SCRIPT, REPORT_STYLE } from './reportPage';
import { checkReportData, confusionMatrix, defectRows, imageMetrics } from './reportStats';
import { confusionTable, defectTable, fitRows, imageCards, optionRows, rowsTable, summaryRows } from './sections';

/**
 * Renders the report of a labelled evaluation or of a score run (no labels):
 *
 * - a summary (image AUROC, pixel AUROC and AUPRO when given, F1-max, the threshold and how it was
 *   set, `data.summary`), the fit report and the detector options;
 * - the ROC curve (labelled), a histogram of the scores (normal and defective apart when labelled)
 *   with the threshold line;
 * - a threshold slider that moves the line and recomputes everything below live (inline script);
 * - the results per defect type and the confusion matrix at the threshold (labelled);
 * - every image, highest score first: image, ground-truth mask (when some image has one) and
 *   heatmap side by side, click to enlarge, with its score, normalised score (score / threshold) and verdict.
 *
 * Every text is escaped; image paths are fixed names (`images/0001.png`, …), never the images' names.
 *
 * @returns the HTML document
 * @throws TypeError/RangeError naming the field of `data` at fault (see `ReportData`)
 * @example
 * const html = renderReport({ title: 'bottle', images, threshold: detector.threshold });
 */
export function renderReport(data: ReportData): string {
  const labelled = checkReportData(data, 'renderReport');
  const t = data.threshold?.value;
  const scores = data.images.map((im) => im.score);
  const metrics = labelled ? imageMetrics(data.images) : null;
  const withMasks = reportHasMasks(data);
  const scale = histogramScale(scores, t);
  const domain = histogramDomain(scores, t, scale);
  const series = labelled
    ? [
        { name: 'normal', color: '#1f77b4', values: data.images.filter((im) => im.label === 0).map((im) => im.score) },
        { name: 'defective', color: '#d62728', values: data.images.filter((im) => im.label === 1).map((im) => im.score) },
      ]
    : [{ name: 'images', color: '#555555', values: scores }];
  const flagged = t === undefined ? 0 : scores.filter((s) => s >= t).length;
  const slider =
    t === undefined
      ? ''
      : `<div class="slider"><label for="threshold-slider">threshold</label><input type="range" id="threshold-slider" min="${domain[0]}" max="${domain[1]}" step="any" value="${scale === 'log' ? Math.log10(t) : t}" data-initial="${scale === 'log' ? Math.log10(t) : t}"${scale === 'log' ? ' data-log="1"' : ''}><b id="threshold-value">${formatScore(t)}</b><span class="muted"><span id="flagged-count">${flagged}</span> of ${scores.length} images flagged</span><button type="button" id="threshold-reset">reset</button></div>`;
  const labelledSections =
    labelled && t !== undefined
      ? [
          '<div class="top">',
          `<div><h2>Confusion matrix at the threshold</h2>${confusionTable(confusionMatrix(data.images, t))}</div>`,
          `<div><h2>Results per defect type</h2>${defectTable(defectRows(data.images, t), t)}</div>`,
          '</div>',
        ]
      : labelled
        ? [`<h2>Results per defect type</h2>${defectTable(defectRows(data.images, t), t)}`]
        : [];
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(data.title)}</title>`,
    `<style>${REPORT_STYLE}</style>`,
    '</head><body>',
    `<h1>${escapeHtml(data.title)}</h1>`,
    data.intro ? `<p class="muted">${escapeHtml(data.intro)}</p>` : '',
    '<div class="top">',
    `<div><h2>Summary</h2>${rowsTable(summaryRows(data, labelled, metrics), 'summary')}</div>`,
    data.fit ? `<div><h2>Fit</h2>${rowsTable(fitRows(data.fit), 'fit')}</div>` : '',
    data.options ? `<div><h2>Detector options</h2>${rowsTable(optionRows(data.options), 'options')}</div>` : '',
    '</div>',
    '<div class="top">',
    metrics ? `<div><h2>ROC curve</h2>${rocSvg(metrics.roc.fpr, metrics.roc.tpr, metrics.auroc)}</div>` : '',
    `<div><h2>Scores${labelled ? ': normal vs defective' : ''}</h2>${histogramSvg(series, domain, t, undefined, scale)}</div>`,
    '</div>',
    slider,
    ...labelledSections,
    `<h2>Images by score (${scores.length})</h2>`,
    legend(data),
    `<div class="grid">${imageCards(data, withMasks)}</div>`,
    data.notes && data.notes.length > 0 ? `<footer>${data.notes.map((n) => `<p>${escapeHtml(n)}</p>`).join('')}</footer>` : '',
    '<dialog id="zoom"><img id="zoom-img" alt=""><p id="zoom-text"></p></dialog>',
    `<script>${REPORT_SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}

/** The heatmaps' colour legend (fixed range), or a note that each map has its own range. */
function legend(data: ReportData): string {
  if (!data.images.some((im) => im.map)) return '';
  const range = data.heatmap?.range;
  if (!range)
    return '<p class="muted">Heatmaps: each normalised to its own minimum and maximum (colours do not compare across images).</p>';
  const table = colormapTable(data.heatmap?.colormap ?? 'turbo');
  const stops = Array.from({ length: 9 }, (_, i) => {
    const k = Math.round((i / 8) * 255) * 3;
    return `rgb(${table[k]}, ${table[k + 1]}, ${table[k + 2]})`;
  });
  return `<div class="legend"><span>${formatScore(range[0])}</span><span class="bar" style="background: linear-gradient(to right, ${stops.join(', ')})"></span><span>${formatScore(range[1])}</span><span class="muted">heatmap colours (score)${data.threshold ? `; threshold ${formatScore(data.threshold.value)}` : ''}</span></div>`;
}
