import * as tf from '@tensorflow/tfjs-core';
import { densityFor, densityKinds } from '../density/densityRegistry';
import { FormatError, StateError } from '../errors';
import { capText } from '../math/validate';
import { VERSION } from '../version';
import type { DetectorDensity, DetectorDensityJSON } from './densityStage';
import { DETECTOR_FORMAT, DETECTOR_FORMAT_VERSION } from './detectorDocument';
import { httpLoadHandler, isHttpUrl } from './weightUrl';

/**
 * The IO every detector's save and load share: handlers for URLs (`http(s)://` loads check every
 * weight path first), the backend check, writing one `ModelArtifacts` (weights and the JSON document
 * in `userDefinedMetadata.cutpaste`), and checked weight decoding. `where` starts every message
 * (`CutPasteDetector.load`).
 */

/** The save handler of `target`: a tfjs IO handler, or the one tfjs has registered for a URL string. */
export function saveHandlerFor(target: string | tf.io.IOHandler, where: string): tf.io.IOHandler {
  if (typeof target === 'string') {
    const handlers = tf.io.getSaveHandlers(target);
    if (handlers.length === 0) {
      throw new TypeError(
        `${where}: no tfjs save handler for ${capText(JSON.stringify(target))}; use indexeddb://, localstorage://, downloads://, http(s):// (browser) or file:// (import 'cutpaste/node')`,
      );
    }
    return handlers[0]!;
  }
  if (!target || typeof target.save !== 'function') {
    throw new TypeError(`${where}: target must be a URL string or a tf.io.IOHandler with a save() method`);
  }
  return target;
}

/** The load handler of `source`; tfjs's own http(s) handler would fetch any weight path (`../x`, another origin): ours checks each first. */
export function loadHandlerFor(source: string | tf.io.IOHandler, where: string): tf.io.IOHandler {
  if (typeof source === 'string') {
    const handlers = tf.io.getLoadHandlers(source);
    if (handlers.length === 0) {
      throw new TypeError(
        `${where}: no tfjs load handler for ${capText(JSON.stringify(source))}; use indexeddb://, localstorage://, http(s):// (browser) or file:// (import 'cutpaste/node')`,
      );
    }
    return isHttpUrl(source) ? httpLoadHandler(source) : handlers[0]!;
  }
  if (!source || typeof source.load !== 'function') {
    throw new TypeError(`${where}: source must be a URL string or a tf.io.IOHandler with a load() method`);
  }
  return source;
}

/** Loads the artifacts once the backend is ready (decoding weights needs it; the file is not at fault then). */
export async function readArtifacts(handler: tf.io.IOHandler, where: string): Promise<tf.io.ModelArtifacts> {
  try {
    void tf.engine().backend; // throws until `setBackend`'s or `ready`'s promise has resolved
  } catch (error) {
    throw new StateError(
      `${where}: the tfjs backend is not ready (${capText((error as Error).message)}); await tf.ready() or await tf.setBackend(name) before loading`,
    );
  }
  return handler.load!();
}

/** Encodes `weights` (and disposes them) and writes them with `document` as one `ModelArtifacts`. */
export async function writeArtifacts(handler: tf.io.IOHandler, document: object, weights: tf.NamedTensorMap): Promise<tf.io.SaveResult> {
  let encoded: { data: ArrayBuffer; specs: tf.io.WeightsManifestEntry[] };
  try {
    encoded = await tf.io.encodeWeights(weights);
  } finally {
    tf.dispose(Object.values(weights));
  }
  return handler.save!({
    modelTopology: { format: DETECTOR_FORMAT, formatVersion: DETECTOR_FORMAT_VERSION },
    format: 'cutpaste',
    generatedBy: `cutpaste ${VERSION}`,
    convertedBy: null,
    weightSpecs: encoded.specs,
    weightData: encoded.data,
    userDefinedMetadata: { cutpaste: document },
  });
}

/** The decoded weights of `artifacts` (the caller disposes them), after checking their byte count. */
export function decodeArtifactWeights(artifacts: tf.io.ModelArtifacts, where: string): tf.NamedTensorMap {
  if (!artifacts.weightSpecs || !artifacts.weightData) throw new FormatError(`${where}: the artifacts have no weights`);
  checkWeightBytes(artifacts.weightData, artifacts.weightSpecs, where);
  try {
    return tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  } catch (error) {
    throw new FormatError(`${where}: the weights cannot be decoded (a truncated or foreign file?): ${(error as Error).message}`);
  }
}

/**
 * Throws FormatError unless the weight data holds exactly the bytes the specs describe: checked before
 * decoding, because tfjs's decodeWeights leaves the tensors it already made behind when it fails midway.
 */
function checkWeightBytes(data: tf.io.WeightData, specs: tf.io.WeightsManifestEntry[], where: string): void {
  const actual = Array.isArray(data) ? data.reduce((s, b) => s + b.byteLength, 0) : data.byteLength;
  let expected = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const q = spec.quantization?.dtype;
    const bytes = q === 'uint8' ? 1 : q === 'uint16' || q === 'float16' ? 2 : spec.dtype === 'bool' ? 1 : 4;
    if (spec.dtype === 'string' || spec.dtype === 'complex64') {
      throw new FormatError(`${where}: weight '${spec.name}' has dtype ${spec.dtype}; a detector has float32 weights only`);
    }
    expected += count * bytes;
  }
  if (actual !== expected) {
    throw new FormatError(
      `${where}: the weight data has ${actual} bytes but the weight specs describe ${expected} (a truncated or mismatched weights file?)`,
    );
  }
}

/** Weights named so belong to the density (`FeatureDensity.toWeights`). */
const DENSITY_WEIGHT_PREFIX = 'density/';

/** The density's arrays saved as weights (`FeatureDensity.toWeights`), as tensors the caller disposes (`writeArtifacts` does). */
export function densityWeights(density: DetectorDensity): tf.NamedTensorMap {
  return Object.fromEntries(Object.entries(density.toWeights?.() ?? {}).map(([name, data]) => [name, tf.tensor1d(data)]));
}

/** The density of `json`'s kind, read by the entry registered under it (`registerDensity`) with its `density/…` weights. */
export async function readDensity(json: DetectorDensityJSON, weights: tf.NamedTensorMap, where: string): Promise<DetectorDensity> {
  try {
    const entry = densityFor(json.kind);
    if (!entry)
      throw new Error(
        `unknown density kind ${capText(JSON.stringify(json.kind) ?? String(json.kind))} (registered: ${densityKinds().join(', ')})`,
      );
    const names = Object.keys(weights).filter((name) => name.startsWith(DENSITY_WEIGHT_PREFIX));
    // async: webgpu has no dependable synchronous read
    const arrays = await Promise.all(names.map(async (name) => (await weights[name]!.data()) as Float32Array));
    return entry.fromJSON(json, Object.fromEntries(names.map((name, i) => [name, arrays[i]!])));
  } catch (error) {
    throw new FormatError(`${where}: the saved density is invalid: ${(error as Error).message}`);
  }
}
