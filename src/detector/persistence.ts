import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { FormatError } from '../errors';
import { capText } from '../math/validate';
import type { GraphModelLike } from '../models/pretrainedEncoder';
import { VERSION } from '../version';
import { companionToJSON, fusedScorers, readCompanion, type Companion } from './companion';
import { checkDensityFits, densityToJSON, type DetectorDensity } from './densityStage';
import { patchLayout } from './embedding';
import { DETECTOR_FORMAT, DETECTOR_FORMAT_VERSION, readDocument, type DetectorDocument } from './detectorDocument';
import { disposeNetworks, networksConfig, rebuildNetworks, type Networks, type NetworksConfig } from './networks';
import { readPoseFrame, type PoseStage } from './poseStage';
import { resolveCutPasteOptions, type CutPasteOptions, type ResolvedCutPasteOptions } from './options';
import type { Threshold } from './thresholds';
import type { FitReport } from './types';
import {
  decodeArtifactWeights,
  densityWeights,
  loadHandlerFor,
  readArtifacts,
  readDensity,
  saveHandlerFor,
  writeArtifacts,
} from './artifacts';

export { DETECTOR_FORMAT, DETECTOR_FORMAT_VERSION, type DetectorDocument } from './detectorDocument';

const WHERE = 'CutPasteDetector.load';

/** Options of `CutPasteDetector.load`. */
export interface LoadOptions {
  /** The pretrained model a detector was created with (its weights are not part of the save). */
  encoderModel?: tfl.LayersModel | GraphModelLike;
}

/** What a saved detector holds. */
export interface DetectorState {
  options: ResolvedCutPasteOptions;
  networks: Networks;
  density: DetectorDensity;
  /** `fusion` other than `'none'`: the fused scorers. */
  companion?: Companion;
  /** `alignObjects` true or `'auto'` that aligned: the frame images are aligned to. */
  pose?: PoseStage;
  threshold: Threshold | undefined;
  report: FitReport | undefined;
}

/** Writes `state` as one ModelArtifacts to `target` (see `CutPasteDetector.save`). */
export async function saveDetectorState(target: string | tf.io.IOHandler, state: DetectorState): Promise<tf.io.SaveResult> {
  const handler = saveHandlerFor(target, 'CutPasteDetector.save');
  const { networks, density } = state;
  const weights: tf.NamedTensorMap = {
    ...networks.encoder.getWeights(),
    ...networks.head.getWeights(),
    ...networks.classifier.getWeights(),
    ...densityWeights(density),
  };
  const companion = state.companion && companionToJSON(state.companion, String(state.options.seed));
  if (companion) Object.assign(weights, companion.weights);
  const { model: _model, ...encoderOptions } = state.options.encoder as { model?: unknown };
  const document: DetectorDocument = {
    format: DETECTOR_FORMAT,
    formatVersion: DETECTOR_FORMAT_VERSION,
    detector: 'cutpaste',
    library: VERSION,
    options: { ...state.options, encoder: typeof state.options.encoder === 'string' ? state.options.encoder : encoderOptions },
    networks: networksConfig(networks),
    density: densityToJSON(density),
    ...(companion ? { companion: companion.json } : {}),
    ...(state.pose ? { pose: { radius: state.pose.radius } } : {}),
    threshold: state.threshold ?? null,
    report: state.report ?? null,
  };
  return writeArtifacts(handler, document, weights);
}

/** Reads a detector state from `source`; throws `FormatError` (or the handler's error) before creating anything. */
export async function loadDetectorState(source: string | tf.io.IOHandler, options: LoadOptions): Promise<DetectorState> {
  const artifacts = await readArtifacts(loadHandlerFor(source, WHERE), WHERE);
  const document = readDocument(artifacts);
  const savedEncoder = document.options.encoder as { pretrained?: boolean } | string;
  const pretrained = (document.networks.encoder as { kind?: string })?.kind === 'pretrained';
  const optionsIn = {
    ...document.options,
    // Saves made before fusion or alignment existed have neither; those made before `pasteCentre`
    // (or `redrawInvisible`) were trained pasting anywhere (and without redraws).
    fusion: document.options.fusion ?? 'none',
    alignObjects: document.options.alignObjects ?? false,
    pasteCentre: document.options.pasteCentre ?? 1,
    redrawInvisible: document.options.redrawInvisible ?? false,
    // Saves made before `featureStages` scored the encoder's own (last-stage) features.
    featureStages: document.options.featureStages ?? 'last',
    encoder: pretrained ? { ...(savedEncoder as object), model: options.encoderModel } : savedEncoder,
  } as CutPasteOptions;
  let resolved: ResolvedCutPasteOptions;
  try {
    resolved = resolveCutPasteOptions(optionsIn);
  } catch (error) {
    throw new FormatError(`CutPasteDetector.load: the saved options are invalid: ${(error as Error).message}`);
  }
  const weights = decodeArtifactWeights(artifacts, WHERE);
  let networks: Networks | undefined;
  try {
    networks = rebuildNetworks(document.networks, resolved, options.encoderModel);
    for (const part of [networks.encoder, networks.head, networks.classifier]) {
      try {
        part.setWeights(weights);
      } catch (error) {
        throw new FormatError(`CutPasteDetector.load: the weights do not fit the saved architecture: ${(error as Error).message}`);
      }
    }
    checkHeads(document.networks, networksConfig(networks));
    const density = await readDensity(document.density, weights, WHERE);
    try {
      checkDensityFits(density, resolved, networks.encoder, document.report?.density);
    } catch (error) {
      throw new FormatError(`CutPasteDetector.load: the saved density does not fit the detector: ${(error as Error).message}`);
    }
    const pose = readPoseFrame(document.pose, resolved.alignObjects, resolved.imageSize, WHERE);
    // Last: nothing after it throws, so its encoder is never left behind.
    const companion = await readSavedCompanion(document, resolved, networks, weights, pose !== undefined);
    return {
      options: resolved,
      networks,
      density,
      ...(companion ? { companion } : {}),
      ...(pose ? { pose } : {}),
      threshold: document.threshold ?? undefined,
      report: document.report ?? undefined,
    };
  } catch (error) {
    if (networks) disposeNetworks(networks);
    throw error;
  } finally {
    tf.dispose(Object.values(weights));
  }
}

/** The saved companion when the options fuse one (and none otherwise); `aligned`: the save holds a pose frame. */
async function readSavedCompanion(
  document: DetectorDocument,
  o: ResolvedCutPasteOptions,
  networks: Networks,
  weights: tf.NamedTensorMap,
  aligned: boolean,
): Promise<Companion | undefined> {
  const fusion = fusedScorers(o.fusion, aligned);
  if (fusion === undefined) {
    if (document.companion !== undefined) throw new FormatError(`${WHERE}: the document holds a companion but options.fusion is 'none'`);
    return undefined;
  }
  if (document.companion === undefined)
    throw new FormatError(`${WHERE}: options.fusion is '${o.fusion}' but the document holds no companion`);
  const grid = patchLayout(networks.encoder, o.imageSize[0], o.imageSize[1], o.patchSize, o.stride);
  const host = {
    imageSize: o.imageSize,
    channels: networks.encoder.inputChannels as 1 | 3,
    batch: o.inferenceBatchSize,
    grid,
    settings: o,
    fusion,
    setting: o.fusion,
  };
  const companion = await readCompanion(document.companion, weights, host, WHERE);
  // The saved report must describe the scorers the companion has (a summary of absent scorers would mislead).
  const saved = document.report?.companion;
  if (saved && ((saved.other !== undefined) !== !!companion.featureDensity || (saved.colour !== undefined) !== !!companion.colour)) {
    companion.dispose();
    throw new FormatError(`${WHERE}: report.companion does not describe the scorers of options.fusion '${o.fusion}'`);
  }
  return companion;
}

/** The saved head and classifier configs must be those the saved options build (they are rebuilt from the options). */
function checkHeads(saved: NetworksConfig, rebuilt: NetworksConfig): void {
  for (const part of ['head', 'classifier'] as const) {
    const [was, is] = [JSON.stringify(saved[part]) ?? 'nothing', JSON.stringify(rebuilt[part])];
    if (was !== is)
      throw new FormatError(`CutPasteDetector.load: networks.${part} is ${capText(was)} but the saved options and encoder give ${is}`);
  }
}
