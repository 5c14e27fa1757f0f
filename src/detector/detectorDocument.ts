import type * as tf from '@tensorflow/tfjs-core';
import { FormatError } from '../errors';
import { capText, describeValue } from '../math/validate';
import { densityKinds } from '../density/densityRegistry';
import { VERSION } from '../version';
import type { DetectorDensityJSON } from './densityStage';
import type { NetworksConfig } from './networks';
import { OPTION_LIMITS, type ResolvedCutPasteOptions } from './options';
import type { CompanionJSON, CompanionReport } from './companion';
import type { PoseReport } from './poseStage';
import type { DensityChoice } from './densityChoice';
import type { Threshold } from './thresholds';
import type { PretextProbe } from '../train/pretextProbe';
import type { FitReport } from './types';

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
  /** `fusion: 'feature-density'`: the second scorer (checked by `readCompanion`). */
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

function fail(WHERE: string, field: string, value: unknown, allowed: string): never {
  throw new FormatError(`${WHERE}: ${field} must be ${allowed}, got ${describeValue(value)}`);
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

const inRange = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && v >= min && v <= max;
/** A report field: its check, what it allows, whether it may be absent, and how it is copied. */
export type ReportField = [
  check: (v: unknown) => boolean,
  allowed: string | (() => string),
  optional?: 'optional',
  copy?: (v: unknown) => unknown,
];

/** The fields of every detector's fit report (`DetectorFitReport`). */
const COMMON_REPORT_FIELDS: Record<string, ReportField> = {
  seconds: [(v) => inRange(v, 0, Number.MAX_VALUE), 'a finite number ≥ 0'],
  images: [(v) => isCount(v, 2, Number.MAX_SAFE_INTEGER), 'an integer ≥ 2'],
  density: [
    (v) => typeof v === 'string' && densityKinds().includes(v),
    () =>
      densityKinds()
        .map((k) => `'${k}'`)
        .join(', '),
  ],
  alignment: [(v) => inRange(v, 0, 1), 'a number in [0, 1]', 'optional'],
  objectPose: [
    isPoseReport,
    "{ aligned: a boolean, decidedBy: 'option' or 'poses', found, elongation, angleSpread in [0, 1], shift, size: numbers ≥ 0, radius?: a number > 0 }",
    'optional',
    copyPoseReport,
  ],
  densityChoice: [
    isDensityChoice,
    "{ kind: 'shared' or 'per-location', l2Normalize?: a boolean, auroc: { shared, perLocation } in [0, 1], candidates?: [{ kind, l2Normalize, auroc }], probes: an integer ≥ 0, standardError?: a number ≥ 0, decidedBy?: 'validation' or 'alignment' }",
    'optional',
    copyDensityChoice,
  ],
};

/**
 * CutPaste's own report fields. `finalLoss` and `imagesPerSecond` may be `null` (JSON's NaN or
 * Infinity: a diverged loss, a fit too fast to time), read back as NaN.
 */
const CUTPASTE_REPORT_FIELDS: Record<string, ReportField> = {
  steps: [(v) => isCount(v, 1, OPTION_LIMITS.steps), `an integer in [1, ${OPTION_LIMITS.steps}]`],
  finalLoss: [(v) => v === null || Number.isNaN(v) || inRange(v, 0, Infinity), 'a number ≥ 0 or null'],
  pretextAccuracy: [(v) => inRange(v, 0, 1), 'a number in [0, 1]'],
  trainSeconds: [(v) => inRange(v, 0, Number.MAX_VALUE), 'a finite number ≥ 0'],
  imagesPerSecond: [(v) => v === null || Number.isNaN(v) || inRange(v, 0, Infinity), 'a number ≥ 0 or null'],
  // Absent from documents saved by cutpaste 0.1.0, before the worker count was recorded.
  workers: [(v) => isCount(v, 0, 64), 'an integer in [0, 64]', 'optional'],
  workersNote: [(v) => typeof v === 'string', 'a string', 'optional'],
  companion: [isCompanionReport, '{ density, densityChoice?, own: { mean, sd }, other: { mean, sd } }', 'optional', copyCompanionReport],
  heldOutPretext: [
    isPretextProbe,
    '{ accuracy, visibleAccuracy, visibleFraction in [0, 1], samples: an integer ≥ 0, nearChance: a boolean }',
    'optional',
    copyPretextProbe,
  ],
};

/** How `CutPasteDetector.load` reads its document. */
export const CUTPASTE_DOCUMENT: DocumentSpec = {
  kind: 'cutpaste',
  where: 'CutPasteDetector.load',
  sections: ['options', 'networks', 'density'],
  reportFields: CUTPASTE_REPORT_FIELDS,
};

/** An integer in [min, max] (a report field check for other detectors' documents). */
export const isCount = (v: unknown, min: number, max: number): v is number => Number.isInteger(v) && inRange(v, min, max);

const isDensityKind = (v: unknown): boolean => v === 'shared' || v === 'per-location';

function isDensityCandidate(v: unknown): boolean {
  const c = v as { kind?: unknown; l2Normalize?: unknown; auroc?: unknown } | null;
  return typeof c === 'object' && c !== null && isDensityKind(c.kind) && typeof c.l2Normalize === 'boolean' && inRange(c.auroc, 0, 1);
}

function isDensityChoice(v: unknown): boolean {
  const c = v as {
    kind?: unknown;
    l2Normalize?: unknown;
    auroc?: { shared?: unknown; perLocation?: unknown };
    candidates?: unknown;
    probes?: unknown;
    standardError?: unknown;
    decidedBy?: unknown;
  } | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    isDensityKind(c.kind) &&
    (c.l2Normalize === undefined || typeof c.l2Normalize === 'boolean') &&
    (c.candidates === undefined || (Array.isArray(c.candidates) && c.candidates.length <= 16 && c.candidates.every(isDensityCandidate))) &&
    typeof c.auroc === 'object' &&
    c.auroc !== null &&
    inRange(c.auroc.shared, 0, 1) &&
    inRange(c.auroc.perLocation, 0, 1) &&
    isCount(c.probes, 0, Number.MAX_SAFE_INTEGER) &&
    (c.standardError === undefined || inRange(c.standardError, 0, 1)) &&
    (c.decidedBy === undefined || c.decidedBy === 'validation' || c.decidedBy === 'alignment')
  );
}

const isStatistics = (v: unknown): boolean => {
  const s = v as { mean?: unknown; sd?: unknown } | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof s.mean === 'number' &&
    Number.isFinite(s.mean) &&
    inRange(s.sd, Number.MIN_VALUE, Number.MAX_VALUE)
  );
};

function isCompanionReport(v: unknown): boolean {
  const c = v as Partial<Record<keyof CompanionReport, unknown>> | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.density === 'string' &&
    densityKinds().includes(c.density) &&
    (c.densityChoice === undefined || isDensityChoice(c.densityChoice)) &&
    isStatistics(c.own) &&
    isStatistics(c.other)
  );
}

function copyCompanionReport(v: unknown): unknown {
  const { density, densityChoice, own, other } = v as CompanionReport;
  return {
    density,
    ...(densityChoice ? { densityChoice: copyDensityChoice(densityChoice) } : {}),
    own: { mean: own.mean, sd: own.sd },
    other: { mean: other.mean, sd: other.sd },
  };
}

function isPoseReport(v: unknown): boolean {
  const p = v as Record<string, unknown> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.aligned === 'boolean' &&
    (p.decidedBy === 'option' || p.decidedBy === 'poses') &&
    inRange(p.found, 0, 1) &&
    inRange(p.elongation, 0, 1) &&
    inRange(p.angleSpread, 0, 1) &&
    inRange(p.shift, 0, Number.MAX_VALUE) &&
    inRange(p.size, 0, Number.MAX_VALUE) &&
    (p.radius === undefined || (inRange(p.radius, 0, Number.MAX_VALUE) && p.radius > 0))
  );
}

function copyPoseReport(v: unknown): unknown {
  const { aligned, decidedBy, found, elongation, angleSpread, shift, size, radius } = v as PoseReport;
  return { aligned, decidedBy, found, elongation, angleSpread, shift, size, ...(radius !== undefined ? { radius } : {}) };
}

function isPretextProbe(v: unknown): boolean {
  const p = v as Record<string, unknown> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    inRange(p.accuracy, 0, 1) &&
    inRange(p.visibleAccuracy, 0, 1) &&
    inRange(p.visibleFraction, 0, 1) &&
    isCount(p.samples, 0, Number.MAX_SAFE_INTEGER) &&
    typeof p.nearChance === 'boolean'
  );
}

function copyPretextProbe(v: unknown): unknown {
  const { accuracy, visibleAccuracy, visibleFraction, samples, nearChance } = v as PretextProbe;
  return { accuracy, visibleAccuracy, visibleFraction, samples, nearChance };
}

function copyDensityChoice(v: unknown): unknown {
  const { kind, l2Normalize, auroc, candidates, probes, standardError, decidedBy } = v as DensityChoice;
  return {
    kind,
    ...(l2Normalize !== undefined ? { l2Normalize } : {}),
    auroc: { shared: auroc.shared, perLocation: auroc.perLocation },
    ...(candidates !== undefined
      ? { candidates: candidates.map((c) => ({ kind: c.kind, l2Normalize: c.l2Normalize, auroc: c.auroc })) }
      : {}),
    probes,
    ...(standardError !== undefined ? { standardError } : {}),
    ...(decidedBy !== undefined ? { decidedBy } : {}),
  };
}

function readReport(report: unknown, fields: Readonly<Record<string, ReportField>>, WHERE: string): Record<string, unknown> | null {
  if (report === null || report === undefined) return null;
  if (typeof report !== 'object' || Array.isArray(report)) fail(WHERE, 'report', report, 'an object (the fit report) or null');
  const r = report as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [field, [check, allowed, optional, copy]] of Object.entries(fields)) {
    const value = r[field];
    if (value === undefined && optional) continue;
    if (!check(value)) fail(WHERE, `report.${field}`, value, typeof allowed === 'function' ? allowed() : allowed);
    out[field] = value === null ? NaN : copy ? copy(value) : value;
  }
  return out;
}
