import type * as tfl from '@tensorflow/tfjs-layers';
import type { ResNetPresetName } from '../models/resnetPresets';
import type { ResNetConfig } from '../models/resnetConfig';
import type { GraphModelLike, PretrainedEncoderOptions } from '../models/pretrainedEncoder';
import { optionsFor, resolveOptions } from '../math/optionSchema';
import type { PretextVariant } from '../train/pretext';
import type { TrainOptions } from '../train/options';
import { CUTPASTE_OPTION_SCHEMA } from './cutPasteOptionTable';
import type { DetectorDensityOptions, DetectorPatchOptions, DetectorRuntimeOptions } from './detectorOptionRows';

export { OPTION_LIMITS } from '../train/trainOptionRows';

/**
 * `perLocation: 'auto'` chooses one density per location when the training features' location
 * alignment (between-location share of their variance, `locationAlignment`) reaches this. Measured
 * with `patch32` features: ≤ 0.01 on textures, ≥ 0.6 on aligned objects (MVTec bottle, synthetic pill).
 */
export const ALIGNMENT_THRESHOLD = 0.1;

/** Named starting points for `CutPasteDetector.create`; explicit options override them. */
export type DetectorPreset = 'fast' | 'paper';

/** A user-supplied pretrained network used as the encoder (paper §4: transfer learning). */
export interface PretrainedEncoderSpec extends PretrainedEncoderOptions {
  /** A `tf.LayersModel`, or a GraphModel (frozen: only the head trains). Never disposed by the detector. */
  model: tfl.LayersModel | GraphModelLike;
}

/** Model options of `CutPasteDetector.create`: what the detector is (preset, mode, image size, networks). */
export interface CutPasteModelOptions {
  /** `'fast'` (default): a CPU-sized setup that fits a category in minutes on 2 cores. `'paper'`: ResNet-18, 256 px, 3-way, the paper's schedule (65,536 steps: a GPU's job). */
  preset?: DetectorPreset;
  /** `'image'`: one embedding per image, GradCAM maps. `'patch'`: dense patch embeddings, localisation maps (paper §2.4). Preset default: `'patch'` for fast, `'image'` for paper. */
  mode?: 'image' | 'patch';
  /** Side (px) or `[height, width]` images are resized to. Preset: fast 256 (patch) / 64 (image); paper 256. */
  imageSize?: number | readonly [number, number];
  /**
   * A ResNet preset name, a `ResNetConfig`, or a pretrained model. Preset: fast `resnet18-slim` (image)
   * and, in patch mode, the patch encoder built to `patchSize` (`patch16`, `patch32` (the default),
   * `patch48`, `patch64`: receptive field = patch size, one pass gives every patch's 128-d feature; other
   * sizes use the largest one below and embed each patch on its own); paper `resnet18`.
   */
  encoder?: ResNetPresetName | ResNetConfig | PretrainedEncoderSpec;
  /** Projection-head widths; the last is the head's output (default [512, 128]). */
  headWidths?: readonly number[];
  /**
   * Patch mode: the encoder stages (1-based) whose maps, each averaged over a patch, stacked, are the
   * features the density sees; built-in ResNets only. `'last'` (default): the encoder's own features
   * (its last stage). `patch32`'s stage 1 (`[1]`: 16 px receptive field, 64-d) scored CutPaste's own
   * maps better on three of four generated kinds, but the fused detector no better (docs/results.md).
   * Training is the same either way.
   */
  featureStages?: 'last' | readonly number[];
  /**
   * Patch mode: untrained scorers beside CutPaste's. `'feature-density'`: an untrained
   * `resnet18-slim`'s stage 2 and 3 maps, 100 seeded channels, their own density chosen as CutPaste's
   * is (a deeper, wider receptive field). `'colour'`: the mean and standard deviation of every
   * channel and of its gradient magnitude over windows of half, once and twice each patch
   * (`colourFeaturizer`), with their own density, for stains, discolourations, strokes and smoothed
   * patches, which the L2-normalised patch features miss. `'feature-density+colour'`: both. Each map
   * is divided by the spread of its scorer's out-of-fold training scores and the maps are summed.
   * `'auto'`: `'feature-density+colour'` when `alignObjects` aligned the training images (objects at
   * random angles or positions), else `'colour'` (the feature density added nothing to it on average
   * on textures and bottle at 256 px and hurt at 128 px). Default with the fast preset in patch mode
   * (not with a pretrained encoder): `'auto'`; else `'none'`.
   */
  fusion?: 'auto' | 'feature-density+colour' | 'feature-density' | 'colour' | 'none';
  /**
   * Patch mode: before anything else sees an image, turn and shift it so that its object lies in a
   * canonical pose (centroid at the centre, principal axis to the right; `objectPoses`) and frame it
   * on the object, then bring every map back onto the image as given. For one object on a plain
   * background at random angles or positions (a screw on a table). `'auto'` (patch mode's default)
   * aligns when the training images show one elongated object whose angle or position varies
   * (`POSE_RULE`); `FitReport.objectPose` says what it saw. Image mode: `false` only.
   */
  alignObjects?: boolean | 'auto';
}

/** Training options of `CutPasteDetector.create` (stage 1: the pretext task; passed to `trainSelfSupervised`). */
export interface CutPasteTrainOptions {
  /** Pretext task (default `'3way'`). */
  variant?: PretextVariant;
  /** Training steps (preset: fast 1,000 (patch) / 300 (image); paper 65,536). */
  steps?: number;
  /** Original images (or patches) per step (default 32; the network sees 2× or 3× that). */
  batchSize?: number;
  /** Peak learning rate (default 0.03). */
  learningRate?: number;
  /** SGD momentum (default 0.9). */
  momentum?: number;
  /** Weight decay (default 3e-5). */
  weightDecay?: number;
  /** Whole-image colour jitter before CutPaste (default 0.1). */
  colorJitter?: number;
  /** Whole-image random translation before CutPaste, fraction of the size (default 0). */
  translate?: number;
  /** Pretrained recipe: head-only steps first (default 0; for a pretrained encoder 10% of `steps`). */
  headOnlySteps?: number;
  /** Learning rate after the head-only phase (default: `learningRate`; pretrained encoder: 1e-4). */
  fineTuneLearningRate?: number;
  /** Keep BatchNorm frozen while the encoder trains (default: false; pretrained encoder: true). */
  freezeBatchNorm?: boolean;
  /**
   * Patch mode: where CutPaste patches and scars are cut from while training: `'crop'` (the crop
   * itself, the paper's patch-level training) or `'image'` (another random crop of the same image,
   * so a crop of plain background can receive a piece of the object). Default `'crop'`.
   */
  pasteFrom?: 'crop' | 'image';
  /** Train on images (patch mode: crops) turned by a random 90° rotation and flip, for objects that lie at any angle (default false). */
  rotate?: boolean;
  /** Draw a training crop again while one of its augmented copies does not differ visibly from it (default: patch mode true, image mode false). */
  redrawInvisible?: boolean;
  /**
   * Where CutPaste patches and scars land while training: their centre in the middle `pasteCentre`
   * fraction of each side of the crop (image mode: of the image), in (0, 1]. Default: patch mode 0.5
   * (a patch feature stands for its crop's middle; see `TrainOptions.pasteCentre`), image mode 1 (anywhere, the paper's).
   */
  pasteCentre?: number;
}

/** Patch-mode options of `CutPasteDetector.create`. */
export type CutPastePatchOptions = DetectorPatchOptions;

/** Density options of `CutPasteDetector.create` (stage 2). */
export type CutPasteDensityOptions = DetectorDensityOptions;

/** Runtime options of `CutPasteDetector.create`: the seed and the inference batch. */
export interface CutPasteRuntimeOptions extends DetectorRuntimeOptions {
  /** Seed of every random draw (initialisation, batches, augmentations; default 0). */
  seed?: number | string;
}

/**
 * Options of `CutPasteDetector.create`. Every field is optional. The fields are flat (saved models
 * and every caller spell them so); they are grouped in `CutPasteModelOptions`, `CutPasteTrainOptions`,
 * `CutPastePatchOptions`, `CutPasteDensityOptions` and `CutPasteRuntimeOptions`, and their table
 * (default per preset, check, CLI flag) is `CUTPASTE_OPTION_SCHEMA` (docs/options.md lists it).
 */
export interface CutPasteOptions
  extends CutPasteModelOptions, CutPasteTrainOptions, CutPastePatchOptions, CutPasteDensityOptions, CutPasteRuntimeOptions {}

/** `CutPasteOptions` with every default filled in and checked (`imageSize` as `[height, width]`). */
export type ResolvedCutPasteOptions = {
  readonly [K in keyof CutPasteOptions]-?: K extends 'imageSize' ? readonly [number, number] : Exclude<CutPasteOptions[K], undefined>;
};

type PresetValues = Omit<ResolvedCutPasteOptions, 'preset' | 'fineTuneLearningRate' | 'scoreSigma' | 'headOnlySteps' | 'freezeBatchNorm'>;

/**
 * Fills defaults (preset, then built-in) and validates every option against `CUTPASTE_OPTION_SCHEMA`;
 * the result is a frozen deep copy (a pretrained encoder's `model` excepted), so changing the caller's
 * arrays later changes nothing. An option given as `undefined` takes its default; `null` is refused
 * like any other wrong value.
 *
 * @throws OptionError (a `RangeError`) naming the option, the value and what is allowed
 * @example
 * resolveCutPasteOptions({ mode: 'image' }).steps; // 300
 */
export function resolveCutPasteOptions(options: CutPasteOptions = {}): ResolvedCutPasteOptions {
  return resolveOptions<typeof CUTPASTE_OPTION_SCHEMA, ResolvedCutPasteOptions>(CUTPASTE_OPTION_SCHEMA, options, 'CutPasteDetector');
}

/** The presets, by mode: every option's value there, as `resolveCutPasteOptions({ preset, mode })` fills it. */
export const DETECTOR_PRESETS: Readonly<Record<DetectorPreset, Readonly<Record<'image' | 'patch', PresetValues>>>> = Object.freeze(
  Object.fromEntries(
    (['fast', 'paper'] as const).map((preset) => [
      preset,
      Object.freeze(
        Object.fromEntries(
          (['image', 'patch'] as const).map((mode) => {
            const {
              preset: _,
              fineTuneLearningRate,
              scoreSigma,
              headOnlySteps,
              freezeBatchNorm,
              ...values
            } = resolveCutPasteOptions({ preset, mode });
            return [mode, Object.freeze(values)];
          }),
        ),
      ),
    ]),
  ) as Record<DetectorPreset, Record<'image' | 'patch', PresetValues>>,
);

/**
 * The trainer's options for resolved detector options: every row of `CUTPASTE_OPTION_SCHEMA` that
 * goes to the trainer (`to.train`), `mode` as `level` and the seed as `${seed}/train`.
 *
 * @example
 * await trainSelfSupervised(networks, images, { ...trainOptionsOf(detector.options), signal });
 */
export function trainOptionsOf(options: ResolvedCutPasteOptions): TrainOptions {
  return optionsFor(CUTPASTE_OPTION_SCHEMA, options, 'train');
}
