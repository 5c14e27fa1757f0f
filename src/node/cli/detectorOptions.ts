import type { CutPasteDetector, CutPasteOptions } from 'cutpaste/node';
import type { DetectorArgs } from './args';
import type { Library } from './library';
import { UsageError } from './UsageError';

/**
 * The detector options a command line asked for (only those given: the preset fills the rest).
 *
 * @example
 * toDetectorOptions({ preset: 'fast', steps: 300, imageSize: [128, 128] });
 * // { preset: 'fast', steps: 300, imageSize: [128, 128] }
 */
export function toDetectorOptions(args: DetectorArgs): CutPasteOptions {
  const o: CutPasteOptions = {};
  if (args.preset !== undefined) o.preset = args.preset;
  if (args.mode !== undefined) o.mode = args.mode;
  if (args.steps !== undefined) o.steps = args.steps;
  if (args.seed !== undefined) o.seed = args.seed;
  if (args.imageSize !== undefined) o.imageSize = args.imageSize;
  if (args.batchSize !== undefined) o.batchSize = args.batchSize;
  if (args.patchSize !== undefined) o.patchSize = args.patchSize;
  if (args.stride !== undefined) o.stride = args.stride;
  if (args.perLocation !== undefined) o.perLocation = args.perLocation;
  return o;
}

/**
 * The fit options a command line asked for besides the detector's (`--workers`).
 *
 * @example
 * toFitOptions({ workers: 0 }); // { workers: 0 }
 */
export function toFitOptions(args: DetectorArgs): { workers?: number | 'auto' } {
  return args.workers !== undefined ? { workers: args.workers } : {};
}

/** `patchSize` → `--patch-size`. */
export function flagName(option: string): string {
  return `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Creates the detector a command line asks for, before any data is read or any model trained.
 * Nothing but the options given can be wrong at that point, so every `TypeError` or `RangeError` it
 * raises — the option checks, and checks that need the network (a patch smaller than the encoder's
 * smallest input) — becomes a `UsageError` (exit 2), its option named by its flag.
 *
 * @throws UsageError for an option the library rejects
 * @example
 * const detector = await createDetector(lib, args, 'fit'); // `--patch-size 12` → "option --patch-size must be an integer ≥ 16 …"
 */
export async function createDetector(lib: Library, args: DetectorArgs, command: string): Promise<CutPasteDetector> {
  try {
    return await lib.CutPasteDetector.create(toDetectorOptions(args));
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) {
      throw new UsageError(error.message.replace(/^CutPasteDetector: /, '').replace(/\boption (\w+)/g, (_, name: string) => `option ${flagName(name)}`), command);
    }
    throw error;
  }
}
