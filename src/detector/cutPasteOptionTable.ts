/**
 * `CutPasteDetector`'s options as one table (see `math/optionSchema.ts`): each row's group, default
 * per preset and mode, check, help, CLI flag and whether it goes to the trainer. Validation
 * (`resolveCutPasteOptions`), the presets (`DETECTOR_PRESETS`), the trainer's options
 * (`trainOptionsOf`), the CLI's flags and help and docs/options.md are read from it. Pure (no tfjs):
 * the CLI reads it without loading tfjs.
 */
import { patchEncoderSizeFor } from '../models/patchEncoder';
import type { ResNetPresetName } from '../models/resnetPresets';
import { choiceFlag } from '../math/optionFlags';
import { frozenCopy, isPlainObject, oneOf, optionError, type OptionRow } from '../math/optionSchema';
import { OPTION_LIMITS, PATCH_PASTE_CENTRE, TRAIN_OPTION_ROWS } from '../train/trainOptionRows';
import { ALIGN_OBJECTS_ROW, DENSITY_OPTION_ROWS, IMAGE_SIZE_ROW, PATCH_OPTION_ROWS, RUNTIME_OPTION_ROWS } from './detectorOptionRows';
import type { CutPasteOptions, DetectorPreset, ResolvedCutPasteOptions } from './options';

type O = ResolvedCutPasteOptions;

// Every built-in encoder once, in `RESNET_PRESETS` order (the compiler refuses a missing or unknown
// name; test/detector/optionSchema.test.ts compares the lists): written here so the CLI can list them without tfjs.
const ENCODER_SET: Readonly<Record<ResNetPresetName, true>> = {
  resnet18: true,
  'resnet18-slim': true,
  patch16: true,
  patch32: true,
  patch48: true,
  patch64: true,
};
/** The built-in encoder names (`RESNET_PRESETS`' keys). */
export const ENCODER_NAMES = Object.freeze(Object.keys(ENCODER_SET) as ResNetPresetName[]);

/** A default that depends on the preset (and, where it is an `{ image, patch }` pair, on the mode). */
function byPreset<T>(values: Readonly<Record<DetectorPreset, T | { readonly image: T; readonly patch: T }>>): (o: O) => T {
  return (o) => {
    const v = values[o.preset];
    return typeof v === 'object' && v !== null && 'image' in v && 'patch' in v ? v[o.mode] : v;
  };
}

/** Whether the encoder is a user's pretrained model (which changes the training recipe's defaults). */
const pretrained = (o: O): boolean => typeof o.encoder === 'object' && o.encoder !== null && 'model' in o.encoder;

/**
 * The fast preset's patch-mode encoder when none is given: the built-in patch encoder of `patchSize`
 * (`patch16`, `patch32`, `patch48`, `patch64`: one-pass dense maps), or for other sizes the largest one
 * below it (each patch then embedded on its own). Patches under 16 px need an explicit encoder.
 */
function fastPatchEncoder(patchSize: number): ResNetPresetName {
  const size = patchEncoderSizeFor(patchSize);
  if (size === undefined) {
    throw optionError(
      'CutPasteDetector',
      'patchSize',
      patchSize,
      "an integer ≥ 16 with the fast preset's patch encoders (patch16 … patch64); pass an encoder for smaller patches",
    );
  }
  return `patch${size}`;
}

/** A frozen deep copy of the `encoder` option; a pretrained spec's `model` is the user's: kept by reference, never frozen. */
function copyEncoder(encoder: unknown): unknown {
  if (!isPlainObject(encoder) || !('model' in encoder)) return frozenCopy(encoder);
  const { model, ...spec } = encoder;
  return Object.freeze({ ...frozenCopy(spec), model });
}

const T = TRAIN_OPTION_ROWS;

/** The `fusion` values that fuse scorers with CutPaste's. */
const FUSED = ['auto', 'feature-density+colour', 'feature-density', 'colour'] as const;

/** `CutPasteDetector`'s options, one row each, in resolution order (a default or check reads the rows above it). */
export const CUTPASTE_OPTION_SCHEMA: {
  readonly [K in keyof CutPasteOptions]-?: OptionRow<ResolvedCutPasteOptions[K], ResolvedCutPasteOptions>;
} = Object.freeze({
  preset: {
    group: 'model',
    help: "fast (default: CPU-sized, minutes) or paper (ResNet-18, 65,536 steps: a GPU's job)",
    default: 'fast',
    check: oneOf(['fast', 'paper']),
    flag: choiceFlag('preset', 'NAME', ['fast', 'paper']),
  },
  mode: {
    group: 'model',
    help: 'patch (default for fast: localisation maps) or image (one embedding per image, GradCAM maps)',
    default: (o) => (o.preset === 'fast' ? 'patch' : 'image'),
    check: oneOf(['image', 'patch']),
    flag: choiceFlag('mode', 'MODE', ['patch', 'image']),
    to: { train: (mode) => ({ level: mode === 'patch' ? 'patch' : 'image' }) },
  },
  imageSize: {
    ...IMAGE_SIZE_ROW,
    default: byPreset<readonly [number, number]>({ fast: { image: [64, 64], patch: [256, 256] }, paper: [256, 256] }),
  },
  patchSize: {
    ...PATCH_OPTION_ROWS.patchSize,
    to: { train: true },
    help: 'patch mode: patch side in px at the image size (default 32; 16, 32, 48, 64 get an encoder built to that size)',
  },
  stride: {
    ...PATCH_OPTION_ROWS.stride,
    help: 'patch mode: distance between scored patches in px (default 8 with the fast preset, 4 with paper)',
    default: byPreset({ fast: { image: 4, patch: 8 }, paper: 4 }),
  },
  scoreSigma: PATCH_OPTION_ROWS.scoreSigma,
  encoder: {
    group: 'model',
    help: `a ResNet preset: ${ENCODER_NAMES.join(', ')} (default: fast patch mode, the patch encoder of the patch size; fast image mode, resnet18-slim; paper, resnet18)`,
    default: (o) => (o.preset === 'paper' ? 'resnet18' : o.mode === 'patch' ? fastPatchEncoder(o.patchSize) : 'resnet18-slim'),
    prepare: copyEncoder,
    check: (v) => {
      if (typeof v === 'string')
        return (ENCODER_NAMES as readonly string[]).includes(v)
          ? undefined
          : `one of ${ENCODER_NAMES.map((n) => `'${n}'`).join(', ')}, a ResNetConfig or { model, ... }`;
      return typeof v === 'object' && v !== null ? undefined : 'a ResNet preset name, a ResNetConfig or { model, ... }';
    },
    flag: choiceFlag('encoder', 'NAME', ENCODER_NAMES),
  },
  headWidths: {
    group: 'model',
    help: 'projection-head widths, the last is its output (default [512, 128])',
    default: [512, 128],
    check: (v) => {
      if (!Array.isArray(v) || v.length === 0 || !v.every((w) => Number.isInteger(w) && w >= 1))
        return 'a non-empty array of positive integers';
      return v.length > 16 || v.some((w) => w > OPTION_LIMITS.width) ? `at most 16 integers in [1, ${OPTION_LIMITS.width}]` : undefined;
    },
  },
  featureStages: {
    group: 'model',
    help: "patch mode: encoder stages whose maps, averaged over each patch and stacked, make the features: last (default: the encoder's own) or stage numbers",
    default: 'last',
    check: (v, o) => {
      if (v === 'last') return undefined;
      const stages =
        Array.isArray(v) &&
        v.length >= 1 &&
        v.length <= 16 &&
        v.every((s, i) => Number.isInteger(s) && s >= 1 && (i === 0 || s > v[i - 1]));
      if (!stages) return "'last' or increasing stage numbers (integers ≥ 1)";
      // Image mode's maps come from GradCAM on the encoder's own features.
      return o?.mode === 'patch' ? undefined : "'last' in image mode (stage numbers need patch mode)";
    },
  },
  variant: T.variant,
  steps: {
    ...T.steps,
    help: 'training steps (preset: fast 1,000 patch / 300 image; paper 65,536)',
    default: byPreset({ fast: { image: 300, patch: 1000 }, paper: 65_536 }),
  },
  batchSize: T.batchSize,
  learningRate: T.learningRate,
  momentum: T.momentum,
  weightDecay: T.weightDecay,
  colorJitter: T.colorJitter,
  translate: T.translate,
  headOnlySteps: {
    ...T.headOnlySteps,
    help: 'first train the head only for this many steps (default 0; pretrained encoder: 10% of the steps)',
    default: (o) => (pretrained(o) ? Math.floor(o.steps / 10) : 0),
  },
  fineTuneLearningRate: {
    ...T.fineTuneLearningRate,
    help: 'learning rate after the head-only steps (default: the learning rate; pretrained encoder: 1e-4)',
    default: (o) => (pretrained(o) ? 1e-4 : o.learningRate),
  },
  freezeBatchNorm: {
    ...T.freezeBatchNorm,
    help: 'keep BatchNorm frozen while the encoder trains (default false; pretrained encoder: true)',
    default: pretrained,
  },
  pasteFrom: T.pasteFrom,
  rotate: T.rotate,
  redrawInvisible: { ...T.redrawInvisible, default: (o) => o.mode === 'patch' },
  pasteCentre: {
    ...T.pasteCentre,
    help: 'middle fraction of each crop (image mode: image) side where CutPaste patches and scars are centred while training (default: patch mode 0.5, image mode 1 = anywhere)',
    default: (o) => (o.mode === 'patch' ? PATCH_PASTE_CENTRE : 1),
  },
  perLocation: DENSITY_OPTION_ROWS.perLocation,
  l2Normalize: DENSITY_OPTION_ROWS.l2Normalize,
  shrinkage: DENSITY_OPTION_ROWS.shrinkage,
  densityMaxRows: DENSITY_OPTION_ROWS.densityMaxRows,
  fusion: {
    group: 'density',
    help: "patch mode: add untrained scorers' maps to CutPaste's: colour (patch colour and gradient statistics), feature-density+colour (also an untrained multi-stage feature density), feature-density, auto (the fast preset's default: feature-density+colour when alignObjects aligned the images, else colour), or none",
    // Measured (docs/results.md): the colour scorer, on CutPaste's own grid, helps at 128 and 256 px; the feature density adds nothing to it on average and hurts at 128 px and on bottle's validation split, but helps aligned objects (the bolt).
    default: (o) => (o.preset !== 'fast' || o.mode !== 'patch' || pretrained(o) ? 'none' : 'auto'),
    check: (v, o) =>
      v === 'none' || ((FUSED as readonly unknown[]).includes(v) && o?.mode === 'patch')
        ? undefined
        : o?.mode !== 'image'
          ? "'auto', 'feature-density+colour', 'feature-density', 'colour' or 'none'"
          : "'none' in image mode (fusion needs patch mode)",
    flag: choiceFlag('fusion', 'KIND', [...FUSED, 'none']),
  },
  alignObjects: {
    ...ALIGN_OBJECTS_ROW,
    help: `patch mode: ${ALIGN_OBJECTS_ROW.help}`,
    default: (o) => (o.mode === 'patch' ? 'auto' : false),
    check: (v, o) =>
      v === false || ((v === true || v === 'auto') && o?.mode === 'patch')
        ? undefined
        : o?.mode !== 'image'
          ? "true, false or 'auto'"
          : 'false in image mode (aligning needs patch mode)',
    flag: {
      ...ALIGN_OBJECTS_ROW.flag,
      offHelp: `patch mode: ${ALIGN_OBJECTS_ROW.flag.offHelp}`,
      onlyWith: { option: 'mode', value: 'patch' },
    },
  },
  seed: { ...T.seed, to: { train: (seed) => ({ seed: `${seed}/train` }) } },
  inferenceBatchSize: RUNTIME_OPTION_ROWS.inferenceBatchSize,
});
