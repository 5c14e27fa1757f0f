import { relative } from 'node:path';
import type { ImageDataset, LoadedImage, ReportData, ReportImage, ScoreMap } from 'cutpaste/node';
import { heatmapRange } from '../../heatmap/heatmapRange';
import { checkOutputFolder, listEntries } from '../outputFolder';
import type { CliDetector } from './detectorOptions';
import type { Library } from './library';
import { detectorView } from './savedDetector';
import { UsageError } from './UsageError';

/**
 * The HTML report of `evaluate --report DIR` and `score --report DIR`, written by the library's
 * `writeReport` (index.html and the images it shows, atomically, at the end).
 */

/**
 * Checks, before any work, that the report may be written to `dir` (new or empty; with `--force`,
 * a folder holding files, whose report files are replaced).
 *
 * @throws UsageError for a file, or a folder holding entries without `force`
 */
export function checkReportFolder(dir: string, force: boolean, command: string): Promise<string> {
  return checkOutputFolder(dir, force, (refusal) =>
    refusal.kind === 'file'
      ? new UsageError(`--report ${dir}: is a file, expected a folder for the report`, command)
      : new UsageError(
          `--report ${dir}: the folder holds files (${listEntries(refusal.entries)}); choose a new or empty folder${command === 'evaluate' ? ", or pass --force to replace the report's files there" : ''}`,
          command,
        ),
  );
}

/** Scores and score maps of `images` (with the detector's threshold, or without one). */
export async function scoresAndMaps(detector: CliDetector, images: LoadedImage[]): Promise<{ score: number; map: ScoreMap }[]> {
  if (detector.threshold) return (await detector.predict(images, { maps: true })).map((p) => ({ score: p.score, map: p.map! }));
  const [scores, maps] = [await detector.score(images), await detector.scoreMaps(images)];
  return maps.map((map, i) => ({ score: scores[i]!, map }));
}

/**
 * Writes the report of `images` scored by `detector`: its threshold, options and fit report, heatmaps
 * on the CLI's threshold-centred range when the maps are on the score scale.
 *
 * @returns the path of index.html
 */
export function writeCliReport(
  lib: Library,
  dir: string,
  detector: CliDetector,
  images: readonly ReportImage[],
  extra: Pick<ReportData, 'title' | 'intro' | 'metrics' | 'summary'>,
  force: boolean,
): Promise<string> {
  const threshold = detector.threshold;
  const range = detectorView(detector).scaledMaps ? heatmapRange(threshold?.value) : undefined;
  const fit = detector.kind === 'cutpaste' ? detector.fitReport : undefined;
  return lib.writeReport(
    dir,
    {
      ...extra,
      images,
      ...(threshold ? { threshold } : {}),
      options: { detector: detector.kind, ...withoutModels(detector.options) },
      ...(fit ? { fit } : {}),
      ...(range ? { heatmap: { range } } : {}),
    },
    { force },
  );
}

/** Options as the report's table shows them: a user's pretrained model by name only. */
function withoutModels(options: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(options).map(([k, v]) => [k, typeof v === 'object' && v !== null && 'model' in v ? 'pretrained model' : v]),
  );
}

/** The report images of a dataset's test set, read in chunks at the dataset's size, with their labels, masks and maps. */
export async function testSetReportImages(detector: CliDetector, dataset: ImageDataset, chunk = 8): Promise<ReportImage[]> {
  const out: ReportImage[] = [];
  for (let start = 0; start < dataset.test.length; start += chunk) {
    const samples = dataset.test.slice(start, start + chunk);
    const loaded = await Promise.all(samples.map((s) => dataset.loadSample(s)));
    const scored = await scoresAndMaps(
      detector,
      loaded.map((l) => l.image),
    );
    samples.forEach((s, i) =>
      out.push({
        name: relative(dataset.dir, s.path),
        score: scored[i]!.score,
        label: s.label === 1 ? 1 : 0,
        defectType: s.defectType,
        image: loaded[i]!.image,
        map: scored[i]!.map,
        mask: loaded[i]!.mask,
      }),
    );
  }
  return out;
}
