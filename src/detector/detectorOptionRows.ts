/**
 * Option rows every detector that scores patches with a Gaussian density shares (image size, patch
 * grid, density, runtime), with their public types. A detector builds its schema by spreading these
 * rows next to its own and overriding defaults (`{ ...PATCH_OPTION_ROWS.stride, default: 8 }`). Pure.
 */
import { OptionError } from '../errors';
import { integerFlag, numberFlag } from '../math/optionFlags';
import { frozenCopy, integer, numberIn, type OptionRow } from '../math/optionSchema';
import { MIN_PATCH_SIZE, OPTION_LIMITS } from '../train/trainOptionRows';

/** Patch-mode options: the scored patch grid and how patch scores become a map. */
export interface DetectorPatchOptions {
  /**
   * Patch side (px at `imageSize`) for patch mode (default 32; the paper's is 64). The fast preset's
   * encoder follows it (see `encoder`): 16, 32, 48 and 64 get a dense one-pass encoder of exactly that
   * receptive field; other sizes ≥ 16 work patch by patch; below 16 needs an explicit `encoder`.
   */
  patchSize?: number;
  /** Distance (px) between scored patches in patch mode. Preset: fast 8 (a 29×29 grid at 256 px: as accurate as 4 in our measurements, 4× less density work), paper 4 (57×57). */
  stride?: number;
  /** Gaussian σ (px at `imageSize`) spreading patch scores over pixels (default patchSize / 4). */
  scoreSigma?: number;
}

/** Options of the Gaussian density fitted to the features (stage 2). */
export interface DetectorDensityOptions {
  /**
   * Patch mode: one density per grid location (aligned objects) or one shared by every location
   * (textures), as the paper chooses per category. `'auto'` (default) decides by validation on
   * synthetic defects, or from the training features' `locationAlignment` (≥ `ALIGNMENT_THRESHOLD`,
   * 0.1: per location) when validation cannot tell (see `chooseDensityKind`).
   */
  perLocation?: boolean | 'auto';
  /**
   * L2-normalise features before the density. `'auto'` (CutPaste's default): patch mode with
   * `perLocation: 'auto'` compares both with the density kind on synthetic defects (raw features keep
   * their norm, which carries contrast: stains); anywhere else it means `true`.
   */
  l2Normalize?: boolean | 'auto';
  /** Covariance shrinkage: `'ledoit-wolf'` (default) or a fixed coefficient in [0, 1]. */
  shrinkage?: 'ledoit-wolf' | number;
  /** Shared patch density: at most this many patch embeddings are used to fit it (default 100,000; a seeded subsample). */
  densityMaxRows?: number;
}

/** How inference runs (no effect on the results). */
export interface DetectorRuntimeOptions {
  /** Images per forward pass when embedding (default 16). */
  inferenceBatchSize?: number;
}

/** What the shared rows read of the options resolved before them. */
interface SizeContext {
  readonly imageSize: readonly [number, number];
  readonly patchSize: number;
}

const SIZE_RANGE = 'an integer in [16, 4096]';
const isSide = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 16 && (v as number) <= 4096;

/** `N` or `HxW` (also `H×W`, `H,W`) → `[height, width]`; malformed text throws an `OptionError` naming the flag. */
function parseSize(text: string): [number, number] {
  const parts = text.toLowerCase().split(/[x×,]/);
  const refuse = (allowed: string, value: string): never => {
    throw new OptionError(`option --image-size must be ${allowed}, got '${value}'`, { option: 'image-size', allowed, value });
  };
  if (parts.length > 2 || parts.some((p) => !/^\s*\d+\s*$/.test(p))) refuse('N or HEIGHTxWIDTH (e.g. 256 or 192x256)', text);
  const [h, w = h] = parts.map((p) => (isSide(Number(p)) ? Number(p) : refuse(SIZE_RANGE, p.trim())));
  return [h!, w!];
}

/** `imageSize`: a side or `[height, width]`, each in [16, 4096]; stored as `[height, width]`. */
export const IMAGE_SIZE_ROW = Object.freeze({
  group: 'model',
  help: 'size images are resized to, e.g. 256 or 192x256 (preset default)',
  default: [256, 256] as const,
  prepare: (v: unknown) => frozenCopy(typeof v === 'number' ? [v, v] : v),
  check: (v: unknown) => (Array.isArray(v) && v.length === 2 && v.every(isSide) ? undefined : `${SIZE_RANGE} or [height, width] of such`),
  flag: { name: 'image-size', metavar: 'N|HxW', parse: parseSize },
} satisfies OptionRow<readonly [number, number]>);

/** The patch-mode rows: `patchSize` (≤ the image size), `stride` (≤ `patchSize`), `scoreSigma`. */
export const PATCH_OPTION_ROWS = Object.freeze({
  patchSize: {
    group: 'patch',
    help: 'patch mode: patch side in px at the image size (default 32)',
    default: 32,
    check: (v, o) => {
      const most = o && Math.min(...o.imageSize);
      if (Number.isInteger(v) && (v as number) >= MIN_PATCH_SIZE && (most === undefined || (v as number) <= most)) return undefined;
      return most === undefined ? `an integer ≥ ${MIN_PATCH_SIZE}` : `an integer in [${MIN_PATCH_SIZE}, ${most}] (the image size)`;
    },
    flag: integerFlag('patch-size'),
  },
  stride: {
    group: 'patch',
    help: 'patch mode: distance between scored patches in px (default 4)',
    default: 4,
    check: (v, o) =>
      Number.isInteger(v) && (v as number) >= 1 && (o === undefined || (v as number) <= o.patchSize)
        ? undefined
        : o
          ? `an integer in [1, patchSize = ${o.patchSize}]`
          : 'an integer ≥ 1',
    flag: integerFlag('stride'),
  },
  scoreSigma: {
    group: 'patch',
    help: 'patch mode: Gaussian σ in px spreading patch scores over pixels (default patch size / 4)',
    default: (o) => o.patchSize / 4,
    check: numberIn(Number.MIN_VALUE, 1024, 'a number in (0, 1024]'),
    flag: numberFlag('score-sigma', 'PX'),
  },
} satisfies { readonly [K in keyof DetectorPatchOptions]-?: OptionRow<number, SizeContext> });

/** `alignObjects`: true, false or 'auto' (the default), for detectors whose features lie on a grid. */
export const ALIGN_OBJECTS_ROW = Object.freeze({
  group: 'patch',
  help: "turn and centre every image on its object's pose first (an object at random angles or positions): true, false or 'auto' (default: when the training images show one such object)",
  default: 'auto',
  check: (v: unknown) => (typeof v === 'boolean' || v === 'auto' ? undefined : "true, false or 'auto'"),
  flag: { on: 'align-objects', off: 'no-align-objects', offHelp: 'score the images as given, never aligned to an object' },
} satisfies OptionRow<boolean | 'auto'>);

/** The density rows. */
export const DENSITY_OPTION_ROWS = Object.freeze({
  perLocation: {
    group: 'density',
    help: 'patch mode: one density per grid location (aligned objects)',
    default: 'auto',
    check: (v) => (typeof v === 'boolean' || v === 'auto' ? undefined : "true, false or 'auto'"),
    flag: {
      on: 'per-location',
      off: 'no-per-location',
      offHelp: 'patch mode: one density shared by all locations (textures)',
      onlyWith: { option: 'mode', value: 'patch' },
    },
  },
  l2Normalize: {
    group: 'density',
    help: "L2-normalise features before the density: true, false or 'auto' (default: chosen with the density in patch mode, else true)",
    default: 'auto',
    check: (v) => (typeof v === 'boolean' || v === 'auto' ? undefined : "true, false or 'auto'"),
  },
  shrinkage: {
    group: 'density',
    help: "covariance shrinkage: 'ledoit-wolf' (default) or a coefficient in [0, 1]",
    default: 'ledoit-wolf',
    check: (v) => (v === 'ledoit-wolf' || (typeof v === 'number' && v >= 0 && v <= 1) ? undefined : "'ledoit-wolf' or a number in [0, 1]"),
  },
  densityMaxRows: {
    group: 'density',
    help: 'at most this many patch embeddings fit a shared density (default 100,000)',
    default: 100_000,
    check: integer(2, OPTION_LIMITS.densityRows),
  },
} satisfies { readonly [K in keyof DetectorDensityOptions]-?: OptionRow<Exclude<DetectorDensityOptions[K], undefined>> });

/** The runtime rows. */
export const RUNTIME_OPTION_ROWS = Object.freeze({
  inferenceBatchSize: {
    group: 'runtime',
    help: 'images per forward pass when embedding (default 16)',
    default: 16,
    check: integer(1, OPTION_LIMITS.batchSize),
    flag: integerFlag('inference-batch-size'),
  },
} satisfies { readonly [K in keyof DetectorRuntimeOptions]-?: OptionRow<number> });
