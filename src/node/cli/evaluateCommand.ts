import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { EvaluateArgs } from './argTypes';
import { selectBackend, wasmThreads } from './backend';
import type { CliContext } from './context';
import { createDetector, kindOf, toDetectorOptions, toFitOptions } from './detectorOptions';
import { loadEncoderModel } from './encoderModel';
import { type CategoryResult, categoryResult, evaluateCategory, evaluateDetector, loadTestable } from './evaluateCategory';
import { formatSeconds } from './format';
import { onInterrupt } from './interrupt';
import { type Library, loadLibrary } from './library';
import { existingFolder, listCategories } from './paths';
import { checkResultsFolder, writeResultFiles } from './resultFiles';
import { loadSavedDetector } from './savedDetector';
import { checkReportFolder, testSetReportImages, writeCliReport } from './cliReport';
import type { CliDetector } from './detectorOptions';
import type { Evaluation, ImageDataset } from 'cutpaste/node';
import { csvTable, jsonResults, markdownTable, percent } from './resultsTable';
import { UsageError } from './UsageError';

/** The files `evaluate --out DIR` writes. */
export const RESULT_FILES = Object.freeze({ markdown: 'results.md', json: 'results.json', csv: 'results.csv' });

/**
 * The categories to evaluate: `--categories` (each must exist), else every folder with `train/good`
 * under the root, else the root itself when it is one category.
 *
 * @returns absolute category folders
 * @throws UsageError naming what is missing and what was found
 */
export async function resolveCategories(root: string, wanted: readonly string[] | undefined, command = 'evaluate'): Promise<string[]> {
  const found = await listCategories(root);
  if (wanted) {
    const missing = wanted.filter((c) => !found.includes(c));
    if (missing.length > 0) {
      const have = found.length > 0 ? `found: ${found.join(', ')}` : 'no category (folder with train/good) is there';
      throw new UsageError(`--categories: ${missing.join(', ')} not found under ${root} (${have})`, command);
    }
    return wanted.map((c) => join(root, c));
  }
  if (found.length > 0) return found.map((c) => join(root, c));
  const single = await stat(join(root, 'train', 'good')).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (single) return [root];
  throw new UsageError(`--data ${root}: no MVTec AD category found (expected folders like bottle/ holding train/good/ and test/)`, command);
}

/**
 * `cutpaste evaluate`: fits and evaluates each category, printing a line per category as it finishes
 * and the Markdown table at the end (stdout). With `--out DIR` (new or empty, or `--force`),
 * results.md, results.json and results.csv are written atomically once every category is done, so a
 * failing run writes nothing there; Ctrl-C writes the finished categories' results.
 *
 * @returns the exit code (0)
 */
export async function evaluateCommand(args: EvaluateArgs, context: CliContext): Promise<number> {
  const command = 'evaluate';
  const root = await existingFolder(args.data, '--data', command);
  const categories = await resolveCategories(root, args.categories, command);
  const single = args.model !== undefined ? '--model evaluates one saved model' : args.report !== undefined ? '--report shows' : undefined;
  if (single !== undefined && categories.length !== 1) {
    throw new UsageError(
      `${single} on one category; --data ${args.data} holds ${categories.length} (${categories.map((c) => c.split(/[\\/]/).pop()).join(', ')}): pass the category's folder or --categories NAME`,
      command,
    );
  }
  const outDir = args.out === undefined ? undefined : await checkResultsFolder(args.out, args.force, command);
  const reportDir = args.report === undefined ? undefined : await checkReportFolder(args.report, args.force, command);
  const backend = await selectBackend(args.backend, wasmThreads(args, { trains: true }));
  const lib = await loadLibrary();
  if (args.model !== undefined) return evaluateSaved(lib, { ...args, model: args.model }, categories[0]!, { outDir, reportDir }, context);
  if (args.encoderModel !== undefined && args.encoder !== undefined)
    throw new UsageError('options --encoder and --encoder-model both name the encoder; give one', command);
  const encoderModel = args.encoderModel === undefined ? undefined : await loadEncoderModel(lib, args.encoderModel, command);
  const extra = encoderModel ? { encoder: { model: encoderModel } } : {};
  (await createDetector(lib, args, command, extra)).dispose(); // every option error is a usage error, before any work
  const detector = { ...toDetectorOptions(args), ...extra };
  const kind = kindOf(args);
  const { display } = context;
  const interrupt = onInterrupt(() => display.note('stopping… (finished categories are kept; Ctrl-C again to quit at once)'));
  const results: CategoryResult[] = [];
  const meta = {
    tool: `cutpaste ${lib.VERSION}`,
    backend,
    root,
    detector: kind,
    options: toDetectorOptions(args),
    date: new Date().toISOString(),
  };
  const save = async (): Promise<void> => {
    if (!outDir || results.length === 0) return;
    await writeResultFiles(outDir, {
      [RESULT_FILES.markdown]: markdownTable(results),
      [RESULT_FILES.json]: jsonResults(results, meta),
      [RESULT_FILES.csv]: csvTable(results),
    });
  };
  try {
    for (const dir of categories) {
      const limit = args.maxPixels === undefined ? {} : { maxPixels: args.maxPixels };
      const evaluated = await evaluateCategory(lib, dir, {
        kind,
        detector,
        display,
        signal: interrupt.signal,
        ...toFitOptions(args),
        ...limit,
        keepDetector: reportDir !== undefined,
      });
      const { result } = evaluated;
      if (evaluated.detector) {
        try {
          await writeEvaluationReport(lib, reportDir!, evaluated.detector, evaluated.dataset, evaluated.evaluation, args.force, display);
        } finally {
          evaluated.detector.dispose();
        }
      }
      results.push(result);
      display.note(
        `${result.category}: image AUROC ${percent(result.imageAuroc)}, pixel AUROC ${percent(result.pixelAuroc)}, AUPRO ${percent(result.auPro)} (fit ${formatSeconds(result.fitSeconds)}, evaluate ${formatSeconds(result.evaluateSeconds)})`,
      );
    }
    await save();
  } catch (error) {
    if (error instanceof lib.AbortError || interrupt.signal.aborted) {
      display.stop();
      await save();
      const kept = results.length > 0 && outDir ? `; results of ${results.map((r) => r.category).join(', ')} are in ${outDir}` : '';
      throw new lib.AbortError(`interrupted after ${results.length} of ${categories.length} categories${kept}`);
    }
    throw error;
  } finally {
    interrupt.dispose();
    encoderModel?.dispose();
  }
  context.stdout.write(markdownTable(results));
  if (outDir)
    display.note(
      `wrote ${Object.values(RESULT_FILES)
        .map((f) => join(outDir, f))
        .join(', ')}`,
    );
  return 0;
}

/**
 * `cutpaste evaluate --model DIR`: the saved detector (any kind, `loadDetector`) scored on one
 * category's test set as is; nothing is trained. The row's fit seconds are those of the saved fit.
 */
async function evaluateSaved(
  lib: Library,
  args: EvaluateArgs & { model: string },
  dir: string,
  folders: { outDir?: string | undefined; reportDir?: string | undefined },
  context: CliContext,
): Promise<number> {
  const { outDir, reportDir } = folders;
  const command = 'evaluate';
  const saved = await loadSavedDetector(lib, args.model, args.encoderModel, command);
  const { detector } = saved;
  const { display } = context;
  const interrupt = onInterrupt(() => display.note('stopping…'));
  try {
    const limit = args.maxPixels === undefined ? {} : { maxPixels: args.maxPixels };
    const dataset = await loadTestable(lib, dir, { imageSize: detector.options.imageSize, ...limit });
    display.note(
      `${dataset.dir}: ${dataset.test.length} test images, scored by the ${detector.kind} model ${saved.dir} (not trained again)`,
    );
    const { evaluation, evaluateSeconds } = await evaluateDetector(lib, detector, dataset, { display, signal: interrupt.signal });
    const result = categoryResult(detector, dataset, evaluation, { fitSeconds: detector.fitReport?.seconds ?? 0, evaluateSeconds });
    if (reportDir !== undefined) await writeEvaluationReport(lib, reportDir, detector, dataset, evaluation, args.force, display);
    if (outDir) {
      const meta = {
        tool: `cutpaste ${lib.VERSION}`,
        model: saved.dir,
        detector: detector.kind,
        root: dir,
        date: new Date().toISOString(),
      };
      await writeResultFiles(outDir, {
        [RESULT_FILES.markdown]: markdownTable([result]),
        [RESULT_FILES.json]: jsonResults([result], meta),
        [RESULT_FILES.csv]: csvTable([result]),
      });
    }
    context.stdout.write(markdownTable([result]));
    if (outDir)
      display.note(
        `wrote ${Object.values(RESULT_FILES)
          .map((f) => join(outDir, f))
          .join(', ')}`,
      );
    return 0;
  } finally {
    interrupt.dispose();
    saved.dispose();
  }
}

/** `--report`: the test images at the model's size, with labels, masks and maps, the threshold and the pixel metrics. */
async function writeEvaluationReport(
  lib: Library,
  dir: string,
  detector: CliDetector,
  dataset: ImageDataset,
  evaluation: Evaluation,
  force: boolean,
  display: CliContext['display'],
): Promise<void> {
  const images = await testSetReportImages(detector, dataset);
  const file = await writeCliReport(
    lib,
    dir,
    detector,
    images,
    {
      title: `${dataset.name}: ${detector.kind} detector`,
      metrics: { pixelAuroc: evaluation.pixelAuroc ?? null, auPro: evaluation.auPro ?? null },
      summary: [
        ['data', dataset.dir],
        ['tool', `cutpaste ${lib.VERSION}`],
      ],
    },
    force,
  );
  display.note(`report written to ${file}`);
}
