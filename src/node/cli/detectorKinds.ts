/**
 * The detectors the command line offers (`--detector KIND`) and the flags each takes, read from
 * their option tables. Pure (no tfjs), so parsing and help answer without loading the library; the
 * detectors themselves are created and loaded through the library's registry (`createDetector`,
 * `loadDetector`), and test/node/cli/userLoop.pure.test.ts checks these kinds and tables are the
 * registry's (`detectorKinds()`, `detectorFor(kind).schema`).
 */
import { CUTPASTE_OPTION_SCHEMA } from '../../detector/cutPasteOptionTable';
import { FEATURE_DENSITY_OPTION_SCHEMA } from '../../detector/featureDensity/options';
import type { OptionSchema } from '../../math/optionSchema';
import type { OptionSpec } from './commands';
import { flagSpecs } from './schemaFlags';

/** A detector of the command line: its option table, its flags and a line of help. */
export interface CliDetectorKind {
  readonly schema: OptionSchema;
  /** Its flags: the table's, and options of its `fit` (`--workers`). */
  readonly flags: readonly OptionSpec[];
  readonly summary: string;
}

/** The default of `--detector`. */
export const DEFAULT_DETECTOR = 'cutpaste';

/** The detector kinds, in the registry's order. */
export const DETECTOR_KINDS: Readonly<Record<string, CliDetectorKind>> = Object.freeze({
  cutpaste: {
    schema: CUTPASTE_OPTION_SCHEMA,
    flags: [
      ...flagSpecs(CUTPASTE_OPTION_SCHEMA),
      {
        name: 'workers',
        type: 'string',
        metavar: 'N',
        group: 'runtime',
        help: 'threads helping to train besides the main one (wasm, cpu): auto (default: 1 with a spare core) or a number; 0 = off',
      },
    ],
    summary: 'CutPaste: self-supervised training, then a Gaussian density (the paper)',
  },
  'feature-density': {
    schema: FEATURE_DENSITY_OPTION_SCHEMA,
    flags: flagSpecs(FEATURE_DENSITY_OPTION_SCHEMA),
    summary: "no training: a Gaussian density on an encoder's multi-stage features (PaDiM-style)",
  },
});

/** The kind names, for `--detector` and its errors. */
export const DETECTOR_NAMES: readonly string[] = Object.freeze(Object.keys(DETECTOR_KINDS));

/** Every detector flag once (the first kind's spec where kinds share one), for reading a command line. */
export const ALL_DETECTOR_FLAGS: readonly OptionSpec[] = Object.freeze(
  Object.values(DETECTOR_KINDS)
    .flatMap((k) => k.flags)
    .filter((f, i, all) => all.findIndex((g) => g.name === f.name) === i),
);

/** The kinds that take the flag `--name`. */
export function kindsWithFlag(name: string): string[] {
  return DETECTOR_NAMES.filter((kind) => DETECTOR_KINDS[kind]!.flags.some((f) => f.name === name));
}
