import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { GaussianDensity } from '../density/GaussianDensity';
import { LocationDensity } from '../density/LocationDensity';
import { FormatError, StateError } from '../errors';
import { capText } from '../math/validate';
import type { GraphModelLike } from '../models/pretrainedEncoder';
import { VERSION } from '../version';
import { checkDensityFits, densityToJSON, type DetectorDensity, type DetectorDensityJSON } from './densityStage';
import { DETECTOR_FORMAT, DETECTOR_FORMAT_VERSION, readDocument, type DetectorDocument } from './detectorDocument';
import { disposeNetworks, networksConfig, rebuildNetworks, type Networks, type NetworksConfig } from './networks';
import { resolveCutPasteOptions, type CutPasteOptions, type ResolvedCutPasteOptions } from './options';
import type { Threshold } from './thresholds';
import type { FitReport } from './types';
import { httpLoadHandler, isHttpUrl } from './weightUrl';

export { DETECTOR_FORMAT, DETECTOR_FORMAT_VERSION, type DetectorDocument } from './detectorDocument';

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
  threshold: Threshold | undefined;
  report: FitReport | undefined;
}

const DENSITY_WEIGHTS = ['density/means', 'density/factors', 'density/shrinkage'] as const;

/** Writes `state` as one ModelArtifacts to `target` (see `CutPasteDetector.save`). */
export async function saveDetectorState(target: string | tf.io.IOHandler, state: DetectorState): Promise<tf.io.SaveResult> {
  const handler = saveHandlerFor(target);
  const { networks, density } = state;
  const weights: tf.NamedTensorMap = {
    ...networks.encoder.getWeights(),
    ...networks.head.getWeights(),
    ...networks.classifier.getWeights(),
  };
  if (density.kind === 'per-location') {
    const a = density.density.toArrays();
    weights['density/means'] = tf.tensor1d(a.means);
    weights['density/factors'] = tf.tensor1d(a.factors);
    weights['density/shrinkage'] = tf.tensor1d(a.shrinkage);
  }
  let encoded: { data: ArrayBuffer; specs: tf.io.WeightsManifestEntry[] };
  try {
    encoded = await tf.io.encodeWeights(weights);
  } finally {
    tf.dispose(Object.values(weights));
  }
  const { model: _model, ...encoderOptions } = state.options.encoder as { model?: unknown };
  const document: DetectorDocument = {
    format: DETECTOR_FORMAT,
    formatVersion: DETECTOR_FORMAT_VERSION,
    library: VERSION,
    options: { ...state.options, encoder: typeof state.options.encoder === 'string' ? state.options.encoder : encoderOptions },
    networks: networksConfig(networks),
    density: densityToJSON(density),
    threshold: state.threshold ?? null,
    report: state.report ?? null,
  };
  return handler.save!({
    modelTopology: { format: DETECTOR_FORMAT, formatVersion: DETECTOR_FORMAT_VERSION },
    format: 'cutpaste',
    generatedBy: `cutpaste ${VERSION}`,
    convertedBy: null,
    weightSpecs: encoded.specs,
    weightData: encoded.data,
    userDefinedMetadata: { cutpaste: document as unknown as Record<string, unknown> },
  });
}

/** Reads a detector state from `source`; throws `FormatError` (or the handler's error) before creating anything. */
export async function loadDetectorState(source: string | tf.io.IOHandler, options: LoadOptions): Promise<DetectorState> {
  const handler = loadHandlerFor(source);
  checkBackendReady();
  const artifacts = await handler.load!();
  const document = readDocument(artifacts);
  const savedEncoder = document.options.encoder as { pretrained?: boolean } | string;
  const pretrained = (document.networks.encoder as { kind?: string })?.kind === 'pretrained';
  const optionsIn = {
    ...document.options,
    encoder: pretrained ? { ...(savedEncoder as object), model: options.encoderModel } : savedEncoder,
  } as CutPasteOptions;
  let resolved: ResolvedCutPasteOptions;
  try {
    resolved = resolveCutPasteOptions(optionsIn);
  } catch (error) {
    throw new FormatError(`CutPasteDetector.load: the saved options are invalid: ${(error as Error).message}`);
  }
  if (!artifacts.weightSpecs || !artifacts.weightData) throw new FormatError('CutPasteDetector.load: the artifacts have no weights');
  checkWeightBytes(artifacts.weightData, artifacts.weightSpecs);
  let weights: tf.NamedTensorMap;
  try {
    weights = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  } catch (error) {
    throw new FormatError(`CutPasteDetector.load: the weights cannot be decoded (a truncated or foreign file?): ${(error as Error).message}`);
  }
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
    const density = await readDensity(document.density, weights);
    try {
      checkDensityFits(density, resolved, networks.encoder, document.report?.density);
    } catch (error) {
      throw new FormatError(`CutPasteDetector.load: the saved density does not fit the detector: ${(error as Error).message}`);
    }
    return {
      options: resolved,
      networks,
      density,
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

/**
 * Throws FormatError unless the weight data holds exactly the bytes the specs describe: checked before
 * decoding, because tfjs's decodeWeights leaves the tensors it already made behind when it fails midway.
 */
function checkWeightBytes(data: tf.io.WeightData, specs: tf.io.WeightsManifestEntry[]): void {
  const actual = Array.isArray(data) ? data.reduce((s, b) => s + b.byteLength, 0) : data.byteLength;
  let expected = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const q = spec.quantization?.dtype;
    const bytes = q === 'uint8' ? 1 : q === 'uint16' || q === 'float16' ? 2 : spec.dtype === 'bool' ? 1 : 4;
    if (spec.dtype === 'string' || spec.dtype === 'complex64') {
      throw new FormatError(`CutPasteDetector.load: weight '${spec.name}' has dtype ${spec.dtype}; a detector has float32 weights only`);
    }
    expected += count * bytes;
  }
  if (actual !== expected) {
    throw new FormatError(
      `CutPasteDetector.load: the weight data has ${actual} bytes but the weight specs describe ${expected} (a truncated or mismatched weights file?)`,
    );
  }
}

async function readDensity(json: DetectorDensityJSON, weights: tf.NamedTensorMap): Promise<DetectorDensity> {
  try {
    if (json.kind === 'per-location') {
      const [means, factors, shrinkage] = await Promise.all(
        DENSITY_WEIGHTS.map(async (name) => {
          const t = weights[name];
          if (!t) throw new FormatError(`the weight '${name}' is missing`);
          return (await t.data()) as Float32Array; // async: webgpu has no dependable synchronous read
        }),
      );
      const density = LocationDensity.fromArrays({
        locations: json.locations, dimension: json.dimension, l2Normalize: json.l2Normalize,
        means: means!, factors: factors!, shrinkage: shrinkage!,
      });
      return { kind: 'per-location', density };
    }
    if (json.kind !== 'image' && json.kind !== 'shared') throw new FormatError(`unknown density kind ${JSON.stringify((json as { kind: unknown }).kind)}`);
    return { kind: json.kind, gde: GaussianDensity.fromJSON(json.gde) };
  } catch (error) {
    throw new FormatError(`CutPasteDetector.load: the saved density is invalid: ${(error as Error).message}`);
  }
}

/** The saved head and classifier configs must be those the saved options build (they are rebuilt from the options). */
function checkHeads(saved: NetworksConfig, rebuilt: NetworksConfig): void {
  for (const part of ['head', 'classifier'] as const) {
    const [was, is] = [JSON.stringify(saved[part]) ?? 'nothing', JSON.stringify(rebuilt[part])];
    if (was !== is) throw new FormatError(`CutPasteDetector.load: networks.${part} is ${capText(was)} but the saved options and encoder give ${is}`);
  }
}

/**
 * Throws StateError while the tfjs backend is still initialising (or none can be): decoding the
 * weights would fail then, and the file is not at fault.
 */
function checkBackendReady(): void {
  try {
    void tf.engine().backend; // throws until `setBackend`'s or `ready`'s promise has resolved
  } catch (error) {
    throw new StateError(
      `CutPasteDetector.load: the tfjs backend is not ready (${capText((error as Error).message)}); await tf.ready() or await tf.setBackend(name) before loading`,
    );
  }
}

function saveHandlerFor(target: string | tf.io.IOHandler): tf.io.IOHandler {
  if (typeof target === 'string') {
    const handlers = tf.io.getSaveHandlers(target);
    if (handlers.length === 0) {
      throw new TypeError(
        `CutPasteDetector.save: no tfjs save handler for ${capText(JSON.stringify(target))}; use indexeddb://, localstorage://, downloads://, http(s):// (browser) or file:// (import 'cutpaste/node')`,
      );
    }
    return handlers[0]!;
  }
  if (!target || typeof target.save !== 'function') {
    throw new TypeError('CutPasteDetector.save: target must be a URL string or a tf.io.IOHandler with a save() method');
  }
  return target;
}

function loadHandlerFor(source: string | tf.io.IOHandler): tf.io.IOHandler {
  if (typeof source === 'string') {
    const handlers = tf.io.getLoadHandlers(source);
    if (handlers.length === 0) {
      throw new TypeError(
        `CutPasteDetector.load: no tfjs load handler for ${capText(JSON.stringify(source))}; use indexeddb://, localstorage://, http(s):// (browser) or file:// (import 'cutpaste/node')`,
      );
    }
    // tfjs's own http(s) handler would fetch any weight path (`../x`, another origin): ours checks each first.
    return isHttpUrl(source) ? httpLoadHandler(source) : handlers[0]!;
  }
  if (!source || typeof source.load !== 'function') {
    throw new TypeError('CutPasteDetector.load: source must be a URL string or a tf.io.IOHandler with a load() method');
  }
  return source;
}
