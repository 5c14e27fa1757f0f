import type * as tf from '@tensorflow/tfjs-core';
import { FormatError } from '../errors';
import { capText, describeValue } from '../math/validate';
import { VERSION } from '../version';
import type { DetectorDensityJSON } from './densityStage';
import type { NetworksConfig } from './networks';
import { OPTION_LIMITS, type ResolvedCutPasteOptions } from './options';
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
  library: string;
  options: Omit<ResolvedCutPasteOptions, 'encoder'> & { encoder: unknown };
  networks: NetworksConfig;
  density: DetectorDensityJSON;
  threshold: Threshold | null;
  report: FitReport | null;
}

/**
 * Bounds of a document, checked (without recursion) before anything walks it: a detector's document
 * nests about 6 levels, its strings are names and seeds, and its largest array is an image density's
 * covariance (d² numbers: 262,144 at d = 512, 4.2 M at d = 2048).
 */
const LIMITS = { depth: 32, stringLength: 4096, values: 1 << 25 };

const WHERE = 'CutPasteDetector.load';

/**
 * The validated document of `artifacts`: bounded in depth, string length and size, of this format and
 * version, with every section an object, a valid threshold and a valid fit report (fields that this
 * version does not know are dropped from both). Options, networks and density are checked by their
 * own readers (`resolveCutPasteOptions`, `rebuildNetworks`, `checkDensityFits`).
 *
 * @throws FormatError naming the field, echoing at most `MAX_ECHO` characters of a value
 */
export function readDocument(artifacts: tf.io.ModelArtifacts): DetectorDocument {
  const doc = (artifacts.userDefinedMetadata as { cutpaste?: unknown } | undefined)?.cutpaste as Record<string, unknown> | undefined;
  if (!doc || typeof doc !== 'object') {
    throw new FormatError(`${WHERE}: these artifacts hold no cutpaste detector (userDefinedMetadata.cutpaste is missing)`);
  }
  checkBounds(doc);
  if (doc.format !== DETECTOR_FORMAT) {
    throw new FormatError(`${WHERE}: userDefinedMetadata.cutpaste.format must be '${DETECTOR_FORMAT}', got ${describeValue(doc.format)}`);
  }
  if (doc.formatVersion !== DETECTOR_FORMAT_VERSION) {
    throw new FormatError(
      `${WHERE}: format version ${describeValue(doc.formatVersion)} is not supported; this library (cutpaste ${VERSION}) reads version ${DETECTOR_FORMAT_VERSION}`,
    );
  }
  for (const field of ['options', 'networks', 'density'] as const) {
    if (typeof doc[field] !== 'object' || doc[field] === null || Array.isArray(doc[field])) {
      throw new FormatError(`${WHERE}: the document has no valid '${field}' section`);
    }
  }
  if (typeof doc.library !== 'string') fail('library', doc.library, 'the version string of the library that saved it');
  return { ...(doc as unknown as DetectorDocument), threshold: readThreshold(doc.threshold), report: readReport(doc.report) };
}

/** Depth, string lengths and value count of `root`, walked with an explicit stack (no recursion). */
function checkBounds(root: object): void {
  const stack: [value: object, depth: number, path: string][] = [[root, 1, 'cutpaste']];
  let values = 0;
  while (stack.length > 0) {
    const [value, depth, path] = stack.pop()!;
    if (depth > LIMITS.depth) {
      throw new FormatError(`${WHERE}: the document nests deeper than ${LIMITS.depth} levels (at ${capText(path)}); a detector's document nests about 6`);
    }
    const isArray = Array.isArray(value);
    const keys = isArray ? undefined : Object.keys(value);
    const length = isArray ? value.length : keys!.length;
    values += length;
    if (values > LIMITS.values) throw new FormatError(`${WHERE}: the document holds more than ${LIMITS.values} values; it is not a detector's`);
    for (let i = 0; i < length; i++) {
      const key = isArray ? i : keys![i]!;
      const child: unknown = (value as Record<string | number, unknown>)[key];
      if (typeof child !== 'string' && (typeof child !== 'object' || child === null) && !(typeof key === 'string' && key.length > LIMITS.stringLength)) continue;
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

function fail(field: string, value: unknown, allowed: string): never {
  throw new FormatError(`${WHERE}: ${field} must be ${allowed}, got ${describeValue(value)}`);
}

const METHODS: readonly Threshold['method'][] = ['fit', 'quantile', 'f1-max', 'manual'];

function readThreshold(t: unknown): Threshold | null {
  if (t === null || t === undefined) return null;
  if (typeof t !== 'object' || Array.isArray(t) || !Number.isFinite((t as Threshold).value)) {
    throw new FormatError(`${WHERE}: the saved threshold is invalid: ${capText(JSON.stringify(t) ?? String(t))}`);
  }
  const { value, method, quantile } = t as Record<string, unknown>;
  if (!METHODS.includes(method as Threshold['method'])) fail('threshold.method', method, METHODS.map((m) => `'${m}'`).join(', '));
  if (quantile !== undefined && !inRange(quantile, 0, 1)) fail('threshold.quantile', quantile, 'a number in [0, 1]');
  return { value: value as number, method: method as Threshold['method'], ...(quantile !== undefined ? { quantile: quantile as number } : {}) };
}

const inRange = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && v >= min && v <= max;
const isCount = (v: unknown, min: number, max: number): v is number => Number.isInteger(v) && inRange(v, min, max);
const DENSITY_KINDS: readonly FitReport['density'][] = ['image', 'shared', 'per-location'];

/**
 * A fit report's fields: each a check and what it allows. `finalLoss` and `imagesPerSecond` may be
 * `null` (JSON's NaN or Infinity: a diverged loss, a fit too fast to time), read back as NaN.
 */
const REPORT_FIELDS: Record<string, [check: (v: unknown) => boolean, allowed: string, optional?: 'optional', copy?: (v: unknown) => unknown]> = {
  steps: [(v) => isCount(v, 1, OPTION_LIMITS.steps), `an integer in [1, ${OPTION_LIMITS.steps}]`],
  finalLoss: [(v) => v === null || Number.isNaN(v) || inRange(v, 0, Infinity), 'a number ≥ 0 or null'],
  pretextAccuracy: [(v) => inRange(v, 0, 1), 'a number in [0, 1]'],
  seconds: [(v) => inRange(v, 0, Number.MAX_VALUE), 'a finite number ≥ 0'],
  trainSeconds: [(v) => inRange(v, 0, Number.MAX_VALUE), 'a finite number ≥ 0'],
  imagesPerSecond: [(v) => v === null || Number.isNaN(v) || inRange(v, 0, Infinity), 'a number ≥ 0 or null'],
  // Absent from documents saved by cutpaste 0.1.0, before the worker count was recorded.
  workers: [(v) => isCount(v, 0, 64), 'an integer in [0, 64]', 'optional'],
  images: [(v) => isCount(v, 2, Number.MAX_SAFE_INTEGER), 'an integer ≥ 2'],
  density: [(v) => DENSITY_KINDS.includes(v as FitReport['density']), DENSITY_KINDS.map((k) => `'${k}'`).join(', ')],
  alignment: [(v) => inRange(v, 0, 1), 'a number in [0, 1]', 'optional'],
  heldOutPretext: [isPretextProbe, '{ accuracy, visibleAccuracy, visibleFraction in [0, 1], samples: an integer ≥ 0, nearChance: a boolean }', 'optional', copyPretextProbe],
  densityChoice: [isDensityChoice, "{ kind: 'shared' or 'per-location', auroc: { shared, perLocation } in [0, 1], probes: an integer ≥ 0 }", 'optional', copyDensityChoice],
};

function isDensityChoice(v: unknown): boolean {
  const c = v as { kind?: unknown; auroc?: { shared?: unknown; perLocation?: unknown }; probes?: unknown } | null;
  return typeof c === 'object' && c !== null && (c.kind === 'shared' || c.kind === 'per-location') &&
    typeof c.auroc === 'object' && c.auroc !== null && inRange(c.auroc.shared, 0, 1) && inRange(c.auroc.perLocation, 0, 1) &&
    isCount(c.probes, 0, Number.MAX_SAFE_INTEGER);
}

function isPretextProbe(v: unknown): boolean {
  const p = v as Record<string, unknown> | null;
  return typeof p === 'object' && p !== null && inRange(p.accuracy, 0, 1) && inRange(p.visibleAccuracy, 0, 1) &&
    inRange(p.visibleFraction, 0, 1) && isCount(p.samples, 0, Number.MAX_SAFE_INTEGER) && typeof p.nearChance === 'boolean';
}

function copyPretextProbe(v: unknown): unknown {
  const { accuracy, visibleAccuracy, visibleFraction, samples, nearChance } = v as PretextProbe;
  return { accuracy, visibleAccuracy, visibleFraction, samples, nearChance };
}

function copyDensityChoice(v: unknown): unknown {
  const { kind, auroc, probes } = v as { kind: string; auroc: { shared: number; perLocation: number }; probes: number };
  return { kind, auroc: { shared: auroc.shared, perLocation: auroc.perLocation }, probes };
}

function readReport(report: unknown): FitReport | null {
  if (report === null || report === undefined) return null;
  if (typeof report !== 'object' || Array.isArray(report)) fail('report', report, 'an object (the fit report) or null');
  const r = report as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [field, [check, allowed, optional, copy]] of Object.entries(REPORT_FIELDS)) {
    const value = r[field];
    if (value === undefined && optional) continue;
    if (!check(value)) fail(`report.${field}`, value, allowed);
    out[field] = value === null ? NaN : copy ? copy(value) : value;
  }
  return out as unknown as FitReport;
}
