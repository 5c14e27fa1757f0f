import type { CutPasteDetector, FeatureDensityDetector } from 'cutpaste/node';
import type { DetectorArgs } from './argTypes';
import { DEFAULT_DETECTOR, DETECTOR_KINDS } from './detectorKinds';
import type { Library } from './library';
import { optionUsageError } from './schemaFlags';
import { UsageError } from './UsageError';

/** A detector the command line creates or loads (the registry's built-in kinds). */
export type CliDetector = CutPasteDetector | FeatureDensityDetector;

/** The detector kind a command line asks for (`--detector`, else the default). */
export const kindOf = (args: DetectorArgs): string => args.detector ?? DEFAULT_DETECTOR;

/**
 * The detector options a command line asked for (only those given: the detector's defaults fill the
 * rest), the keys of its kind's option table.
 *
 * @example
 * toDetectorOptions({ preset: 'fast', steps: 300, imageSize: [128, 128] });
 * // { preset: 'fast', steps: 300, imageSize: [128, 128] }
 */
export function toDetectorOptions(args: DetectorArgs): Record<string, unknown> {
  const given = args as Readonly<Record<string, unknown>>;
  return Object.fromEntries(
    Object.keys(DETECTOR_KINDS[kindOf(args)]!.schema)
      .filter((key) => given[key] !== undefined)
      .map((key) => [key, given[key]]),
  );
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

/** A created or loaded detector as the CLI's kinds; a kind registered by someone else is refused. */
export function asCliDetector(detector: { kind: string; dispose(): void }, where: string): CliDetector {
  if (detector.kind in DETECTOR_KINDS) return detector as CliDetector;
  detector.dispose();
  throw new Error(
    `${where}: detector kind '${detector.kind}' is not one the command line knows (${Object.keys(DETECTOR_KINDS).join(', ')})`,
  );
}

/**
 * Creates the detector a command line asks for, through the library's registry (`createDetector(kind,
 * options)`), before any data is read or any model trained. Nothing but the options given can be wrong
 * at that point, so every `TypeError` or `RangeError` it raises — the option checks, and checks that
 * need the network (a patch smaller than the encoder's smallest input) — becomes a `UsageError`
 * (exit 2); an `OptionError` names its option by its flag (read from the kind's option table, not
 * from the message).
 *
 * @param extra options the command line builds itself (`encoder: { model }` of `--encoder-model`)
 * @throws UsageError for an option the library rejects
 * @example
 * const detector = await createDetector(lib, args, 'fit'); // `--patch-size 12` → "option --patch-size must be an integer ≥ 16 …"
 */
export async function createDetector(
  lib: Pick<Library, 'createDetector'>,
  args: DetectorArgs,
  command: string,
  extra: Record<string, unknown> = {},
): Promise<CliDetector> {
  const kind = kindOf(args);
  try {
    return asCliDetector(await lib.createDetector(kind, { ...toDetectorOptions(args), ...extra }), command);
  } catch (error) {
    // An OptionError names its option: shown by its flag. Any other refusal of the options as is.
    const usage = optionUsageError(DETECTOR_KINDS[kind]!.schema, error, command);
    if (usage) throw usage;
    if (error instanceof RangeError || error instanceof TypeError) throw new UsageError(error.message, command);
    throw error;
  }
}
