/**
 * `FeatureDensityDetector`'s options as one table (see `math/optionSchema.ts`), built from the rows
 * every density detector shares (`detectorOptionRows.ts`) and its own: the encoder, the stages its
 * features come from and how many feature dimensions are kept. Pure (no tfjs).
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { choiceFlag, integerFlag, numberFlag } from '../../math/optionFlags';
import { frozenCopy, integer, isPlainObject, resolveOptions, type OptionRow } from '../../math/optionSchema';
import type { GraphModelLike, PretrainedEncoderOptions } from '../../models/pretrainedEncoder';
import type { ResNetConfig } from '../../models/resnetConfig';
import type { ResNetPresetName } from '../../models/resnetPresets';
import { TRAIN_OPTION_ROWS } from '../../train/trainOptionRows';
import { ENCODER_NAMES } from '../cutPasteOptionTable';
import {
  ALIGN_OBJECTS_ROW,
  DENSITY_OPTION_ROWS,
  IMAGE_SIZE_ROW,
  PATCH_OPTION_ROWS,
  RUNTIME_OPTION_ROWS,
  type DetectorDensityOptions,
  type DetectorRuntimeOptions,
} from '../detectorOptionRows';

/** Something that can hand over a copy of a trained encoder: a fitted `CutPasteDetector`. */
export interface EncoderSource {
  /** A copy of the detector's trained encoder, owned by the caller. */
  copyEncoder(): Promise<import('../../models/types').Encoder>;
}

/** A user's pretrained network as the encoder (frozen: nothing trains). */
export interface FeatureEncoderSpec extends PretrainedEncoderOptions {
  /** A `tf.LayersModel` or a GraphModel; never disposed by the detector. */
  model: tfl.LayersModel | GraphModelLike;
}

/** Options of `FeatureDensityDetector.create`; `l2Normalize` defaults to false here (PaDiM's: untrained features carry evidence in their magnitude). */
export interface FeatureDensityOptions extends DetectorDensityOptions, DetectorRuntimeOptions {
  /**
   * Where features come from: a ResNet preset name or `ResNetConfig` (built untrained from `seed`:
   * random features, the honest "untrained" baseline; default `'resnet18-slim'`), a user's pretrained
   * model `{ model, ... }`, or a fitted `CutPasteDetector` (its trained encoder is copied).
   */
  encoder?: ResNetPresetName | ResNetConfig | FeatureEncoderSpec | EncoderSource;
  /**
   * ResNets with `'same'` padding: the stages (1-based, torchvision's layer1…layer4) whose feature maps
   * are stacked on the first one's grid (PaDiM). Default `[2, 3]` (a 32×32 grid at 256 px). Other
   * encoders have one map: a pretrained model's feature map; a patch encoder's dense patch grid.
   */
  stages?: readonly number[];
  /** Side (px) or `[height, width]` images are resized to (default 256, or a pretrained model's input size). */
  imageSize?: number | readonly [number, number];
  /** Feature dimensions kept, a seeded random subset of the stacked channels (PaDiM's; default 100). */
  maxFeatures?: number;
  /** Patch encoders (`'valid'` padding) only: distance (px) between scored patches (default 8). */
  stride?: number;
  /** Gaussian σ (px at `imageSize`) spreading grid scores over pixels (default 4). */
  scoreSigma?: number;
  /** Seed of every random draw (untrained weights, kept dimensions, density subsamples; default 0). */
  seed?: number | string;
  /**
   * Turn and shift every image to its object's pose before embedding it, and bring the maps back
   * (see `CutPasteOptions.alignObjects`). Default `'auto'`: when the training images show one
   * elongated object at varying angles or positions (`POSE_RULE`).
   */
  alignObjects?: boolean | 'auto';
}

/** `FeatureDensityOptions` with every default filled in and checked. */
export type ResolvedFeatureDensityOptions = {
  readonly [K in Exclude<keyof FeatureDensityOptions, 'imageSize' | 'encoder'>]-?: Exclude<FeatureDensityOptions[K], undefined>;
} & {
  readonly imageSize: readonly [number, number];
  readonly encoder: ResNetPresetName | ResNetConfig | FeatureEncoderSpec | EncoderSource;
};

type O = ResolvedFeatureDensityOptions;

/** An encoder spec's model is the user's and a detector source is an object with behaviour: both kept by reference. */
function copyEncoder(encoder: unknown): unknown {
  if (!isPlainObject(encoder) || !('model' in encoder)) return frozenCopy(encoder);
  const { model, ...spec } = encoder;
  return Object.freeze({ ...frozenCopy(spec), model });
}

/** Whether the `encoder` option is a detector to copy the trained encoder of. */
export const isEncoderSource = (v: unknown): v is EncoderSource => typeof (v as Partial<EncoderSource> | null)?.copyEncoder === 'function';

const TABLE: { readonly [K in keyof FeatureDensityOptions]-?: OptionRow<O[K], O> } = {
  encoder: {
    group: 'model',
    help: `a ResNet preset, untrained: ${ENCODER_NAMES.join(', ')} (default resnet18-slim)`,
    default: 'resnet18-slim',
    prepare: copyEncoder,
    check: (v) => {
      if (typeof v === 'string')
        return (ENCODER_NAMES as readonly string[]).includes(v)
          ? undefined
          : `one of ${ENCODER_NAMES.map((n) => `'${n}'`).join(', ')}, a ResNetConfig, { model, ... } or a fitted CutPasteDetector`;
      return typeof v === 'object' && v !== null
        ? undefined
        : 'a ResNet preset name, a ResNetConfig, { model, ... } or a fitted CutPasteDetector';
    },
    flag: choiceFlag('encoder', 'NAME', ENCODER_NAMES),
  },
  stages: {
    group: 'model',
    help: 'ResNet stages whose maps are stacked, e.g. 2,3 (default)',
    default: [2, 3],
    check: (v) =>
      Array.isArray(v) &&
      v.length >= 1 &&
      v.length <= 4 &&
      v.every((s) => Number.isInteger(s) && s >= 1 && s <= 8) &&
      new Set(v).size === v.length
        ? undefined
        : 'a list of 1 to 4 distinct stage numbers (1-based)',
    flag: {
      name: 'stages',
      metavar: 'LIST',
      parse: (text: string) => text.split(',').map((s) => (/^\s*\d+\s*$/.test(s) ? Number(s) : NaN)),
    },
  },
  imageSize: { ...IMAGE_SIZE_ROW, help: 'size images are resized to, e.g. 256 or 192x256 (default 256)' },
  maxFeatures: {
    group: 'model',
    help: 'feature dimensions kept, a seeded random subset (default 100)',
    default: 100,
    check: integer(1, 8192),
    flag: integerFlag('max-features'),
  },
  stride: {
    ...PATCH_OPTION_ROWS.stride,
    help: 'patch encoders: distance between scored patches in px (default 8)',
    default: 8,
    check: integer(1, 4096),
  },
  scoreSigma: {
    ...PATCH_OPTION_ROWS.scoreSigma,
    help: 'Gaussian σ in px spreading grid scores over pixels (default 4)',
    default: 4,
    flag: numberFlag('score-sigma', 'PX'),
  },
  alignObjects: ALIGN_OBJECTS_ROW,
  perLocation: {
    ...DENSITY_OPTION_ROWS.perLocation,
    help: 'one density per grid location (aligned objects; default: chosen by validation)',
    flag: { on: 'per-location', off: 'no-per-location', offHelp: 'one density shared by all locations (textures)' },
  },
  l2Normalize: {
    ...DENSITY_OPTION_ROWS.l2Normalize,
    default: false,
    help: "L2-normalise features before the density (default false, PaDiM's: a feature's magnitude is evidence)",
  },
  shrinkage: DENSITY_OPTION_ROWS.shrinkage,
  densityMaxRows: DENSITY_OPTION_ROWS.densityMaxRows,
  inferenceBatchSize: RUNTIME_OPTION_ROWS.inferenceBatchSize,
  seed: { ...TRAIN_OPTION_ROWS.seed, to: {} },
};

/** `FeatureDensityDetector`'s options, one row each, in resolution order. */
export const FEATURE_DENSITY_OPTION_SCHEMA = Object.freeze(TABLE);

/**
 * Fills defaults and checks every option; the result is frozen (a pretrained model or a detector
 * source kept by reference).
 * @throws OptionError naming the option
 */
export function resolveFeatureDensityOptions(options: FeatureDensityOptions = {}): ResolvedFeatureDensityOptions {
  return resolveOptions<typeof FEATURE_DENSITY_OPTION_SCHEMA, ResolvedFeatureDensityOptions>(
    FEATURE_DENSITY_OPTION_SCHEMA,
    options,
    'FeatureDensityDetector',
  );
}
