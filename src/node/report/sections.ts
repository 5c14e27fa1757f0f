/**
 * The report's HTML sections: tables (summary, fit, options, results per defect type, confusion
 * matrix) and the image cards. Every text is escaped; numbers are formatted here. Pure.
 */
import type { FitReport } from 'cutpaste';
import { choiceRule } from '../cli/fitSummary';
import { formatScore, formatSeconds } from '../formatScore';
import { escapeHtml, relativeUrl } from './html';
import { type ReportData, type ReportImage, type ReportThreshold, reportImageFiles } from './ReportData';
import { type ConfusionMatrix, type DefectRow, defectTypeOf, type ImageMetrics } from './reportStats';

type Row = readonly [string, string];

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

/** A two-column table of plain-text rows. */
export function rowsTable(rows: readonly Row[], className: string): string {
  return `<table class="${className}">${rows.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td><b>${escapeHtml(v)}</b></td></tr>`).join('')}</table>`;
}

/** How a threshold was set, in words. */
export function thresholdText(t: ReportThreshold): string {
  if (t.note !== undefined) return t.note;
  const q = t.quantile === undefined ? '' : `${t.quantile} quantile of `;
  switch (t.method) {
    case 'fit':
      return `provisional: ${q || 'a quantile of '}out-of-fold training scores (set by fit)`;
    case 'quantile':
      return `${q || 'a quantile of '}normal images' scores (calibrate)`;
    case 'f1-max':
      return 'F1-maximising on labelled images (calibrateWithLabels)';
    case 'manual':
      return 'set by hand';
    default:
      return t.method === undefined ? 'given' : t.method;
  }
}

/** The summary rows: images, image and pixel metrics, F1-max, threshold, then `data.summary`. */
export function summaryRows(data: ReportData, labelled: boolean, metrics: ImageMetrics | null): Row[] {
  const n = data.images.length;
  const defective = data.images.filter((im) => im.label === 1).length;
  const rows: Row[] = [['images', labelled ? `${n} (${n - defective} normal, ${defective} defective)` : `${n} (unlabelled: scores only)`]];
  if (metrics) rows.push(['image AUROC', pct(metrics.auroc)]);
  if (data.metrics?.pixelAuroc != null) rows.push(['pixel AUROC', pct(data.metrics.pixelAuroc)]);
  if (data.metrics?.auPro != null) rows.push(['AUPRO (FPR ≤ 0.3)', pct(data.metrics.auPro)]);
  if (metrics) {
    const f = metrics.f1Max;
    rows.push([
      'F1-max',
      `${f.f1.toFixed(3)} at threshold ${formatScore(f.threshold)} (precision ${f.precision.toFixed(3)}, recall ${f.recall.toFixed(3)}; the best possible on these images)`,
    ]);
  }
  if (data.threshold) rows.push(['threshold', `${formatScore(data.threshold.value)}: ${thresholdText(data.threshold)}`]);
  else rows.push(['threshold', 'none (the model has no threshold: no verdicts)']);
  return [...rows, ...(data.summary ?? [])];
}

/** The fit report's rows: training, pretext accuracy (held out too), the density and why. */
export function fitRows(fit: FitReport): Row[] {
  const rows: Row[] = [
    [
      'training',
      `${fit.steps} steps on ${fit.images} normal images; fit ${formatSeconds(fit.seconds)} (training ${formatSeconds(fit.trainSeconds)})`,
    ],
    ['pretext accuracy', `${pct(fit.pretextAccuracy)} on the last training batches (loss ${fit.finalLoss.toFixed(3)})`],
  ];
  const held = fit.heldOutPretext;
  if (held) {
    const warn = held.nearChance ? " — warning: near chance, the features are close to an untrained network's" : '';
    rows.push([
      'pretext held out',
      `accuracy ${pct(held.accuracy)}; balanced ${pct(held.visibleAccuracy)} on the originals and the ${pct(held.visibleFraction)} of copies that differ visibly${warn}`,
    ]);
  }
  const choice = fit.densityChoice;
  const why = choice
    ? ` (auto: synthetic-defect AUROC ${pct(choice.auroc.perLocation)} per location, ${pct(choice.auroc.shared)} shared, on ${choice.probes} defects${choiceRule(choice, fit.alignment)})`
    : fit.alignment !== undefined
      ? ` (location alignment ${fit.alignment.toFixed(2)})`
      : '';
  rows.push(['density', `${fit.density}${why}`]);
  return rows;
}

/** The detector options as rows: numbers, strings and booleans (arrays joined by ×), anything else `custom`. */
export function optionRows(options: object): Row[] {
  const plain = (v: unknown): v is number | string | boolean | null =>
    v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';
  const show = (v: unknown): string | undefined => {
    if (v === undefined) return undefined;
    if (plain(v)) return String(v);
    if (Array.isArray(v) && v.every(plain)) return v.map(String).join(' × ');
    return 'custom';
  };
  return Object.entries(options).flatMap(([k, v]) => {
    const shown = show(v);
    return shown === undefined ? [] : [[k, shown] as const];
  });
}

/** The results per defect type; the "flagged" cells are updated by the slider. */
export function defectTable(rows: readonly DefectRow[], threshold: number | undefined): string {
  const head = `<tr><th>type</th><th>images</th><th>flagged at the threshold</th><th>mean score</th><th>AUROC vs good</th></tr>`;
  const body = rows.map((r) => {
    const mean = `${formatScore(r.meanScore)}${threshold !== undefined && threshold > 0 ? ` (${(r.meanScore / threshold).toFixed(2)}×)` : ''}`;
    const flagged = r.flagged === null ? '–' : `${r.flagged} / ${r.count}`;
    return `<tr class="${r.label === 1 ? 'defect' : 'good'}"><td>${escapeHtml(r.defectType)}</td><td>${r.count}</td><td class="flagged" data-defect="${escapeHtml(r.defectType)}" data-total="${r.count}">${flagged}</td><td>${mean}</td><td>${r.auroc === null ? '–' : pct(r.auroc)}</td></tr>`;
  });
  return `<table class="defects">${head}${body.join('')}</table>`;
}

/** Precision, recall, F1 and accuracy of a confusion matrix, in words. */
export function confusionRates(m: ConfusionMatrix): string {
  const { truePositives: tp, falsePositives: fp, trueNegatives: tn, falseNegatives: fn } = m;
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return `precision ${precision.toFixed(3)} · recall ${recall.toFixed(3)} · F1 ${f1.toFixed(3)} · accuracy ${((tp + tn) / (tp + fp + tn + fn)).toFixed(3)}`;
}

/** The confusion matrix table (cells `#cm-tp`, `#cm-fp`, `#cm-tn`, `#cm-fn`, updated by the slider). */
export function confusionTable(m: ConfusionMatrix): string {
  return [
    '<table class="confusion">',
    '<tr><th></th><th>predicted normal</th><th>predicted anomalous</th></tr>',
    `<tr><th>truly good</th><td id="cm-tn" class="ok">${m.trueNegatives}</td><td id="cm-fp" class="bad">${m.falsePositives}</td></tr>`,
    `<tr><th>truly defective</th><td id="cm-fn" class="bad">${m.falseNegatives}</td><td id="cm-tp" class="ok">${m.truePositives}</td></tr>`,
    '</table>',
    `<p id="cm-rates" class="muted">${confusionRates(m)}</p>`,
  ].join('');
}

/** One thumbnail (click to enlarge), or an empty cell. */
function thumb(path: string | undefined, alt: string, missing: string): string {
  return path === undefined
    ? `<span class="thumb none">${missing}</span>`
    : `<img class="thumb" src="${escapeHtml(relativeUrl(path))}" alt="${escapeHtml(alt)}" data-zoom loading="lazy">`;
}

/**
 * The image cards, highest score first: image, mask (when `withMasks`) and heatmap side by side,
 * the score and its normalised value (score / threshold), the verdict and the truth.
 */
export function imageCards(data: ReportData, withMasks: boolean): string {
  const t = data.threshold?.value;
  const order = data.images.map((im, index) => ({ im, index })).sort((a, b) => b.im.score - a.im.score);
  return order.map(({ im, index }, rank) => card(im, reportImageFiles(index, im), rank, t, withMasks)).join('\n');
}

function card(
  im: ReportImage,
  files: ReturnType<typeof reportImageFiles>,
  rank: number,
  t: number | undefined,
  withMasks: boolean,
): string {
  const type = defectTypeOf(im);
  const anomalous = t === undefined ? undefined : im.score >= t;
  const wrong = anomalous !== undefined && im.label !== undefined && anomalous !== (im.label === 1);
  const verdict =
    anomalous === undefined
      ? ''
      : ` · <span class="verdict ${anomalous ? 'anomalous' : 'normal'}">${anomalous ? 'anomalous' : 'normal'}</span>`;
  const norm = t !== undefined && t > 0 ? ` (<span class="norm">${(im.score / t).toFixed(2)}</span>× threshold)` : '';
  const truth =
    im.label === undefined ? '' : `<br><span class="muted">truth: ${im.label === 1 ? `defect (${escapeHtml(type)})` : 'good'}</span>`;
  return [
    `<figure class="card${wrong ? ' miss' : ''}" data-score="${im.score}" data-label="${im.label ?? ''}" data-defect="${escapeHtml(type)}">`,
    '<div class="thumbs">',
    thumb(files.image, `${im.name}: image`, ''),
    withMasks ? thumb(files.mask, `${im.name}: ground-truth mask`, 'no mask') : '',
    files.heatmap === undefined ? '' : thumb(files.heatmap, `${im.name}: heatmap`, ''),
    '</div>',
    `<figcaption>#${rank + 1} <b class="name">${escapeHtml(im.name)}</b><br>score ${formatScore(im.score)}${norm}${verdict}${truth}</figcaption>`,
    '</figure>',
  ].join('');
}
