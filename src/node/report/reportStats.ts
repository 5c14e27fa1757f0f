/**
 * The numbers of the HTML report, from scores and labels: histogram bins, the confusion matrix at a
 * threshold and the results per defect type. Pure.
 */
import { f1Max, rocAuc, rocCurve, type F1Max } from 'cutpaste';
import type { RocCurve } from 'cutpaste/advanced';
import type { ReportData, ReportImage } from './ReportData';

/** Counts at a threshold (`score >= threshold`: anomalous). */
export interface ConfusionMatrix {
  /** Defective images flagged anomalous. */
  readonly truePositives: number;
  /** Normal images flagged anomalous. */
  readonly falsePositives: number;
  /** Normal images passed as normal. */
  readonly trueNegatives: number;
  /** Defective images passed as normal. */
  readonly falseNegatives: number;
}

/** One row of the results per defect type (`good` included). */
export interface DefectRow {
  readonly defectType: string;
  readonly label: 0 | 1;
  readonly count: number;
  /** Images flagged anomalous at the threshold (for `good`: false alarms); null without a threshold. */
  readonly flagged: number | null;
  readonly meanScore: number;
  /** AUROC of this type's images against the normal ones; null for `good`, or without normal images. */
  readonly auroc: number | null;
}

/** The image-level numbers of a labelled report with both classes. */
export interface ImageMetrics {
  readonly roc: RocCurve;
  readonly auroc: number;
  readonly f1Max: F1Max;
}

/**
 * Counts of `values` in `bins` equal bins over `[low, high]`; values outside are clamped into the
 * first or last bin, and `high` falls in the last one. The counts sum to `values.length`.
 *
 * @example
 * histogram([0, 1, 2, 3, 4], 0, 4, 2); // [2, 3]
 */
export function histogram(values: ArrayLike<number>, low: number, high: number, bins: number): number[] {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`histogram: bins must be an integer ≥ 1, got ${bins}`);
  if (!(high > low)) throw new RangeError(`histogram: high must be above low, got [${low}, ${high}]`);
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const bin = Math.floor(((values[i]! - low) / (high - low)) * bins);
    counts[Math.min(bins - 1, Math.max(0, bin))]!++;
  }
  return counts;
}

/** The shown defect type of an image: its own, else `good` / `defect` from its label. */
export function defectTypeOf(image: ReportImage): string {
  return image.defectType ?? (image.label === 1 ? 'defect' : 'good');
}

/**
 * The confusion matrix of labelled images at `threshold`.
 *
 * @example
 * confusionMatrix([{ score: 3, label: 1 }, { score: 1, label: 0 }], 2); // { truePositives: 1, trueNegatives: 1, … }
 */
export function confusionMatrix(images: readonly Pick<ReportImage, 'score' | 'label'>[], threshold: number): ConfusionMatrix {
  let tp = 0,
    fp = 0,
    tn = 0,
    fn = 0;
  for (const { score, label } of images) {
    const flagged = score >= threshold;
    if (label === 1) {
      if (flagged) tp++;
      else fn++;
    } else if (flagged) fp++;
    else tn++;
  }
  return { truePositives: tp, falsePositives: fp, trueNegatives: tn, falseNegatives: fn };
}

/** The results per defect type of labelled images: `good` first, then the types in order of appearance. */
export function defectRows(images: readonly ReportImage[], threshold: number | undefined): DefectRow[] {
  const groups = new Map<string, ReportImage[]>();
  for (const im of [...images].sort((a, b) => (a.label ?? 0) - (b.label ?? 0))) {
    const type = defectTypeOf(im);
    groups.set(type, [...(groups.get(type) ?? []), im]);
  }
  const normal = images.filter((im) => im.label === 0).map((im) => im.score);
  return [...groups].map(([defectType, group]) => {
    const label = group[0]!.label === 1 ? 1 : 0;
    const scores = group.map((im) => im.score);
    const auroc =
      label === 1 && normal.length > 0 ? rocAuc([...normal, ...scores], [...normal.map(() => 0), ...scores.map(() => 1)]) : null;
    return {
      defectType,
      label,
      count: group.length,
      flagged: threshold === undefined ? null : scores.filter((s) => s >= threshold).length,
      meanScore: scores.reduce((a, b) => a + b, 0) / scores.length,
      auroc,
    };
  });
}

/** ROC curve, AUROC and F1-max of a labelled report; null when a class is missing. */
export function imageMetrics(images: readonly ReportImage[]): ImageMetrics | null {
  const labels = images.map((im) => im.label ?? 0);
  if (!labels.includes(0) || !labels.includes(1)) return null;
  const scores = images.map((im) => im.score);
  return { roc: rocCurve(scores, labels), auroc: rocAuc(scores, labels), f1Max: f1Max(scores, labels) };
}

/**
 * Checks the report's data: a title, at least one image, finite scores, labels on every image or on
 * none, a finite threshold.
 *
 * @returns whether the images are labelled
 * @throws TypeError/RangeError naming the field at fault
 */
export function checkReportData(data: ReportData, fn: string): boolean {
  if (data === null || typeof data !== 'object') throw new TypeError(`${fn}: data must be a ReportData object, got ${String(data)}`);
  if (typeof data.title !== 'string') throw new TypeError(`${fn}: data.title must be a string, got ${typeof data.title}`);
  const given: unknown = data.images;
  if (!Array.isArray(given) || given.length === 0)
    throw new RangeError(`${fn}: data.images must be a non-empty array, got ${Array.isArray(given) ? 'an empty one' : typeof given}`);
  const labelled = data.images[0]!.label !== undefined;
  data.images.forEach((im, i) => {
    if (typeof im?.name !== 'string') throw new TypeError(`${fn}: data.images[${i}].name must be a string, got ${typeof im?.name}`);
    if (typeof im.score !== 'number' || !Number.isFinite(im.score))
      throw new RangeError(`${fn}: data.images[${i}].score must be a finite number, got ${String(im.score)}`);
    if (im.label !== undefined && im.label !== 0 && im.label !== 1)
      throw new RangeError(`${fn}: data.images[${i}].label must be 0, 1 or absent, got ${String(im.label)}`);
    if ((im.label !== undefined) !== labelled) {
      throw new RangeError(
        `${fn}: data.images[${i}] ${labelled ? 'has no label' : 'has a label'} but data.images[0] ${labelled ? 'has one' : 'has none'}; label every image (an evaluation) or none (a score run)`,
      );
    }
  });
  const t = data.threshold?.value;
  if (data.threshold !== undefined && (typeof t !== 'number' || !Number.isFinite(t)))
    throw new RangeError(`${fn}: data.threshold.value must be a finite number, got ${String(t)}`);
  return labelled;
}
