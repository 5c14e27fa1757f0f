import type { CutPasteDetector, CutPasteOptions } from 'cutpaste/node';
import type { DetectorArgs } from './args';
import type { Library } from './library';
import { CUTPASTE_OPTION_SCHEMA } from '../../detector/cutPasteOptionTable';
import { optionUsageError } from './schemaFlags';
import { UsageError } from './UsageError';

/**
 * The detector options a command line asked for (only those given: the preset fills the rest), the
 * keys of `CUTPASTE_OPTION_SCHEMA`.
 *
 * @example
 * toDetectorOptions({ preset: 'fast', steps: 300, imageSize: [128, 128] });
 * // { preset: 'fast', steps: 300, imageSize: [128, 128] }
 */
export function toDetectorOptions(args: DetectorArgs): CutPasteOptions {
  const given = args as Readonly<Record<string, unknown>>;
  return Object.fromEntries(Object.keys(CUTPASTE_OPTION_SCHEMA).filter((key) => given[key] !== undefined).map((key) => [key, given[key]]));
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

/**
 * Creates the detector a command line asks for, before any data is read or any model trained.
 * Nothing but the options given can be wrong at that point, so every `TypeError` or `RangeError` it
 * raises — the option checks, and checks that need the network (a patch smaller than the encoder's
 * smallest input) — becomes a `UsageError` (exit 2); an `OptionError` names its option by its flag
 * (read from `CUTPASTE_OPTION_SCHEMA`, not from the message).
 *
 * @throws UsageError for an option the library rejects
 * @example
 * const detector = await createDetector(lib, args, 'fit'); // `--patch-size 12` → "option --patch-size must be an integer ≥ 16 …"
 */
export async function createDetector(lib: Library, args: DetectorArgs, command: string): Promise<CutPasteDetector> {
  try {
    return await lib.CutPasteDetector.create(toDetectorOptions(args));
  } catch (error) {
    // An OptionError names its option: shown by its flag. Any other refusal of the options as is.
    const usage = optionUsageError(CUTPASTE_OPTION_SCHEMA, error, command);
    if (usage) throw usage;
    if (error instanceof RangeError || error instanceof TypeError) throw new UsageError(error.message, command);
    throw error;
  }
}
