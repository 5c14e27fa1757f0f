/**
 * The fit reports in saved documents: one table of fields per detector kind (each field's check, what
 * it allows, whether it may be absent, how it is copied), the fields every detector's report has, and
 * `readReport`, which checks a saved report against a table and copies the fields it knows.
 */
import { FormatError } from '../errors';
import { describeValue } from '../math/validate';
import { densityKinds } from '../density/densityRegistry';
import type { PretextProbe } from '../train/pretextProbe';
import type { CompanionReport } from './companion';
import type { DensityChoice } from './densityChoice';
import { OPTION_LIMITS } from './options';
import type { PoseReport } from './poseStage';

/** Throws a `FormatError`: `field` of the document `WHERE` reads must be `allowed`, with the value it got. */
export function fail(WHERE: string, field: string, value: unknown, allowed: string): never {
  throw new FormatError(`${WHERE}: ${field} must be ${allowed}, got ${describeValue(value)}`);
}

/** A number in [min, max]. */
export const inRange = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && v >= min && v <= max;
/** A report field: its check, what it allows, whether it may be absent, and how it is copied. */
export type ReportField = [
  check: (v: unknown) => boolean,
  allowed: string | (() => string),
  optional?: 'optional',
  copy?: (v: unknown) => unknown,
];

/** The fields of every detector's fit report (`DetectorFitReport`). */
export const COMMON_REPORT_FIELDS: Record<string, ReportField> = {
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
export const CUTPASTE_REPORT_FIELDS: Record<string, ReportField> = {
  steps: [(v) => isCount(v, 1, OPTION_LIMITS.steps), `an integer in [1, ${OPTION_LIMITS.steps}]`],
  finalLoss: [(v) => v === null || Number.isNaN(v) || inRange(v, 0, Infinity), 'a number ≥ 0 or null'],
  pretextAccuracy: [(v) => inRange(v, 0, 1), 'a number in [0, 1]'],
  trainSeconds: [(v) => inRange(v, 0, Number.MAX_VALUE), 'a finite number ≥ 0'],
  imagesPerSecond: [(v) => v === null || Number.isNaN(v) || inRange(v, 0, Infinity), 'a number ≥ 0 or null'],
  // Absent from documents saved by cutpaste 0.1.0, before the worker count was recorded.
  workers: [(v) => isCount(v, 0, 64), 'an integer in [0, 64]', 'optional'],
  workersNote: [(v) => typeof v === 'string', 'a string', 'optional'],
  companion: [
    isCompanionReport,
    '{ density?, densityChoice?, own: { mean, sd }, other?: { mean, sd }, colour?: { density, densityChoice?, stats: { mean, sd } } } with density and other, colour, or both',
    'optional',
    copyCompanionReport,
  ],
  heldOutPretext: [
    isPretextProbe,
    '{ accuracy, visibleAccuracy, visibleFraction in [0, 1], samples: an integer ≥ 0, nearChance: a boolean }',
    'optional',
    copyPretextProbe,
  ],
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

/** An object with a known `density` kind and an optional valid `densityChoice` (a fused scorer's report). */
function isScorerReport(v: unknown): v is Record<string, unknown> {
  const c = v as { density?: unknown; densityChoice?: unknown } | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.density === 'string' &&
    densityKinds().includes(c.density) &&
    (c.densityChoice === undefined || isDensityChoice(c.densityChoice))
  );
}

/** The detector's own statistics, and the feature density's (density and `other`), the colour scorer's, or both. */
function isCompanionReport(v: unknown): boolean {
  const c = v as Record<string, unknown> | null;
  if (typeof c !== 'object' || c === null || !isStatistics(c.own)) return false;
  const features = c.other !== undefined || c.density !== undefined || c.densityChoice !== undefined;
  if (features && !(isScorerReport(c) && isStatistics(c.other))) return false;
  if (c.colour !== undefined && !(isScorerReport(c.colour) && isStatistics(c.colour.stats))) return false;
  return features || c.colour !== undefined;
}

function copyCompanionReport(v: unknown): unknown {
  const { density, densityChoice, own, other, colour } = v as CompanionReport;
  return {
    ...(density !== undefined ? { density } : {}),
    ...(densityChoice ? { densityChoice: copyDensityChoice(densityChoice) } : {}),
    own: { mean: own.mean, sd: own.sd },
    ...(other ? { other: { mean: other.mean, sd: other.sd } } : {}),
    ...(colour
      ? {
          colour: {
            density: colour.density,
            ...(colour.densityChoice ? { densityChoice: copyDensityChoice(colour.densityChoice) } : {}),
            stats: { mean: colour.stats.mean, sd: colour.stats.sd },
          },
        }
      : {}),
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

export function readReport(report: unknown, fields: Readonly<Record<string, ReportField>>, WHERE: string): Record<string, unknown> | null {
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
