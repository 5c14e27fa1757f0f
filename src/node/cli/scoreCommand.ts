import { stat } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import type { ScoreArgs } from './argTypes';
import { selectBackend, wasmThreads } from './backend';
import type { CliContext } from './context';
import { type ScoredImage, formatScore, scoreTable } from './format';
import { heatmapSize, readHeatmapImage } from './heatmapImage';
import { heatmapRange } from '../../heatmap/heatmapRange';
import { checkHeatmapFolder, checkHeatmapTargets, heatmapPaths, realInputFolders, writeHeatmapFile } from './heatmapTargets';
import { loadLibrary } from './library';
import { writeMask } from './maskImage';
import { checkReportFolder, writeCliReport } from './cliReport';
import type { ReportImage } from 'cutpaste/node';
import { expandImagePaths, type SkippedFile } from './paths';
import { type ReadOptions, readScorable, skippedLines } from './readScorable';
import { checkModelFolder, detectorView, loadSavedDetector } from './savedDetector';
import { EXIT_CODES, UsageError } from './UsageError';

/** Images read and scored at once (each read at the model's image size). */
const CHUNK = 8;

/** The deepest folder holding every path. */
function commonFolder(paths: readonly string[]): string {
  const parts = paths.map((p) => dirname(p).split(sep));
  const first = parts[0]!;
  let n = first.length;
  for (const p of parts) {
    let i = 0;
    while (i < n && i < p.length && p[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n).join(sep) || sep;
}

/**
 * `cutpaste score`: loads a model saved by `fit`, scores each image file (resized to the model's image size as it is decoded) and
 * prints a table (file, score, verdict, threshold) or JSON. Folders are listed by the rule of `fit`
 * (linked files count); what they hold besides images is named on stderr. With `--heatmaps OUT_DIR`
 * writes one overlay PNG per image, `<name with extension>.png`, mirroring the images' folders below
 * their common folder (so `test/crack/000.png` and `test/good/000.png` do not collide); OUT_DIR may
 * not be or lie inside an input folder, and only earlier cutpaste heatmaps are ever replaced
 * (see heatmapTargets.ts). A file the reader refuses (corrupt, truncated, empty, not an image, over
 * --max-pixels) is skipped, not fatal: stderr names each one (even with --quiet) and the JSON lists it
 * in `skipped` with the folder entries left out.
 *
 * @returns the exit code: 0 when at least one image was scored (some may have been skipped), 3
 *   (`EXIT_CODES.nothingScored`) when none could be read
 */
export async function scoreCommand(args: ScoreArgs, context: CliContext): Promise<number> {
  const command = 'score';
  await checkModelFolder(args.model, command);
  const { files, skipped } = await expandImagePaths(args.images, command);
  const base = commonFolder(files);
  const heatmapDir = args.heatmaps === undefined ? undefined : resolve(args.heatmaps);
  const heatmaps =
    args.heatmaps === undefined ? undefined : await outputPaths('--heatmaps', args.heatmaps, base, files, args.images, command);
  const masks = args.masks === undefined ? undefined : await outputPaths('--masks', args.masks, base, files, args.images, command);
  const reportDir = args.report === undefined ? undefined : await checkReportFolder(args.report, false, command);
  if (skipped.length > 0) {
    context.display.note(
      `skipped ${skipped.length} ${skipped.length === 1 ? 'entry' : 'entries'} of the image folders that ${skipped.length === 1 ? 'is' : 'are'} not image files:${skippedLines(skipped, (s) => `${s.file} (${s.reason})`)}`,
    );
  }

  await selectBackend(args.backend, wasmThreads(args, { trains: false }));
  const lib = await loadLibrary();
  const saved = await loadSavedDetector(lib, args.model, args.encoderModel, command);
  const { detector, dir: modelDir } = saved;
  try {
    if (args.threshold !== undefined) detector.setThreshold(args.threshold);
    const threshold = detector.threshold?.value;
    const view = detectorView(detector);
    if (masks !== undefined && !view.scaledMaps) {
      throw new UsageError(
        `--masks needs score maps on the score scale (patch mode or feature-density); this model is in ${view.mode} mode, whose GradCAM maps are normalised per image`,
        command,
      );
    }
    if (masks !== undefined && threshold === undefined)
      throw new UsageError('--masks needs a threshold: the model has none; pass --threshold V', command);
    const range = view.scaledMaps ? heatmapRange(threshold) : undefined;
    // Resized while decoding (as `fit` reads its training images), so a large file is never held at full size.
    const read: ReadOptions = { size: view.imageSize, ...(args.maxPixels === undefined ? {} : { maxPixels: args.maxPixels }) };
    const results: ScoredImage[] = [];
    const unreadable: SkippedFile[] = [];
    const reportImages: ReportImage[] = [];
    const task = context.display.start('score', files.length, 'images');
    for (let start = 0; start < files.length; start += CHUNK) {
      const chunk = await readScorable(lib, files, start, CHUNK, read, unreadable);
      if (chunk.length === 0) {
        task.update(Math.min(files.length, start + CHUNK));
        continue;
      }
      const images = chunk.map((c) => c.image);
      const withMaps = heatmaps !== undefined || masks !== undefined || reportDir !== undefined;
      const scores = threshold === undefined ? await detector.score(images) : undefined;
      const predictions = threshold !== undefined ? await detector.predict(images, { maps: withMaps }) : undefined;
      const maps = withMaps ? (predictions?.map((p) => p.map!) ?? (await detector.scoreMaps(images))) : undefined;
      for (let i = 0; i < chunk.length; i++) {
        const { file, index } = chunk[i]!;
        const score = predictions ? predictions[i]!.score : scores![i]!;
        let heatmap: string | undefined;
        if (heatmaps !== undefined) {
          heatmap = heatmaps[index]!;
          const shown = await readHeatmapImage(lib, file, args.maxPixels);
          await writeHeatmapFile(heatmap, (path) =>
            lib.writeHeatmap(path, shown, maps![i]!, { colormap: 'turbo', alpha: 0.5, ...(range ? { range } : {}) }),
          );
        }
        let mask: string | undefined;
        if (masks !== undefined) {
          mask = masks[index]!;
          const { width, height } = await lib.readImageSize(file);
          await writeHeatmapFile(mask, (path) => writeMask(lib, path, maps![i]!, threshold!, heatmapSize(width, height)));
        }
        const prediction = predictions?.[i];
        if (reportDir !== undefined) reportImages.push({ name: shownPath(file), score, image: chunk[i]!.image, map: maps![i]! });
        results.push({
          file: shownPath(file),
          score,
          normalizedScore: prediction ? prediction.normalizedScore : null,
          isAnomalous: prediction ? prediction.isAnomalous : null,
          ...(heatmap ? { heatmap: shownPath(heatmap) } : {}),
          ...(mask ? { mask: shownPath(mask) } : {}),
        });
      }
      task.update(Math.min(files.length, start + CHUNK));
    }
    task.done();
    const notScored = [...skipped, ...unreadable].map((s) => ({ file: shownPath(s.file), reason: s.reason }));
    if (args.json) {
      const doc = {
        model: shownPath(modelDir),
        detector: detector.kind,
        threshold: threshold ?? null,
        thresholdFrom: args.threshold !== undefined ? '--threshold' : 'model',
        mode: view.mode,
        heatmapRange: range ?? null,
        images: results,
        skipped: notScored,
      };
      context.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    } else if (results.length > 0) {
      context.stdout.write(scoreTable(results, threshold));
      if (masks !== undefined)
        context.display.note(
          `masks written to ${shownPath(resolve(args.masks!))} (white: score map >= threshold ${formatScore(threshold!)})`,
        );
      if (heatmapDir !== undefined)
        context.display.note(
          `heatmaps written to ${shownPath(heatmapDir)}${range ? ` (colours span scores ${formatScore(range[0])}–${formatScore(range[1])}; threshold ${formatScore(threshold!)} mid-scale)` : ' (colours normalised per image)'}`,
        );
    }
    if (unreadable.length > 0) {
      const lines = skippedLines(unreadable, (s) => `${shownPath(s.file)}: ${s.reason}`);
      context.stderr.write(`cutpaste score: skipped ${unreadable.length} of ${files.length} image files that could not be read:${lines}\n`);
    }
    if (reportDir !== undefined && reportImages.length > 0) {
      const file = await writeCliReport(
        lib,
        reportDir,
        detector,
        reportImages,
        { title: `${shownPath(modelDir)}: ${reportImages.length} scored images`, summary: [['model', shownPath(modelDir)]] },
        false,
      );
      context.display.note(`report written to ${shownPath(file)}`);
    }
    if (results.length === 0) {
      context.stderr.write(`cutpaste score: none of the ${files.length} image files could be read; nothing was scored\n`);
      return EXIT_CODES.nothingScored;
    }
    return EXIT_CODES.ok;
  } finally {
    saved.dispose();
  }
}

/**
 * The file each image gets in the output folder of `flag` (`--heatmaps`, `--masks`): named as
 * heatmaps are, refused before anything is scored by the rules of heatmapTargets.ts.
 */
async function outputPaths(
  flag: string,
  option: string,
  base: string,
  files: readonly string[],
  images: readonly string[],
  command: string,
): Promise<string[]> {
  const dir = resolve(option);
  if ((await stat(dir).catch(() => null))?.isDirectory() === false) {
    throw new UsageError(
      `${flag} ${option}: is a file, expected a folder for the ${flag === '--masks' ? 'mask' : 'heatmap'} PNGs`,
      command,
    );
  }
  const paths = heatmapPaths(dir, base, files);
  const inputs = images.map((p) => resolve(p));
  const folders = new Set<string>();
  for (const input of inputs) if ((await stat(input)).isDirectory()) folders.add(input);
  const inputFolders = await realInputFolders(inputs, folders);
  await checkHeatmapFolder(option, dir, inputFolders, command, flag);
  await checkHeatmapTargets(option, paths, inputFolders, command, flag);
  return paths;
}

/** A path relative to the working folder when it is below it, else absolute. */
function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') || rel === '' ? path : rel;
}
