/**
 * The training options as schema rows (see `math/optionSchema.ts`): one check per option, shared by
 * `trainSelfSupervised` (`resolveTrainOptions`) and every detector that trains (`CutPasteDetector`
 * spreads these rows into its table and overrides defaults), so both accept the same values. Pure.
 */
import { choiceFlag, integerFlag, numberFlag, seedFlag } from '../math/optionFlags';
import { boolean, integer, numberIn, oneOf, type OptionRow } from '../math/optionSchema';
import type { PretextVariant } from './pretext';

/**
 * Upper bounds of the counts (a value above one is refused, not clipped): far beyond any sensible fit,
 * low enough that a typo such as `steps: 1e300` fails at once (or in `load`) rather than running forever.
 */
export const OPTION_LIMITS = Object.freeze({
  /** `steps` (the paper trains 65,536; `headOnlySteps` stays below `steps`). */
  steps: 10_000_000,
  /** `batchSize` and `inferenceBatchSize`. */
  batchSize: 4096,
  /** Each of `headWidths`. */
  width: 8192,
  /** `densityMaxRows`. */
  densityRows: 10_000_000,
});

/** The smallest patch (px) a patch-level model trains or scores on. */
export const MIN_PATCH_SIZE = 8;

// Every variant once (the compiler refuses a missing or unknown one); the same list as `PRETEXT_VARIANTS`,
// written here so that the CLI can read it without loading tfjs.
const VARIANT_SET: Readonly<Record<PretextVariant, true>> = { binary: true, scar: true, '3way': true, union: true };
const VARIANTS = Object.keys(VARIANT_SET) as PretextVariant[];

/** `pasteCentre` at patch level (the trainer's `level: 'patch'`, the detectors' patch mode): see `TrainOptions.pasteCentre`. */
export const PATCH_PASTE_CENTRE = 0.5;

/** What the training rows' defaults and checks read of the options resolved before them. */
interface TrainContext {
  readonly steps: number;
  readonly learningRate: number;
}

/** The training options' values, as the trainer and the detectors take them. */
export interface TrainRowValues {
  variant: PretextVariant;
  steps: number;
  batchSize: number;
  learningRate: number;
  momentum: number;
  weightDecay: number;
  colorJitter: number;
  translate: number;
  headOnlySteps: number;
  fineTuneLearningRate: number;
  freezeBatchNorm: boolean;
  seed: number | string;
  pasteFrom: 'crop' | 'image';
  rotate: boolean;
  redrawInvisible: boolean;
  pasteCentre: number;
}

/** The training rows, with the trainer's defaults (the paper's where it gives one); `to.train`: passed to the trainer. */
export const TRAIN_OPTION_ROWS = Object.freeze({
  variant: {
    group: 'train',
    help: `pretext task: ${VARIANTS.join(', ')} (default 3way)`,
    default: '3way',
    check: oneOf(VARIANTS),
    flag: choiceFlag('variant', 'NAME', VARIANTS),
    to: { train: true },
  },
  steps: {
    group: 'train',
    help: 'training steps (default 1,000)',
    default: 1000,
    check: integer(1, OPTION_LIMITS.steps),
    flag: integerFlag('steps'),
    to: { train: true },
  },
  batchSize: {
    group: 'train',
    help: 'original images or patches per training step (default 32)',
    default: 32,
    check: integer(1, OPTION_LIMITS.batchSize),
    flag: integerFlag('batch-size'),
    to: { train: true },
  },
  learningRate: {
    group: 'train',
    help: 'peak learning rate of the cosine schedule (default 0.03)',
    default: 0.03,
    check: numberIn(Number.MIN_VALUE, 10, 'a number in (0, 10]'),
    flag: numberFlag('learning-rate'),
    to: { train: true },
  },
  momentum: {
    group: 'train',
    help: 'SGD momentum (default 0.9)',
    default: 0.9,
    check: numberIn(0, 0.999999, 'a number in [0, 1)'),
    to: { train: true },
  },
  weightDecay: {
    group: 'train',
    help: 'weight decay (default 3e-5)',
    default: 3e-5,
    check: numberIn(0, 1, 'a number in [0, 1]'),
    to: { train: true },
  },
  colorJitter: {
    group: 'train',
    help: 'colour jitter before CutPaste (default 0.1; 0 = off)',
    default: 0.1,
    check: numberIn(0, 0.5, 'a number in [0, 0.5]'),
    to: { train: true },
  },
  translate: {
    group: 'train',
    help: 'random translation before CutPaste, fraction of the size (default 0)',
    default: 0,
    check: numberIn(0, 0.5, 'a number in [0, 0.5]'),
    to: { train: true },
  },
  headOnlySteps: {
    group: 'train',
    help: 'first train the head only for this many steps (default 0)',
    default: 0,
    check: (v, o) =>
      Number.isInteger(v) && (v as number) >= 0 && (o === undefined || (v as number) < o.steps)
        ? undefined
        : `an integer in [0, steps${o ? ` = ${o.steps}` : ''})`,
    to: { train: true },
  },
  fineTuneLearningRate: {
    group: 'train',
    help: 'learning rate after the head-only steps (default: the learning rate)',
    default: (o) => o.learningRate,
    check: numberIn(Number.MIN_VALUE, 10, 'a number in (0, 10]'),
    to: { train: true },
  },
  freezeBatchNorm: {
    group: 'train',
    help: 'keep BatchNorm frozen while the encoder trains (default false)',
    default: false,
    check: boolean,
    to: { train: true },
  },
  seed: {
    group: 'runtime',
    help: 'seed of every random draw, a number or a word (default 0)',
    default: 0,
    check: (v) =>
      typeof v === 'string'
        ? v.length > 1024
          ? 'a string of at most 1024 characters'
          : undefined
        : typeof v === 'number' && Number.isFinite(v)
          ? undefined
          : 'a finite number or a string',
    flag: seedFlag('seed'),
    to: { train: true },
  },
  pasteFrom: {
    group: 'train',
    help: 'patch mode: cut CutPaste patches from the crop itself (default) or from another crop of the image',
    default: 'crop',
    check: oneOf(['crop', 'image']),
    flag: choiceFlag('paste-from', 'WHERE', ['crop', 'image']),
    to: { train: true },
  },
  rotate: {
    group: 'train',
    help: 'train on images turned by a random 90° rotation and flip (objects at any angle)',
    default: false,
    check: boolean,
    flag: { on: 'rotate' },
    to: { train: true },
  },
  redrawInvisible: {
    group: 'train',
    help: 'draw a crop and its augmentations again while a copy does not differ visibly from its original (default false; patch mode true)',
    default: false,
    check: boolean,
    flag: {
      on: 'redraw-invisible',
      off: 'no-redraw-invisible',
      offHelp: "keep crops whose copies do not differ visibly from them (the paper's training)",
    },
    to: { train: true },
  },
  pasteCentre: {
    group: 'train',
    help: 'middle fraction of each image (patch mode: crop) side where CutPaste patches and scars are centred (default 1: anywhere; patch mode 0.5)',
    default: 1,
    check: numberIn(Number.MIN_VALUE, 1, 'a number in (0, 1]'),
    flag: numberFlag('paste-centre'),
    to: { train: true },
  },
} satisfies { readonly [K in keyof TrainRowValues]: OptionRow<TrainRowValues[K], TrainContext> });
