/**
 * What the HTML report shows (`renderReport`, `writeReport`): what `cutpaste evaluate` and `cutpaste
 * score` compute, and the pixels of the images shown. The report's image files have fixed names
 * derived from each image's position (`reportImageFiles`), never from its (untrusted) name.
 */
import type { ColormapName, FitReport, RawImage } from 'cutpaste';
import type { ScoreGrid } from 'cutpaste/advanced';

/** One scored image of the report. */
export interface ReportImage {
  /** Shown name, for instance the file's path (`crack/000.png`); any text (it is escaped). */
  readonly name: string;
  /** Its anomaly score (finite). */
  readonly score: number;
  /** 1 = defective, 0 = normal. Every image has one (an evaluation) or none does (a `score` run). */
  readonly label?: 0 | 1;
  /** `good` or the defect type (the MVTec folder name). Default: `good` for label 0, `defect` for label 1. */
  readonly defectType?: string;
  /**
   * The image as shown (`{ data, width, height, channels }`: 1, 3 or 4 channels, 0–255 or 0–1 floats),
   * at the size to show it: for instance read at the model's image size. `writeReport` writes it as a PNG.
   */
  readonly image: RawImage;
  /** Its score map (`detector.scoreMaps`, `predict(…, { maps: true })`), resized to the image; absent: no heatmap. */
  readonly map?: ScoreGrid;
  /** Its ground-truth mask at the image's size (row-major, > 0 = defect), or null (no mask file). */
  readonly mask?: ArrayLike<number> | null;
}

/** The decision threshold of the report: the library's `Threshold` (`detector.threshold`), or any value. */
export interface ReportThreshold {
  /** Scores `>= value` are anomalous. */
  readonly value: number;
  /** How it was set (`detector.threshold.method`): `'fit'`, `'quantile'`, `'f1-max'`, `'manual'`. */
  readonly method?: string;
  /** The quantile of normal scores it is (`'fit'`, `'quantile'`). */
  readonly quantile?: number;
  /** A sentence on how it was set, shown instead of one derived from `method` (plain text). */
  readonly note?: string;
}

/** Everything the report shows. Only `title` and `images` are needed. */
export interface ReportData {
  readonly title: string;
  /** One paragraph under the title (plain text). */
  readonly intro?: string;
  /** The test images, in any order (the report sorts them by score). At least one. */
  readonly images: readonly ReportImage[];
  /** The decision threshold: verdicts, normalised scores (score / threshold), the slider's start. */
  readonly threshold?: ReportThreshold;
  /** Pixel-level metrics of `detector.evaluate` (fractions in [0, 1]; null or absent: not measured). Image AUROC and F1-max are computed from the scores and labels. */
  readonly metrics?: { readonly pixelAuroc?: number | null; readonly auPro?: number | null };
  /** The detector's options (`detector.options`), shown as a table: numbers, strings, booleans and arrays of them. */
  readonly options?: object;
  /** The fit's report (`detector.fitReport`): pretext accuracy (held out too), the density and how it was chosen. */
  readonly fit?: FitReport;
  /** Further summary rows: label, value (plain text), for instance the data, the backend, timings. */
  readonly summary?: readonly (readonly [string, string])[];
  /**
   * How heatmaps are coloured (`renderHeatmap` options). Default: turbo, alpha 0.5, each map normalised
   * to its own range; pass a fixed `range` (the CLI's `[threshold / 2, 1.5 × threshold]`) to compare
   * images, which also shows a colour legend.
   */
  readonly heatmap?: { readonly range?: readonly [number, number]; readonly colormap?: ColormapName; readonly alpha?: number };
  /** Footnotes (plain text). */
  readonly notes?: readonly string[];
}

/** The report's image files of one image, relative to the report's folder. */
export interface ReportImageFiles {
  readonly image: string;
  /** Present when the image has a mask. */
  readonly mask?: string;
  /** Present when the image has a score map. */
  readonly heatmap?: string;
}

/** The report's main file. */
export const REPORT_HTML_FILE = 'index.html';

/**
 * Where the report keeps the PNGs of `data.images[index]`: `images/0001.png`, `images/0001-mask.png`,
 * `images/0001-map.png` (1-based, at least 4 digits); a mask and a heatmap only when the image has them.
 *
 * @example
 * reportImageFiles(0, { name: 'a.png', score: 1, image, map }); // { image: 'images/0001.png', heatmap: 'images/0001-map.png' }
 */
export function reportImageFiles(index: number, image: ReportImage): ReportImageFiles {
  const stem = `images/${String(index + 1).padStart(4, '0')}`;
  const hasMask = image.mask !== undefined && image.mask !== null;
  return { image: `${stem}.png`, ...(hasMask ? { mask: `${stem}-mask.png` } : {}), ...(image.map ? { heatmap: `${stem}-map.png` } : {}) };
}

/** Whether the report has a mask column: some image has a mask. */
export function reportHasMasks(data: ReportData): boolean {
  return data.images.some((im) => im.mask !== undefined && im.mask !== null);
}
