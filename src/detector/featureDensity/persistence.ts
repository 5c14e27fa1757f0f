import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { FormatError } from '../../errors';
import { encoderFor, type EncoderConfig } from '../../models/encoderRegistry';
import { pretrainedOptionsOf } from '../../models/pretrainedBase';
import { pretrainedEncoder, type GraphModelLike, type PretrainedEncoderConfig } from '../../models/pretrainedEncoder';
import type { Encoder } from '../../models/types';
import { capText, describeValue } from '../../math/validate';
import { VERSION } from '../../version';
import {
  decodeArtifactWeights,
  densityWeights,
  loadHandlerFor,
  readArtifacts,
  readDensity,
  saveHandlerFor,
  writeArtifacts,
} from '../artifacts';
import type { DetectorDensity } from '../densityStage';
import { DETECTOR_FORMAT, DETECTOR_FORMAT_VERSION, readDocumentOf, type DocumentSpec } from '../detectorDocument';
import { isCount } from '../reportFields';
import { readPoseFrame, type PoseStage } from '../poseStage';
import type { Threshold } from '../thresholds';
import type { FeatureDensityFitReport, FeaturePlan } from './FeatureDensityDetector';
import { isEncoderSource, resolveFeatureDensityOptions, type FeatureDensityOptions, type ResolvedFeatureDensityOptions } from './options';

/** Options of `FeatureDensityDetector.load`. */
export interface FeatureDensityLoadOptions {
  /** The pretrained model the detector was created with (its weights are not part of the save). */
  encoderModel?: tfl.LayersModel | GraphModelLike;
}

/** What a saved feature-density detector holds. */
export interface FeatureDensityState {
  options: ResolvedFeatureDensityOptions;
  encoder: Encoder;
  plan: FeaturePlan;
  density: DetectorDensity;
  /** `alignObjects` that aligned: the frame images are aligned to. */
  pose?: PoseStage;
  threshold: Threshold | undefined;
  report: FeatureDensityFitReport | undefined;
}

const WHERE = 'FeatureDensityDetector.load';

/** How the document is read: its sections and its report's own fields. */
const FEATURE_DENSITY_DOCUMENT: DocumentSpec = {
  kind: 'feature-density',
  where: WHERE,
  sections: ['options', 'encoder', 'plan', 'density'],
  reportFields: {
    encoder: [(v) => typeof v === 'string', 'a string'],
    features: [(v) => isCount(v, 1, 1 << 16), 'an integer in [1, 65536]'],
    grid: [
      (v) => Array.isArray(v) && v.length === 2 && v.every((n) => isCount(n, 1, 1 << 16)),
      '[rows, cols], integers ≥ 1',
      undefined,
      (v) => [...(v as number[])],
    ],
  },
};

/** Writes the detector as one ModelArtifacts: the document and the weights of its encoder (not a pretrained model's) and density. */
export async function saveFeatureDensityState(
  target: string | tf.io.IOHandler,
  state: Omit<FeatureDensityState, 'encoder'> & { encoder: Encoder },
): Promise<tf.io.SaveResult> {
  const handler = saveHandlerFor(target, 'FeatureDensityDetector.save');
  const config = state.encoder.toConfig() as EncoderConfig;
  const pretrained = config.kind === 'pretrained';
  const weights: tf.NamedTensorMap = { ...(pretrained ? {} : state.encoder.getWeights()), ...densityWeights(state.density) };
  const document = {
    format: DETECTOR_FORMAT,
    formatVersion: DETECTOR_FORMAT_VERSION,
    detector: 'feature-density',
    library: VERSION,
    options: { ...state.options, encoder: savedEncoderOption(state.options.encoder, config) },
    encoder: config,
    plan: { source: state.plan.source, ...(state.plan.channels ? { channels: state.plan.channels } : {}) },
    density: state.density.toJSON(),
    ...(state.pose ? { pose: { radius: state.pose.radius } } : {}),
    threshold: state.threshold ?? null,
    report: state.report ?? null,
  };
  return writeArtifacts(handler, document, weights);
}

/** The `encoder` option as data: a preset name or config as given; a pretrained spec without its model; a copied encoder as its config. */
function savedEncoderOption(option: ResolvedFeatureDensityOptions['encoder'], config: EncoderConfig): unknown {
  if (typeof option === 'string') return option;
  if (isEncoderSource(option)) return config;
  const { model: _model, ...spec } = option as { model?: unknown };
  return spec;
}

/** Reads a feature-density detector from `source`; throws `FormatError` (or the handler's error) before creating anything. */
export async function loadFeatureDensityState(
  source: string | tf.io.IOHandler,
  options: FeatureDensityLoadOptions,
): Promise<FeatureDensityState> {
  const artifacts = await readArtifacts(loadHandlerFor(source, WHERE), WHERE);
  const doc = readDocumentOf(artifacts, FEATURE_DENSITY_DOCUMENT);
  const config = doc.encoder as EncoderConfig;
  const pretrained = config.kind === 'pretrained';
  if (pretrained && !options.encoderModel) {
    throw new TypeError(
      `${WHERE}: this detector was made with a pretrained model, which is not part of the save; pass it again as load(source, { encoderModel })`,
    );
  }
  const savedOption = (doc.options as { encoder?: unknown }).encoder;
  let resolved: ResolvedFeatureDensityOptions;
  try {
    resolved = resolveFeatureDensityOptions({
      // Saves made before alignment existed never aligned.
      alignObjects: false,
      ...(doc.options as FeatureDensityOptions),
      encoder: (pretrained ? { ...(savedOption as object), model: options.encoderModel } : savedOption) as FeatureDensityOptions['encoder'],
    });
  } catch (error) {
    throw new FormatError(`${WHERE}: the saved options are invalid: ${(error as Error).message}`);
  }
  const plan = readPlan(doc.plan);
  const weights = decodeArtifactWeights(artifacts, WHERE);
  let encoder: Encoder | undefined;
  try {
    encoder = pretrained
      ? pretrainedEncoder(options.encoderModel!, pretrainedOptionsOf(config as unknown as PretrainedEncoderConfig))
      : rebuildEncoder(config);
    if (!pretrained) {
      try {
        encoder.setWeights(weights);
      } catch (error) {
        throw new FormatError(`${WHERE}: the weights do not fit the saved encoder: ${(error as Error).message}`);
      }
    }
    const density = await readDensity(doc.density as never, weights, WHERE);
    const pose = readPoseFrame(doc.pose, resolved.alignObjects, resolved.imageSize, WHERE);
    return {
      options: resolved,
      encoder,
      plan,
      density,
      ...(pose ? { pose } : {}),
      threshold: doc.threshold ?? undefined,
      report: (doc.report as unknown as FeatureDensityFitReport | null) ?? undefined,
    };
  } catch (error) {
    encoder?.dispose();
    throw error;
  } finally {
    tf.dispose(Object.values(weights));
  }
}

function rebuildEncoder(config: EncoderConfig): Encoder {
  const entry = typeof config.kind === 'string' ? encoderFor(config.kind) : undefined;
  if (!entry) throw new FormatError(`${WHERE}: encoder.kind ${describeValue(config.kind)} is not a registered encoder kind`);
  try {
    return entry.build(config);
  } catch (error) {
    throw new FormatError(`${WHERE}: the saved encoder is invalid: ${capText((error as Error).message)}`);
  }
}

function readPlan(plan: unknown): FeaturePlan {
  const { source, channels } = plan as { source?: unknown; channels?: unknown };
  const stages = Array.isArray(source) && source.length >= 1 && source.length <= 4 && source.every((s) => isCount(s, 1, 8));
  if (!(stages || source === 'map' || source === 'patches'))
    throw new FormatError(`${WHERE}: plan.source must be a list of stages, 'map' or 'patches', got ${describeValue(source)}`);
  if (
    channels !== undefined &&
    !(
      Array.isArray(channels) &&
      channels.length >= 1 &&
      channels.every((c, i) => isCount(c, 0, 1 << 16) && (i === 0 || c > channels[i - 1]))
    )
  ) {
    throw new FormatError(`${WHERE}: plan.channels must be ascending channel indices, got ${describeValue(channels)}`);
  }
  return { source: stages ? [...source] : source, ...(channels ? { channels: [...(channels as number[])] } : {}) };
}
