import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { FormatError } from '../errors';
import type { OptionSchema } from '../math/optionSchema';
import { Registry } from '../math/registry';
import { describeValue } from '../math/validate';
import type { GraphModelLike } from '../models/pretrainedEncoder';
import { FEATURE_DENSITY_OPTION_SCHEMA } from './featureDensity/options';
import { FeatureDensityDetector } from './featureDensity/FeatureDensityDetector';
import { CUTPASTE_OPTION_SCHEMA } from './cutPasteOptionTable';
import { CutPasteDetector } from './CutPasteDetector';
import { loadHandlerFor, readArtifacts } from './artifacts';
import type { AnomalyDetector } from './types';

/** Options of `loadDetector` (and of each detector's `load`). */
export interface DetectorLoadOptions {
  /** The pretrained model a detector was created with (its weights are not part of the save). */
  encoderModel?: tfl.LayersModel | GraphModelLike;
}

/** How a detector kind is created and loaded; registered with `registerDetector(kind, entry)`. */
export interface DetectorEntry {
  /** A new, unfitted detector from options (checked against `schema`). */
  create(options?: Record<string, unknown>): Promise<AnomalyDetector>;
  /** A detector read from a save of this kind. */
  load(source: string | tf.io.IOHandler, options?: DetectorLoadOptions): Promise<AnomalyDetector>;
  /** Its option table: validation, CLI flags and help. */
  schema: OptionSchema;
  /** One line for help texts. */
  description: string;
}

const isEntry = (e: unknown): boolean => {
  const d = e as Partial<DetectorEntry>;
  return typeof d.create === 'function' && typeof d.load === 'function' && typeof d.schema === 'object';
};

// prettier-ignore
const registry = new Registry<DetectorEntry>('registerDetector', '{ create, load, schema, description }', isEntry, [
  ['cutpaste', { create: (o) => CutPasteDetector.create(o), load: (s, o) => CutPasteDetector.load(s, o), schema: CUTPASTE_OPTION_SCHEMA, description: 'CutPaste: self-supervised training, then a Gaussian density (the paper)' }],
  ['feature-density', { create: (o) => FeatureDensityDetector.create(o), load: (s, o) => FeatureDensityDetector.load(s, o), schema: FEATURE_DENSITY_OPTION_SCHEMA, description: "no training: a Gaussian density on an encoder's multi-stage features (PaDiM-style)" }],
]);

/**
 * Registers `entry` under `kind` (or, with `undefined`, unregisters it), so `createDetector`,
 * `loadDetector` and the CLI's `--detector` know it. Returns the entry registered before, if any.
 * @throws TypeError for a kind that is not a non-empty string of at most 64 characters, or an entry without `create`/`load`/`schema`
 * @example
 * registerDetector('my-detector', { create: MyDetector.create, load: MyDetector.load, schema: MY_SCHEMA, description: '…' });
 */
export function registerDetector(kind: string, entry: DetectorEntry | undefined): DetectorEntry | undefined {
  return registry.register(kind, entry);
}

/** The registered detector kinds, in registration order. */
export function detectorKinds(): string[] {
  return registry.entries().map(([kind]) => kind);
}

/** The entry registered under `kind`, or `undefined`. */
export function detectorFor(kind: string): DetectorEntry | undefined {
  return registry.get(kind);
}

/**
 * A new, unfitted detector of a registered kind (`'cutpaste'`, `'feature-density'`).
 * @throws RangeError for an unknown kind; the detector's own errors for invalid options
 */
export async function createDetector(kind: string, options: Record<string, unknown> = {}): Promise<AnomalyDetector> {
  const entry = registry.get(kind);
  if (!entry)
    throw new RangeError(
      `createDetector: kind must be one of ${detectorKinds()
        .map((k) => `'${k}'`)
        .join(', ')}, got ${describeValue(kind)}`,
    );
  return entry.create(options);
}

/**
 * Reads any saved detector: the document names its kind (saves without one are CutPaste's), and that
 * kind's `load` builds it from the artifacts read once (the source's own checks apply: see
 * `CutPasteDetector.load`).
 * @throws FormatError for a save of a kind no one registered
 * @example
 * const detector = await loadDetector('file://./model'); // a CutPasteDetector or a FeatureDensityDetector
 */
export async function loadDetector(source: string | tf.io.IOHandler, options: DetectorLoadOptions = {}): Promise<AnomalyDetector> {
  const artifacts = await readArtifacts(loadHandlerFor(source, 'loadDetector'), 'loadDetector');
  const document = (artifacts.userDefinedMetadata as { cutpaste?: { detector?: unknown } } | undefined)?.cutpaste;
  const kind = document?.detector ?? 'cutpaste';
  const entry = typeof kind === 'string' ? registry.get(kind) : undefined;
  if (!entry) {
    throw new FormatError(
      `loadDetector: the save is of detector kind ${describeValue(kind)}, which is not registered (registered: ${detectorKinds().join(', ')})`,
    );
  }
  return entry.load({ load: async () => artifacts }, options);
}
