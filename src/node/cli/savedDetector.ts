import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { asCliDetector, type CliDetector } from './detectorOptions';
import { loadEncoderModel } from './encoderModel';
import type { Library } from './library';
import { existingFolder } from './paths';
import { UsageError } from './UsageError';

/** A detector read from a model folder, and the `--encoder-model` network it was given (the caller disposes both). */
export interface SavedDetector {
  readonly detector: CliDetector;
  readonly dir: string;
  readonly encoderModel?: tfl.LayersModel;
  /** Frees the detector and the encoder model. */
  dispose(): void;
}

/**
 * Reads the model folder of `--model` with the library's `loadDetector` (any registered kind: the
 * save names it), with the network of `--encoder-model` when given (a model created with a
 * pretrained encoder needs it again).
 *
 * @throws UsageError when the folder or its model.json is missing; the library's errors for a bad save
 * @example
 * const saved = await loadSavedDetector(lib, args.model, args.encoderModel, 'score');
 */
export async function loadSavedDetector(
  lib: Library,
  model: string,
  encoderModelSource: string | undefined,
  command: string,
): Promise<SavedDetector> {
  const dir = await checkModelFolder(model, command);
  const encoderModel = encoderModelSource === undefined ? undefined : await loadEncoderModel(lib, encoderModelSource, command);
  try {
    const detector = asCliDetector(await lib.loadDetector(lib.fileSystemHandler(dir), encoderModel ? { encoderModel } : {}), command);
    return { detector, dir, ...(encoderModel ? { encoderModel } : {}), dispose: () => (detector.dispose(), encoderModel?.dispose()) };
  } catch (error) {
    encoderModel?.dispose();
    // The one TypeError of loading: a model made with a pretrained encoder, which the save does not hold.
    if (error instanceof TypeError && encoderModel === undefined)
      throw new UsageError(`--model ${model}: ${error.message}; on the command line: --encoder-model DIR|URL`, command);
    throw error;
  }
}

/**
 * The absolute folder of `--model`, checked to hold a model.json (before anything else is read).
 * @throws UsageError when the folder or its model.json is missing
 */
export async function checkModelFolder(model: string, command: string): Promise<string> {
  const dir = await existingFolder(model, '--model', command);
  if (!existsSync(join(dir, 'model.json'))) {
    throw new UsageError(`--model ${model}: no model.json there; expected a folder written by 'cutpaste fit'`, command);
  }
  return dir;
}

/**
 * What the CLI needs to know of a detector of either kind: the size images are read at, the mode
 * shown (`patch`, `image`, or `features` for feature-density) and whether its maps are on the score
 * scale (so the image threshold applies to pixels and heatmaps get the fixed range): patch mode and
 * feature-density; image-mode GradCAM maps are normalised per image.
 */
export function detectorView(detector: CliDetector): { imageSize: readonly [number, number]; mode: string; scaledMaps: boolean } {
  if (detector.kind === 'cutpaste') {
    const o = detector.options;
    return { imageSize: o.imageSize, mode: o.mode, scaledMaps: o.mode === 'patch' };
  }
  return { imageSize: detector.options.imageSize, mode: 'features', scaledMaps: true };
}
