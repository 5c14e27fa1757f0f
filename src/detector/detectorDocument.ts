import type * as tf from '@tensorflow/tfjs-core';
import { FormatError } from '../errors';
import { capText, describeValue } from '../math/validate';
import { VERSION } from '../version';
import type { DetectorDensityJSON } from './densityStage';
import type { NetworksConfig } from './networks';
import type { ResolvedCutPasteOptions } from './options';
import type { CompanionJSON } from './companion';
import type { Threshold } from './thresholds';
import type { FitReport } from './types';
import { COMMON_REPORT_FIELDS, CUTPASTE_REPORT_FIELDS, fail, inRange, readReport, type ReportField } from './reportFields';

/** The document format written into `userDefinedMetadata.cutpaste`. */
export const DETECTOR_FORMAT = 'cutpaste.detector';
/** The current document version; `load` reads this version only and names it in its errors. */
export const DETECTOR_FORMAT_VERSION = 1;

/** The JSON document of a saved detector. */
export interface DetectorDocument {
  format: typeof DETECTOR_FORMAT;
  formatVersion: number;
  /** The detector kind (`'cutpaste'`; absent in saves made before detectors had kinds). */
  detector?: 'cutpaste';
  library: string;
  options: Omit<ResolvedCutPasteOptions, 'encoder'> & { encoder: unknown };
  networks: NetworksConfig;
  density: DetectorDensityJSON;
  /** `fusion` other than `'none'`: the fused scorers (checked by `readCompanion`). */
  companion?: CompanionJSON;
  /** `alignObjects` that aligned: the frame's radius in model pixels (checked by `CutPasteDetector.load`). */
  pose?: { radius: number };
  threshold: Threshold | null;
  report: FitReport | null;
}

/**
 * Bounds of a document, checked (without recursion) before anything walks it: a detector's document
 * nests about 6 levels, its strings are names and seeds, and its largest array is an image density's
 * covariance (d² numbers: 262,144 at d = 512, 4.2 M at d = 2048).
 */
const LIMITS = { depth: 32, stringLength: 4096, values: 1 << 25 };

/** How one detector kind's document is read: its kind, its caller's name, its sections and its report's fields. */
export interface DocumentSpec {
  /** The document's `detector` field (absent in CutPaste saves before detectors had kinds). */
  readonly kind: string;
  /** Starts every message (`CutPasteDetector.load`). */
  readonly where: string;
  /** Sections that must be objects. */
  readonly sections: readonly string[];
  /** The fit report's fields beyond the common ones (`COMMON_REPORT_FIELDS`). */
  readonly reportFields: Readonly<Record<string, ReportField>>;
}

/**
 * The validated document of `artifacts`: bounded in depth, string length and size, of this format and
 * version, with every section an object, a valid threshold and a valid fit report (fields that this
 * version does not know are dropped from both). Options, networks and density are checked by their
 * own readers (`resolveCutPasteOptions`, `rebuildNetworks`, `checkDensityFits`).
 *
 * @throws FormatError naming the field, echoing at most `MAX_ECHO` characters of a value
 */
export function readDocument(artifacts: tf.io.ModelArtifacts): DetectorDocument {
  return readDocumentOf(artifacts, CUTPASTE_DOCUMENT) as unknown as DetectorDocument;
}

/**
 * A document of the detector kind `spec` describes, validated as `readDocument` says (bounds, format,
 * version, kind, sections, threshold and report); its other sections are the detector's to check.
 */
export function readDocumentOf(
  artifacts: tf.io.ModelArtifacts,
  spec: DocumentSpec,
): Record<string, unknown> & { threshold: Threshold | null; report: Record<string, unknown> | null } {
  const WHERE = spec.where;
  const doc = (artifacts.userDefinedMetadata as { cutpaste?: unknown } | undefined)?.cutpaste as Record<string, unknown> | undefined;
  if (!doc || typeof doc !== 'object') {
    throw new FormatError(`${WHERE}: these artifacts hold no cutpaste detector (userDefinedMetadata.cutpaste is missing)`);
  }
  checkBounds(doc, WHERE);
  if (doc.format !== DETECTOR_FORMAT) {
    throw new FormatError(`${WHERE}: userDefinedMetadata.cutpaste.format must be '${DETECTOR_FORMAT}', got ${describeValue(doc.format)}`);
  }
  if (doc.formatVersion !== DETECTOR_FORMAT_VERSION) {
    throw new FormatError(
      `${WHERE}: format version ${describeValue(doc.formatVersion)} is not supported; this library (cutpaste ${VERSION}) reads version ${DETECTOR_FORMAT_VERSION}`,
    );
  }
  const kind = doc.detector ?? 'cutpaste';
  if (kind !== spec.kind)
    fail(WHERE, 'detector', doc.detector, `'${spec.kind}' (this is ${spec.where.split('.')[0]}'s load; loadDetector() reads any kind)`);
  for (const field of spec.sections) {
    if (typeof doc[field] !== 'object' || doc[field] === null || Array.isArray(doc[field])) {
      throw new FormatError(`${WHERE}: the document has no valid '${field}' section`);
    }
  }
  if (typeof doc.library !== 'string') fail(WHERE, 'library', doc.library, 'the version string of the library that saved it');
  return {
    ...doc,
    threshold: readThreshold(doc.threshold, WHERE),
    report: readReport(doc.report, { ...COMMON_REPORT_FIELDS, ...spec.reportFields }, WHERE),
  };
}

/** Depth, string lengths and value count of `root`, walked with an explicit stack (no recursion). */
function checkBounds(root: object, WHERE: string): void {
  const stack: [value: object, depth: number, path: string][] = [[root, 1, 'cutpaste']];
  let values = 0;
  while (stack.length > 0) {
    const [value, depth, path] = stack.pop()!;
    if (depth > LIMITS.depth) {
      throw new FormatError(
        `${WHERE}: the document nests deeper than ${LIMITS.depth} levels (at ${capText(path)}); a detector's document nests about 6`,
      );
    }
    const isArray = Array.isArray(value);
    const keys = isArray ? undefined : Object.keys(value);
    const length = isArray ? value.length : keys!.length;
    values += length;
    if (values > LIMITS.values)
      throw new FormatError(`${WHERE}: the document holds more than ${LIMITS.values} values; it is not a detector's`);
    for (let i = 0; i < length; i++) {
      const key = isArray ? i : keys![i]!;
      const child: unknown = (value as Record<string | number, unknown>)[key];
      if (
        typeof child !== 'string' &&
        (typeof child !== 'object' || child === null) &&
        !(typeof key === 'string' && key.length > LIMITS.stringLength)
      )
        continue;
      const at = isArray ? `${path}[${i}]` : `${path}.${capText(key as string, 40)}`;
      for (const text of [isArray ? '' : (key as string), typeof child === 'string' ? child : '']) {
        if (text.length > LIMITS.stringLength) {
          throw new FormatError(`${WHERE}: ${at} holds a string of ${text.length} characters; at most ${LIMITS.stringLength} are allowed`);
        }
      }
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1, at]);
    }
  }
}

const METHODS: readonly Threshold['method'][] = ['fit', 'quantile', 'f1-max', 'manual'];

function readThreshold(t: unknown, WHERE: string): Threshold | null {
  if (t === null || t === undefined) return null;
  if (typeof t !== 'object' || Array.isArray(t) || !Number.isFinite((t as Threshold).value)) {
    throw new FormatError(`${WHERE}: the saved threshold is invalid: ${capText(JSON.stringify(t) ?? describeValue(t))}`);
  }
  const { value, method, quantile } = t as Record<string, unknown>;
  if (!METHODS.includes(method as Threshold['method'])) fail(WHERE, 'threshold.method', method, METHODS.map((m) => `'${m}'`).join(', '));
  if (quantile !== undefined && !inRange(quantile, 0, 1)) fail(WHERE, 'threshold.quantile', quantile, 'a number in [0, 1]');
  return { value: value as number, method: method as Threshold['method'], ...(quantile !== undefined ? { quantile: quantile } : {}) };
}

/** How `CutPasteDetector.load` reads its document. */
export const CUTPASTE_DOCUMENT: DocumentSpec = {
  kind: 'cutpaste',
  where: 'CutPasteDetector.load',
  sections: ['options', 'networks', 'density'],
  reportFields: CUTPASTE_REPORT_FIELDS,
};
