// The HTML report's pure renderer (src/node/report): escaping, no network, the histogram, the results
// per defect type, the confusion matrix at the threshold, masks, normalised scores and a score run.
import { describe, expect, it } from 'vitest';
import type { FitReport } from '../../../src/index';
import { histogramScale, rocSvg } from '../../../src/node/report/charts';
import { escapeHtml, relativeUrl } from '../../../src/node/report/html';
import type { ReportData, ReportImage } from '../../../src/node/report/ReportData';
import { renderReport } from '../../../src/node/report/renderReport';
import { confusionMatrix, defectRows, histogram } from '../../../src/node/report/reportStats';

/** A 6 × 4 RGB image (non-square). */
const image = { data: new Uint8Array(6 * 4 * 3).fill(90), width: 6, height: 4, channels: 3 as const };
const map = { data: new Float32Array(2 * 3), height: 2, width: 3 };
const mask = new Uint8Array(6 * 4);

const img = (name: string, score: number, label?: 0 | 1, defectType?: string, extra: Partial<ReportImage> = {}): ReportImage => ({
  name,
  score,
  image,
  map,
  ...(label === undefined ? {} : { label }),
  ...(defectType ? { defectType } : {}),
  ...extra,
});

/** good 1, 2, 3; crack 4, 5; scratch 2.5, 0.5. */
const labelled: ReportImage[] = [
  img('good/0.png', 1, 0, 'good'),
  img('good/1.png', 2, 0, 'good'),
  img('good/2.png', 3, 0, 'good'),
  img('crack/0.png', 4, 1, 'crack'),
  img('crack/1.png', 5, 1, 'crack'),
  img('scratch/0.png', 2.5, 1, 'scratch'),
  img('scratch/1.png', 0.5, 1, 'scratch'),
];

const data: ReportData = { title: 'bottle', images: labelled, threshold: { value: 2.75, method: 'quantile', quantile: 0.99 } };

/** `data-count` of the histogram bars of one series. */
const barCounts = (html: string, series: string): number[] =>
  [...html.matchAll(new RegExp(`<rect class="bar" data-series="${series}" data-count="(\\d+)"`, 'g'))].map((m) => Number(m[1]));

const cell = (html: string, id: string): number => Number(new RegExp(`id="${id}"[^>]*>(\\d+)<`).exec(html)?.[1]);

describe('the HTML report', () => {
  it('escapes text and percent-encodes relative URLs', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(relativeUrl('maps/a#b?c.png')).toBe('maps/a%23b%3Fc.png');
    expect(relativeUrl('maps\\win\\x.png')).toBe('maps/win/x.png');
  });

  it('draws the ROC curve through every point, in plot coordinates', () => {
    const svg = rocSvg([0, 0, 0.5, 1], [0, 0.5, 1, 1], 0.875, 100);
    // x = 40 + fpr·100, y = 20 + (1 − tpr)·100
    expect(svg).toContain('<polyline points="40.0,120.0 40.0,70.0 90.0,20.0 140.0,20.0"');
    expect(svg).toContain('AUROC 87.5%');
    expect(() => rocSvg([0], [0], 0.5)).toThrow(RangeError);
  });

  it('escapes file names, defect types and every other text, so a name cannot add markup', () => {
    const evil = `<script>alert("x")</script>'.png`;
    const html = renderReport({
      title: 'T <b>',
      intro: `"quoted" & 'single'`,
      images: [img(evil, 9, 1, `"><img src=x onerror=alert(1)>`), img('ok.png', 1, 0)],
      threshold: { value: 5, note: '<i>by hand</i>' },
      summary: [['<k>', '<v>']],
      notes: ['</footer><script>'],
      options: { encoder: '<svg onload=alert(1)>' },
    });
    expect(html.match(/<script>/g)).toHaveLength(1); // the report's own
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;.png');
    expect(html).toContain('data-defect="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"');
    expect(html).not.toMatch(/<img src=x|<svg onload|<i>|<k>|<v>|T <b>|<\/footer><script>/);
    expect(html).toContain('<h1>T &lt;b&gt;</h1>');
    // Every <img> is one of the report's: three thumbnails per card and the zoom view.
    expect(html.match(/<img /g)).toHaveLength(2 * 2 + 1);
    for (const m of html.matchAll(/ src="([^"]*)"/g)) expect(m[1]).toMatch(/^images\/\d{4}(-map)?\.png$/);
  });

  it('refers to nothing outside itself: no URL with a scheme, no protocol-relative URL, no CSS import', () => {
    const html = renderReport({ ...data, heatmap: { range: [1, 4] }, images: labelled.map((im) => ({ ...im, mask })) });
    expect(html).not.toMatch(/https?:|\/\/[a-z0-9]|url\(|@import|xmlns/i);
    expect(html).not.toMatch(/<(link|iframe|object|embed|base)\b/);
  });

  it('draws a histogram of normal and defective scores whose bins sum to the image counts, with the threshold line', () => {
    const html = renderReport(data);
    const normal = barCounts(html, 'normal');
    const defective = barCounts(html, 'defective');
    expect(normal.length).toBeGreaterThanOrEqual(8);
    expect(normal.reduce((a, b) => a + b, 0)).toBe(3);
    expect(defective.reduce((a, b) => a + b, 0)).toBe(4);
    expect(html).toContain('id="hist-threshold"');
    expect(histogram([0, 1, 2, 3, 4, -9, 99], 0, 4, 2)).toEqual([3, 4]); // outside values clamped, 4 in the last bin
    expect(() => histogram([1], 1, 1, 4)).toThrow(RangeError);
  });

  it('puts the histogram on a log axis when scores span a factor of 100 (defects 100× the normal scores), linear otherwise', () => {
    expect(histogramScale([1, 2, 3, 4, 5], 2.75)).toBe('linear');
    expect(histogramScale([500, 900, 1500, 190_000], 1600)).toBe('log');
    expect(histogramScale([-1, 500, 190_000], 1600)).toBe('linear'); // a log axis needs positive scores
    const wide: ReportImage[] = [
      img('good/0.png', 200, 0),
      img('good/1.png', 2000, 0),
      img('bad/0.png', 20_000, 1),
      img('bad/1.png', 190_000, 1),
    ];
    const html = renderReport({ title: 'wide', images: wide, threshold: { value: 5000, method: 'manual' } });
    expect(html).toContain('data-log="1"');
    expect(html).toContain('score, log scale');
    // The normal scores fall in different bins, not all in the first one as on a linear axis.
    expect(barCounts(html, 'normal').filter((k) => k > 0)).toEqual([1, 1]);
    // The threshold line sits at log10(5000) on the axis.
    const svg = /<svg class="histogram"[^>]*data-low="([^"]+)" data-high="([^"]+)" data-left="(\d+)" data-width="(\d+)"/.exec(html)!;
    const [low, high, left, width] = svg.slice(1).map(Number) as [number, number, number, number];
    const x = Number(/id="hist-threshold" x1="([^"]+)"/.exec(html)![1]);
    expect(x).toBeCloseTo(left + ((Math.log10(5000) - low) / (high - low)) * width, 0);
    // The slider moves along the same axis: its value is log10 of the threshold.
    expect(html).toMatch(
      new RegExp(
        `id="threshold-slider" min="${low}" max="${high}" step="any" value="${Math.log10(5000)}" data-initial="[^"]+" data-log="1"`,
      ),
    );
  });

  it('lists the results per defect type: count, flagged at the threshold, mean score and AUROC against good', () => {
    const rows = defectRows(labelled, 2.75);
    expect(rows.map((r) => [r.defectType, r.count, r.flagged, r.meanScore])).toEqual([
      ['good', 3, 1, 2],
      ['crack', 2, 2, 4.5],
      ['scratch', 2, 0, 1.5],
    ]);
    // scratch 2.5 beats good 1 and 2; 0.5 beats none: 2 of 6 pairs.
    expect(rows.map((r) => r.auroc)).toEqual([null, 1, 2 / 6]);
    const html = renderReport(data);
    expect(html).toContain('<td class="flagged" data-defect="crack" data-total="2">2 / 2</td>');
    expect(html).toContain('<td class="flagged" data-defect="scratch" data-total="2">0 / 2</td>');
    expect(html).toContain('<td>33.3 %</td>');
  });

  it('shows the confusion matrix at the threshold (score ≥ threshold is anomalous)', () => {
    expect(confusionMatrix(labelled, 2.75)).toEqual({ truePositives: 2, falsePositives: 1, trueNegatives: 2, falseNegatives: 2 });
    expect(confusionMatrix(labelled, 3)).toEqual({ truePositives: 2, falsePositives: 1, trueNegatives: 2, falseNegatives: 2 });
    expect(confusionMatrix(labelled, 3.01)).toEqual({ truePositives: 2, falsePositives: 0, trueNegatives: 3, falseNegatives: 2 });
    const html = renderReport(data);
    expect([cell(html, 'cm-tp'), cell(html, 'cm-fp'), cell(html, 'cm-tn'), cell(html, 'cm-fn')]).toEqual([2, 1, 2, 2]);
    expect(html).toContain('precision 0.667 · recall 0.500 · F1 0.571 · accuracy 0.571');
    expect(html).toMatch(/id="threshold-slider" min="[-\d.e]+" max="[-\d.e]+" step="any" value="2.75" data-initial="2.75"/);
  });

  it('sums up image AUROC, F1-max, pixel metrics, the threshold and how it was set, the fit and the options', () => {
    const fit = {
      steps: 400,
      finalLoss: 0.2,
      pretextAccuracy: 0.95,
      seconds: 100,
      trainSeconds: 90,
      imagesPerSecond: 50,
      workers: 1,
      images: 120,
      heldOutPretext: { accuracy: 0.9, visibleAccuracy: 0.875, visibleFraction: 0.8, nearChance: false },
      density: 'per-location',
      densityChoice: { kind: 'per-location', auroc: { shared: 0.8, perLocation: 0.9 }, probes: 48 },
    } as unknown as FitReport;
    const html = renderReport({
      ...data,
      metrics: { pixelAuroc: 0.947, auPro: null },
      fit,
      options: { preset: 'fast', imageSize: [128, 96], encoder: { custom: true } },
    });
    // AUROC: 12 pairs of (defect, good) won of 4·3 = 12… crack wins 6, scratch 2 → 8 / 12.
    expect(html).toContain('<td>image AUROC</td><td><b>66.7 %</b></td>');
    expect(html).toContain('<td>pixel AUROC</td><td><b>94.7 %</b></td>');
    expect(html).not.toContain('AUPRO');
    expect(html).toMatch(/<td>F1-max<\/td><td><b>0\.\d{3} at threshold /);
    expect(html).toContain('<td>threshold</td><td><b>2.750: 0.99 quantile of normal images&#39; scores (calibrate)</b></td>');
    expect(html).toContain('balanced 87.5 % on the originals');
    expect(html).toContain('per-location (auto: synthetic-defect AUROC 90.0 % per location, 80.0 % shared, on 48 defects)');
    expect(html).toContain('<td>imageSize</td><td><b>128 × 96</b></td>');
    expect(html).toContain('<td>encoder</td><td><b>custom</b></td>');
  });

  it('shows each image with its normalised score and verdict, highest score first, and masks only when some image has one', () => {
    const html = renderReport(data);
    const names = [...html.matchAll(/<b class="name">([^<]*)<\/b>/g)].map((m) => m[1]);
    expect(names).toEqual(['crack/1.png', 'crack/0.png', 'good/2.png', 'scratch/0.png', 'good/1.png', 'good/0.png', 'scratch/1.png']);
    expect(html).toContain('score 5.000 (<span class="norm">1.82</span>× threshold) · <span class="verdict anomalous">anomalous</span>');
    expect(html.match(/<figure class="card miss"/g)).toHaveLength(3); // good/2 flagged, both scratches passed
    expect(html).not.toContain('ground-truth mask');
    const withMasks = renderReport({ ...data, images: labelled.map((im, i) => (i === 3 ? { ...im, mask } : im)) });
    expect(withMasks.match(/alt="[^"]*: ground-truth mask"/g)).toHaveLength(1);
    expect(withMasks.match(/<span class="thumb none">no mask<\/span>/g)).toHaveLength(6);
    expect(withMasks).toContain('src="images/0004-mask.png"');
  });

  it('renders a score run (no labels): a score histogram and the images by score, without ROC, confusion matrix or truth', () => {
    const images = [img('a.png', 3), img('b.png', 7), img('c.png', 5)];
    const html = renderReport({ title: 'score run', images, threshold: { value: 4 } });
    expect(barCounts(html, 'images').reduce((a, b) => a + b, 0)).toBe(3);
    expect(html).not.toMatch(/class="roc"|id="cm-tp"|truth:|class="defects"/);
    expect([...html.matchAll(/<b class="name">([^<]*)<\/b>/g)].map((m) => m[1])).toEqual(['b.png', 'c.png', 'a.png']);
    expect(html).toContain('<span id="flagged-count">2</span> of 3 images flagged');
    const bare = renderReport({ title: 'no threshold', images });
    expect(bare).not.toMatch(/id="threshold-slider"|<span class="verdict|id="hist-threshold"|<span class="norm"/);
    expect(bare).toContain('none (the model has no threshold: no verdicts)');
  });

  it('refuses data it cannot show, naming the field', () => {
    expect(() => renderReport({ title: 't', images: [] })).toThrow(/renderReport: data.images must be a non-empty array/);
    expect(() => renderReport({ title: 't', images: [img('a', 1, 0), img('b', 2)] })).toThrow(
      /data.images\[1\] has no label but data.images\[0\] has one/,
    );
    expect(() => renderReport({ title: 't', images: [img('a', Number.NaN)] })).toThrow(
      /data.images\[0\].score must be a finite number, got NaN/,
    );
    expect(() => renderReport({ title: 't', images: [img('a', 1)], threshold: { value: Infinity } })).toThrow(RangeError);
  });
});
