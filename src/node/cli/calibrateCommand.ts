import { relative } from 'node:path';
import type { CalibrateArgs } from './argTypes';
import { selectBackend, wasmThreads } from './backend';
import type { CliContext } from './context';
import { formatScore } from './format';
import { loadLibrary } from './library';
import { detectLayout, existingFolder } from './paths';
import { loadSavedDetector } from './savedDetector';
import { UsageError } from './UsageError';

/**
 * `cutpaste calibrate`: sets a saved model's threshold from the images of `--data` and rewrites the
 * model folder. Normal images only (a flat folder, or `good/`): the `--quantile` (default 0.99) of
 * their scores (`detector.calibrate`); `good/` beside defect folders: the F1-maximising threshold
 * (`detector.calibrateWithLabels`). The rewrite is the library's atomic save (`fileSystemHandler`:
 * written beside the folder, then swapped), which replaces only a folder cutpaste saved; the
 * detector's weights and options are written back unchanged, so only the threshold differs.
 *
 * @returns the exit code (0)
 * @throws UsageError for bad folders or a quantile with labelled data; the library's errors
 */
export async function calibrateCommand(args: CalibrateArgs, context: CliContext): Promise<number> {
  const command = 'calibrate';
  const dataDir = await existingFolder(args.data, '--data', command);
  if ((await detectLayout(dataDir, '--data', command)) === 'mvtec') {
    throw new UsageError(
      `--data ${args.data}: is an MVTec AD category, whose train/good images trained the model (their scores are optimistic); pass its test/ folder (F1-max on good/ and the defect folders) or a folder of held-out normal images`,
      command,
    );
  }
  await selectBackend(args.backend, wasmThreads(args, { trains: false }));
  const lib = await loadLibrary();
  const saved = await loadSavedDetector(lib, args.model, args.encoderModel, command);
  const { detector } = saved;
  try {
    const dataset = await lib.loadImageFolder(dataDir, {
      imageSize: detector.options.imageSize,
      ...(args.maxPixels === undefined ? {} : { maxPixels: args.maxPixels }),
    });
    const labelled = dataset.test.length > 0; // with holdout 0, the test set holds the defect folders only
    if (labelled && args.quantile !== undefined) {
      throw new UsageError(
        `option --quantile applies to normal images only; --data ${args.data} also holds defect folders (${dataset.defectTypes.join(', ')}), which set the F1-maximising threshold`,
        command,
      );
    }
    const before = detector.threshold;
    const normals = await dataset.loadTrain();
    context.display.note(
      `scoring ${normals.length} normal${labelled ? ` and ${dataset.test.length} defective` : ''} images of ${dataset.dir} with ${saved.dir}`,
    );
    let how: string;
    if (labelled) {
      const defects = await dataset.loadTest();
      await detector.calibrateWithLabels([...normals, ...defects.images], [...normals.map(() => 0), ...defects.labels]);
      how = `F1-max on ${normals.length} normal and ${defects.images.length} defective images`;
    } else {
      const quantile = args.quantile ?? 0.99;
      await detector.calibrate(normals, { quantile });
      how = `${quantile} quantile of ${normals.length} normal images`;
    }
    await detector.save(lib.fileSystemHandler(saved.dir));
    const shown = relative(process.cwd(), saved.dir) || '.';
    const after = detector.threshold!;
    context.stdout.write(`threshold of ${shown}: ${before ? formatScore(before.value) : 'none'} → ${formatScore(after.value)} (${how})\n`);
    return 0;
  } finally {
    saved.dispose();
  }
}
