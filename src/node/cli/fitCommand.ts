import { relative } from 'node:path';
import type { FitArgs } from './argTypes';
import { selectBackend, wasmThreads } from './backend';
import type { CliContext } from './context';
import { createDetector, type CliDetector, toFitOptions } from './detectorOptions';
import { loadEncoderModel } from './encoderModel';
import { onInterrupt, turnEventLoop } from './interrupt';
import { loadLibrary } from './library';
import { checkModelTarget, detectLayout, existingFolder } from './paths';
import { formatScore, formatSeconds } from './format';
import { densityLines, featureLines, pretextLines, workersLines } from './fitSummary';
import { fitProgress } from './progress';
import { UsageError } from './UsageError';

/**
 * `cutpaste fit`: trains a detector on the normal images of `--data` and saves it to `--out`.
 * Everything that can be checked before training is (folders, options), so a bad line fails in a
 * second, not after the fit. Ctrl-C aborts the fit through its AbortSignal and nothing is saved; the
 * save itself is atomic (`fileSystemHandler`), so no half-written model folder can remain.
 *
 * @returns the exit code (0)
 * @throws UsageError for bad folders or options; AbortError when interrupted; the library's errors
 */
export async function fitCommand(args: FitArgs, context: CliContext): Promise<number> {
  const command = 'fit';
  const dataDir = await existingFolder(args.data, '--data', command);
  const layout = await detectLayout(dataDir, '--data', command);
  const out = await checkModelTarget(args.out, args.force, command);

  const backend = await selectBackend(args.backend, wasmThreads(args, { trains: true }));
  const lib = await loadLibrary();
  if (args.encoderModel !== undefined && args.encoder !== undefined)
    throw new UsageError('options --encoder and --encoder-model both name the encoder; give one', command);
  const encoderModel = args.encoderModel === undefined ? undefined : await loadEncoderModel(lib, args.encoderModel, command);
  const detector = await createDetector(lib, args, command, encoderModel ? { encoder: { model: encoderModel } } : {}).catch(
    (error: unknown) => {
      encoderModel?.dispose();
      throw error;
    },
  );
  const { display } = context;
  const interrupt = onInterrupt(() => display.note('stopping… (no model will be written; Ctrl-C again to quit at once)'));
  try {
    const options = { imageSize: detector.options.imageSize, ...(args.maxPixels === undefined ? {} : { maxPixels: args.maxPixels }) };
    const dataset = layout === 'mvtec' ? await lib.loadMvtecCategory(dataDir, options) : await lib.loadImageFolder(dataDir, options);
    const heldOut = holdoutIndices(dataset.train.length, args.holdout ?? 0);
    const trainCount = dataset.train.length - heldOut.size;
    if (args.holdout !== undefined && args.holdout > 0 && (heldOut.size === 0 || trainCount < 2)) {
      throw new UsageError(
        `option --holdout ${args.holdout} leaves ${trainCount} of ${dataset.train.length} normal images to train on and ${heldOut.size} to set the threshold; both need at least ${heldOut.size === 0 ? 1 : 2}`,
        command,
      );
    }
    display.note(
      `fitting on ${trainCount} normal images of ${dataset.dir}${heldOut.size > 0 ? ` (${heldOut.size} held out for the threshold)` : ''}: ${setupText(detector)}, ${backend} backend`,
    );
    const all = await dataset.loadTrain();
    const images = all.filter((_, i) => !heldOut.has(i));
    let stepsDone = 0;
    const progress = fitProgress(display);
    const report = await detector
      .fit(images, {
        ...toFitOptions(args),
        signal: interrupt.signal,
        onProgress: (p) => {
          if (p.stage === 'train') stepsDone = p.step;
          progress(p);
        },
      })
      .catch((error: unknown) => {
        display.stop();
        if (error instanceof lib.AbortError || interrupt.signal.aborted) {
          const where = detector.kind === 'cutpaste' ? `after ${stepsDone} of ${detector.options.steps} training steps` : 'while fitting';
          throw new lib.AbortError(`interrupted ${where}; no model was written to ${out}`);
        }
        throw error;
      });
    display.stop();
    if (heldOut.size > 0)
      await detector.calibrate(
        all.filter((_, i) => heldOut.has(i)),
        { quantile: 0.99 },
      );
    await turnEventLoop(); // a Ctrl-C that arrived while tfjs kept the loop busy is handled now, before saving
    if (interrupt.signal.aborted) throw new lib.AbortError(`interrupted after training; no model was written to ${out}`);
    await detector.save(lib.fileSystemHandler(out));
    const threshold = detector.threshold;
    const shown = relative(process.cwd(), out) || '.';
    const trained = 'steps' in report;
    context.stdout.write(
      [
        `saved ${shown} (${report.images} images${trained ? `, ${report.steps} steps` : ''} in ${formatSeconds(report.seconds)})`,
        ...(trained ? pretextLines(report) : featureLines(report)),
        ...densityLines(report),
        ...(trained
          ? [
              `  training: ${report.imagesPerSecond.toFixed(0)} img/s on ${backend}${threadNote(lib.threadedWasmThreads(), report.workers)}`,
              ...workersLines(report),
            ]
          : []),
        threshold
          ? `  threshold: ${formatScore(threshold.value)} (${threshold.method === 'fit' ? `${threshold.quantile} quantile of out-of-fold training scores` : `${threshold.quantile} quantile of ${heldOut.size} held-out normal images`})`
          : '  threshold: none (fewer than 4 training images); set one before scoring verdicts',
        `  score images: cutpaste score --model ${shown} IMAGES...`,
        '',
      ].join('\n'),
    );
    return 0;
  } finally {
    interrupt.dispose();
    detector.dispose();
    encoderModel?.dispose();
  }
}

/** The setup `fit` and `evaluate` announce: `fast preset, patch mode (density: auto), 300 steps at 256×256`, or the features'. */
export function setupText(detector: CliDetector): string {
  const size = `${detector.options.imageSize[0]}×${detector.options.imageSize[1]}`;
  if (detector.kind !== 'cutpaste') {
    const o = detector.options;
    const plan = detector.featurePlan.source;
    return `feature-density detector (no training), ${typeof plan === 'string' ? plan : `stages ${plan.join(',')}`} of the encoder, at most ${o.maxFeatures} features at ${size} (density: ${o.perLocation === 'auto' ? 'auto' : o.perLocation ? 'per location' : 'shared'})`;
  }
  const o = detector.options;
  return `${o.preset} preset, ${o.mode} mode${o.mode === 'patch' ? ` (density: ${o.perLocation === 'auto' ? 'auto' : o.perLocation ? 'per location' : 'shared'})` : ''}, ${o.steps} steps at ${size}`;
}

/** How many threads trained: ` (2 XNNPACK threads)`, ` (+1 gradient worker)` or nothing. */
function threadNote(threads: number, workers: number): string {
  const notes: string[] = [];
  if (threads > 1) notes.push(`${threads} XNNPACK threads`);
  if (workers > 0) notes.push(`+${workers} gradient worker${workers > 1 ? 's' : ''}`);
  return notes.length ? ` (${notes.join(', ')})` : '';
}

/**
 * The images kept out of training by `--holdout fraction`: evenly spaced in name order (no
 * randomness), as `loadImageFolder`'s `holdout` picks them; `floor(count × fraction)` of them.
 *
 * @example
 * holdoutIndices(10, 0.2); // Set { 4, 9 }
 */
export function holdoutIndices(count: number, fraction: number): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i < count; i++) if (Math.floor((i + 1) * fraction) > Math.floor(i * fraction)) out.add(i);
  return out;
}
