import type { CutPasteDetector, CutPasteOptions, DetectorFitReport, Evaluation, FitReport, ImageDataset, TestSet } from 'cutpaste/node';
import { asCliDetector, type CliDetector } from './detectorOptions';
import { densityLines, featureLines, pretextLines } from './fitSummary';
import { turnEventLoop } from './interrupt';
import type { Library } from './library';
import { type ProgressDisplay, fitProgress } from './progress';

/** One row of the results table. Metrics are fractions in [0, 1]; null when not measurable. */
export interface CategoryResult {
  readonly category: string;
  readonly trainImages: number;
  readonly testImages: number;
  readonly imageAuroc: number;
  /** null without ground-truth masks. */
  readonly pixelAuroc: number | null;
  /** null without ground-truth masks. */
  readonly auPro: number | null;
  /** The F1-maximising image threshold on the test set, and its F1. */
  readonly f1Threshold: number;
  readonly f1: number;
  /** Seconds of `fit` (training, embedding, density). */
  readonly fitSeconds: number;
  /** Seconds of `evaluate` (reading the test images and scoring them). */
  readonly evaluateSeconds: number;
  /** The detector setup that produced the row: CutPaste's mode, or `'features'` (feature-density). */
  readonly mode: 'image' | 'patch' | 'features';
  /** Training steps (0: feature-density, which trains nothing). */
  readonly steps: number;
  /** The density fitted (patch mode: chosen by `perLocation`, `'auto'` by default). */
  readonly density: string;
  /** Held-out pretext accuracy on the originals and visibly changed copies (`FitReport.heldOutPretext`); null when not measured. */
  readonly pretextAccuracy: number | null;
  readonly imageSize: readonly [number, number];
}

/** Options of {@link evaluateCategory}. */
export interface EvaluateCategoryOptions {
  /** Detector options (in patch mode `perLocation` defaults to the library's `'auto'` choice). */
  readonly detector: CutPasteOptions | Readonly<Record<string, unknown>>;
  /** The registered detector kind to create (`createDetector(kind, detector)`). Default `'cutpaste'`. */
  readonly kind?: string;
  /** Progress output (fit stages, then scoring). */
  readonly display?: ProgressDisplay;
  /** Stops fit or scoring (AbortError). */
  readonly signal?: AbortSignal;
  /** Gradient worker threads for training (`FitOptions.workers`). Default `'auto'`. */
  readonly workers?: number | 'auto';
  /** Test images per streamed batch. Default 16. */
  readonly batchSize?: number;
  /**
   * Size the dataset's images are read at: `'model'` (default) resizes files to the detector's
   * `imageSize` when reading (Lanczos; pixel metrics at that size); `'native'` keeps each file's size
   * (the detector resizes bilinearly; pixel metrics at the masks' own size).
   */
  readonly readSize?: 'model' | 'native';
  /** Largest image file read, in pixels (`LoadImagesOptions.maxPixels`). Default: the library's. */
  readonly maxPixels?: number;
  /** Return the fitted detector (the caller disposes it) instead of disposing it. Default false. */
  readonly keepDetector?: boolean;
}

/** Everything {@link evaluateCategory} measured (`R`, `D`: CutPaste's report and detector unless another kind was asked for). */
export interface CategoryEvaluation<R extends DetectorFitReport = FitReport, D extends CliDetector = CutPasteDetector> {
  readonly result: CategoryResult;
  /** The library's evaluation: `scores` follow `dataset.test` order. */
  readonly evaluation: Evaluation;
  readonly fitReport: R;
  readonly dataset: ImageDataset;
  /** Only with `keepDetector`. */
  readonly detector?: D;
}

/** What {@link evaluateDetector} measured. */
export interface DetectorEvaluation {
  readonly evaluation: Evaluation;
  readonly dataset: ImageDataset;
  /** Seconds of reading the test images and scoring them. */
  readonly evaluateSeconds: number;
}

/** The streamed test set as `evaluate` wants it, counting images for the progress display. */
async function* testSet(dataset: ImageDataset, batchSize: number, onBatch: (count: number) => void): AsyncIterable<TestSet> {
  for await (const batch of dataset.testBatches({ batchSize })) {
    // A folder without masks gives null masks: leave them out, so only image metrics are computed.
    yield dataset.hasMasks
      ? { images: batch.images, labels: batch.labels, masks: batch.masks }
      : { images: batch.images, labels: batch.labels };
    onBatch(batch.images.length);
  }
}

/**
 * Fits a detector on one category's `train/good` images and evaluates it on its test set, streamed
 * in batches (image AUROC; pixel AUROC and AUPRO when the category has masks). The detector is
 * created through the library's registry (`options.kind`, CutPaste by default). Used by `cutpaste
 * evaluate`, `examples/mvtec.ts` and the demo.
 *
 * @param dir an MVTec AD category folder (or any folder in its layout)
 * @throws RangeError when the test set lacks normal or defective images (AUROC needs both)
 * @example
 * const lib = await loadLibrary();
 * const { result } = await evaluateCategory(lib, 'mvtec/bottle', { detector: { preset: 'fast' } });
 * result.imageAuroc; // 0.99…
 */
export async function evaluateCategory(
  lib: Library,
  dir: string,
  options: EvaluateCategoryOptions & { kind?: 'cutpaste' },
): Promise<CategoryEvaluation>;
export async function evaluateCategory(
  lib: Library,
  dir: string,
  options: EvaluateCategoryOptions,
): Promise<CategoryEvaluation<DetectorFitReport, CliDetector>>;
export async function evaluateCategory(
  lib: Library,
  dir: string,
  options: EvaluateCategoryOptions,
): Promise<CategoryEvaluation<DetectorFitReport, CliDetector>> {
  const category = categoryName(dir);
  const detector = asCliDetector(await lib.createDetector(options.kind ?? 'cutpaste', { ...options.detector }), 'evaluateCategory');
  let keep = false;
  try {
    const limit = options.maxPixels === undefined ? {} : { maxPixels: options.maxPixels };
    const dataset = await loadTestable(
      lib,
      dir,
      options.readSize === 'native' ? limit : { imageSize: detector.options.imageSize, ...limit },
    );
    const display = options.display;
    display?.note(`${category}: ${dataset.train.length} training images, ${dataset.test.length} test images, ${setupLine(detector)}`);
    const train = await dataset.loadTrain();
    const fitReport = await detector.fit(train, {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(display ? { onProgress: fitProgress(display) } : {}),
      ...(options.workers !== undefined ? { workers: options.workers } : {}),
    });
    display?.stop();
    const lines = 'steps' in fitReport ? pretextLines(fitReport) : featureLines(fitReport);
    for (const line of [...lines, ...densityLines(fitReport)]) display?.note(`${category}:${line.slice(1)}`);
    await turnEventLoop();
    if (options.signal?.aborted) throw new lib.AbortError(`evaluating ${category} was aborted after fitting`);
    const { evaluation, evaluateSeconds } = await evaluateDetector(lib, detector, dataset, options);
    const result = categoryResult(detector, dataset, evaluation, { fitSeconds: fitReport.seconds, evaluateSeconds });
    keep = options.keepDetector ?? false;
    return { result, evaluation, fitReport, dataset, ...(keep ? { detector } : {}) };
  } finally {
    if (!keep) detector.dispose();
  }
}

/** A category's name: its folder's. */
export const categoryName = (dir: string): string => dir.split(/[\\/]/).filter(Boolean).pop() ?? dir;

/**
 * The MVTec-layout dataset of `dir`, refused unless its test set has normal and defective images.
 * @throws RangeError when the test set lacks normal or defective images (AUROC needs both)
 */
export async function loadTestable(lib: Library, dir: string, options: Parameters<Library['loadMvtecCategory']>[1]): Promise<ImageDataset> {
  const dataset = await lib.loadMvtecCategory(dir, options);
  const labels = new Set(dataset.test.map((s) => s.label));
  if (!labels.has(0) || !labels.has(1)) {
    throw new RangeError(
      `evaluateCategory: ${dataset.dir}/test needs normal (test/good) and defective images to compute AUROC; found ${dataset.test.length} test images${labels.size === 1 ? ` all ${labels.has(0) ? 'normal' : 'defective'}` : ''}`,
    );
  }
  return dataset;
}

/** How a detector is set up, for the progress notes. */
function setupLine(detector: CliDetector): string {
  const size = `${detector.options.imageSize[0]}×${detector.options.imageSize[1]}`;
  if (detector.kind !== 'cutpaste') return `feature-density (no training) at ${size}`;
  const o = detector.options;
  return `${o.mode} mode${o.mode === 'patch' ? `, density ${o.perLocation === 'auto' ? 'per location or shared (auto)' : o.perLocation ? 'per location' : 'shared'}` : ''}, ${o.steps} steps at ${size}`;
}

/**
 * Scores a fitted detector (of any kind) on a dataset's test set, streamed in batches, showing
 * progress; changes nothing in the detector.
 */
export async function evaluateDetector(
  lib: Library,
  detector: CliDetector,
  dataset: ImageDataset,
  options: Pick<EvaluateCategoryOptions, 'display' | 'signal' | 'batchSize'>,
): Promise<DetectorEvaluation> {
  const category = categoryName(dataset.dir);
  const started = performance.now();
  const task = options.display?.start('score', dataset.test.length, 'images');
  let scored = 0;
  const evaluation = await detector.evaluate(
    testSet(dataset, options.batchSize ?? 16, (n) => {
      scored += n;
      task?.update(scored);
      if (options.signal?.aborted) throw new lib.AbortError(`evaluating ${category} was aborted while scoring`);
    }),
  );
  task?.done();
  return { evaluation, dataset, evaluateSeconds: (performance.now() - started) / 1000 };
}

/** The results row of a detector evaluated on a dataset. */
export function categoryResult(
  detector: CliDetector,
  dataset: ImageDataset,
  evaluation: Evaluation,
  seconds: { fitSeconds: number; evaluateSeconds: number },
): CategoryResult {
  const report = detector.fitReport;
  const cutpaste = detector.kind === 'cutpaste' ? detector.options : undefined;
  return {
    category: categoryName(dataset.dir),
    trainImages: report?.images ?? dataset.train.length,
    testImages: dataset.test.length,
    imageAuroc: evaluation.imageAuroc,
    pixelAuroc: evaluation.pixelAuroc ?? null,
    auPro: evaluation.auPro ?? null,
    f1Threshold: evaluation.f1Max.threshold,
    f1: evaluation.f1Max.f1,
    ...seconds,
    mode: cutpaste ? cutpaste.mode : 'features',
    steps: cutpaste ? cutpaste.steps : 0,
    density: report?.density ?? 'unknown',
    pretextAccuracy: (report && 'heldOutPretext' in report ? report.heldOutPretext?.visibleAccuracy : undefined) ?? null,
    imageSize: detector.options.imageSize,
  };
}
