/**
 * The per-category results table of `cutpaste evaluate` and `examples/mvtec.ts`, as Markdown, CSV
 * and JSON. Pure: no tfjs, no file system.
 */
import type { CategoryResult } from './evaluateCategory';

/** The mean row: metric means over the categories that have them, seconds summed. */
export interface MeanRow {
  readonly categories: number;
  readonly imageAuroc: number;
  readonly pixelAuroc: number | null;
  readonly auPro: number | null;
  readonly pretextAccuracy: number | null;
  /** Total seconds over all categories. */
  readonly fitSeconds: number;
  readonly evaluateSeconds: number;
}

const meanOf = (values: (number | null)[]): number | null => {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return present.length === 0 ? null : present.reduce((a, b) => a + b, 0) / present.length;
};

/**
 * Means of the metrics (over the categories that have each) and total seconds.
 *
 * @throws RangeError when `results` is empty
 * @example
 * meanRow(results).imageAuroc; // 0.95
 */
export function meanRow(results: readonly CategoryResult[]): MeanRow {
  if (results.length === 0) throw new RangeError('meanRow: results must hold at least one category');
  return {
    categories: results.length,
    imageAuroc: meanOf(results.map((r) => r.imageAuroc))!,
    pixelAuroc: meanOf(results.map((r) => r.pixelAuroc)),
    auPro: meanOf(results.map((r) => r.auPro)),
    pretextAccuracy: meanOf(results.map((r) => r.pretextAccuracy)),
    fitSeconds: results.reduce((a, r) => a + r.fitSeconds, 0),
    evaluateSeconds: results.reduce((a, r) => a + r.evaluateSeconds, 0),
  };
}

/** A fraction as a percentage with one decimal (`0.9834` → `98.3`); `–` for null. */
export const percent = (v: number | null): string => (v === null ? '–' : (v * 100).toFixed(1));
const seconds = (v: number): string => v.toFixed(1);

const MARKDOWN_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Text made safe for a Markdown table cell: `\`, `|`, `` ` ``, `*`, `[` and `]` are backslash-escaped
 * (no column breaks, code spans, emphasis or links), `&`, `<` and `>` become entities (no HTML), and
 * line breaks become spaces (no row breaks).
 *
 * @example
 * markdownCell('a|b <img src=x onerror=alert(1)>'); // 'a\\|b &lt;img src=x onerror=alert(1)&gt;'
 */
export function markdownCell(text: string): string {
  return text
    .replace(/\r\n|[\r\n\u2028\u2029]/g, ' ')
    .replace(/[\\|`*[\]]/g, (c) => `\\${c}`)
    .replace(/[&<>]/g, (c) => MARKDOWN_ESCAPES[c]!);
}

/**
 * What a spreadsheet may read as the start of a formula: tab or CR, or `=`, `+`, `-`, `@` (or their
 * full-width forms `＝＋－＠`, which some locales accept) after any leading white space.
 */
const FORMULA_START = /^(?:[\t\r]|\s*[=+\-@\uff1d\uff0b\uff0d\uff20])/;

/**
 * One CSV field (RFC 4180): a field holding `"`, `,`, CR or LF is quoted with its quotes doubled; text
 * that starts like a formula (`=`, `+`, `-`, `@`, also full-width or after white space; tab or CR)
 * gets a leading `'`.
 * Numbers are written as they are; null is an empty field.
 *
 * @example
 * csvCell('=HYPERLINK("http://x")'); // '"\'=HYPERLINK(""http://x"")"'
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A Markdown table: one row per category (image AUROC, pixel AUROC, AUPRO and the held-out pretext
 * accuracy in %, fit and evaluate seconds) and a mean row (seconds: totals).
 *
 * @example
 * console.log(markdownTable(results));
 * // | category | image AUROC | pixel AUROC | AUPRO | pretext | fit s | evaluate s |
 */
export function markdownTable(results: readonly CategoryResult[]): string {
  const mean = meanRow(results);
  const rows = [
    ['category', 'image AUROC', 'pixel AUROC', 'AUPRO', 'pretext', 'fit s', 'evaluate s'],
    ...results.map((r) => [
      markdownCell(r.category),
      percent(r.imageAuroc),
      percent(r.pixelAuroc),
      percent(r.auPro),
      percent(r.pretextAccuracy),
      seconds(r.fitSeconds),
      seconds(r.evaluateSeconds),
    ]),
    [
      `**mean** (${mean.categories})`,
      percent(mean.imageAuroc),
      percent(mean.pixelAuroc),
      percent(mean.auPro),
      percent(mean.pretextAccuracy),
      seconds(mean.fitSeconds),
      seconds(mean.evaluateSeconds),
    ],
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]): string =>
    `| ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (c === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join('\n') + '\n';
}

/**
 * CSV with full precision: fractions in [0, 1] (not percentages), empty cells for missing metrics,
 * and a final `mean` row.
 *
 * @example
 * writeFileSync('results.csv', csvTable(results));
 */
export function csvTable(results: readonly CategoryResult[]): string {
  const mean = meanRow(results);
  const header = [
    'category',
    'image_auroc',
    'pixel_auroc',
    'aupro',
    'fit_seconds',
    'evaluate_seconds',
    'f1_threshold',
    'f1',
    'train_images',
    'test_images',
    'mode',
    'steps',
    'density',
    'image_size',
    'pretext_accuracy',
  ];
  const rows = results.map((r) => [
    r.category,
    r.imageAuroc,
    r.pixelAuroc,
    r.auPro,
    r.fitSeconds,
    r.evaluateSeconds,
    r.f1Threshold,
    r.f1,
    r.trainImages,
    r.testImages,
    r.mode,
    r.steps,
    r.density,
    `${r.imageSize[0]}x${r.imageSize[1]}`,
    r.pretextAccuracy,
  ]);
  rows.push([
    'mean',
    mean.imageAuroc,
    mean.pixelAuroc,
    mean.auPro,
    mean.fitSeconds,
    mean.evaluateSeconds,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    mean.pretextAccuracy,
  ]);
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

/**
 * The JSON document: `{ categories: CategoryResult[], mean: MeanRow, ...meta }`.
 *
 * @example
 * writeFileSync('results.json', jsonResults(results, { preset: 'fast', backend: 'wasm' }));
 */
export function jsonResults(results: readonly CategoryResult[], meta: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ ...meta, categories: results, mean: meanRow(results) }, null, 2)}\n`;
}
