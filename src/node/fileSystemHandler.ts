import * as tf from '@tensorflow/tfjs-core';
import { FormatError } from 'cutpaste';
import { mkdir, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** File names of a saved model, as tfjs-node's `file://` handler writes them. */
export const MODEL_JSON_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

let saveCounter = 0;

/** What {@link fileSystemHandler} returns: a tfjs `IOHandler` with both `save` and `load`. */
export interface FileSystemIOHandler extends tf.io.IOHandler {
  save: tf.io.SaveHandler;
  load: tf.io.LoadHandler;
}

/**
 * A tfjs `IOHandler` that saves a model to a folder and loads it back, without `@tensorflow/tfjs-node`.
 * The folder is interchangeable with tfjs-node's `file://` folders: `model.json` (`modelTopology`,
 * `weightsManifest: [{ paths: ['weights.bin'], weights }]`, `format`, `generatedBy`, `convertedBy`,
 * `userDefinedMetadata`, …) and `weights.bin`.
 *
 * Saving is atomic: both files are written (and flushed) into a temporary sibling folder, which then
 * replaces `path`, so an interrupted or failed save leaves the previous model (or no model), never a
 * half-written one. Saving into a folder that holds other files than a model's is refused, since the
 * folder is replaced as a whole. Loading accepts the folder or its `model.json`, reads every weight
 * file of the manifest (tfjs-converter shards too) and checks their total size against the manifest.
 *
 * @param path the model folder (created on save, with its parents)
 * @throws on save: Error when `path` is a file or holds unrelated files; on load: Error when no model
 *   is there, `FormatError` for a malformed `model.json`, a missing weight file or weights of the wrong size
 * @example
 * await detector.save(fileSystemHandler('models/bottle'));
 * const again = await CutPasteDetector.load(fileSystemHandler('models/bottle'));
 * // or, with the file:// router this module registers: detector.save('file://models/bottle')
 */
export function fileSystemHandler(path: string): FileSystemIOHandler {
  if (typeof path !== 'string' || path.length === 0) {
    throw new TypeError(`fileSystemHandler: path must be a non-empty string, got ${String(path)}`);
  }
  const target = resolve(path);
  return {
    save: (artifacts: tf.io.ModelArtifacts) => saveModel(target, artifacts),
    load: () => loadModel(target),
  };
}

async function saveModel(dir: string, artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
  const fn = 'fileSystemHandler.save';
  if (artifacts.modelTopology instanceof ArrayBuffer) {
    throw new TypeError(`${fn}: binary model topologies (GraphDef) cannot be saved to ${dir}; only JSON topologies`);
  }
  const existing = await stat(dir).catch(() => null);
  if (existing && !existing.isDirectory()) throw new Error(`${fn}: ${dir} exists and is a file; the path must be a folder or not exist`);
  if (existing) await checkReplaceable(dir, fn);

  const buffers = artifacts.weightData === undefined ? [] : Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData];
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology as {}, // undefined (weights only) is left out, as tfjs-node does
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
  };
  if (artifacts.trainingConfig != null) modelJson.trainingConfig = artifacts.trainingConfig;
  if (artifacts.signature != null) modelJson.signature = artifacts.signature;
  if (artifacts.userDefinedMetadata != null) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
  if (artifacts.modelInitializer != null) modelJson.modelInitializer = artifacts.modelInitializer;
  if (artifacts.initializerSignature != null) modelJson.initializerSignature = artifacts.initializerSignature;

  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  const stamp = `${process.pid}-${Date.now().toString(36)}-${saveCounter++}`;
  const temp = join(parent, `.${basename(dir)}.saving-${stamp}`);
  const old = join(parent, `.${basename(dir)}.replaced-${stamp}`);
  let moved = false;
  try {
    await mkdir(temp);
    await writeDurably(join(temp, WEIGHTS_FILE), buffers.map((b) => new Uint8Array(b)));
    await writeDurably(join(temp, MODEL_JSON_FILE), [Buffer.from(JSON.stringify(modelJson), 'utf8')]);
    if (existing) {
      await rename(dir, old);
      moved = true;
    }
    await rename(temp, dir);
  } catch (error) {
    if (moved) await rename(old, dir).catch(() => undefined); // put the previous model back
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
  if (moved) await rm(old, { recursive: true, force: true });
  return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
}

/** Writes chunks to a new file and flushes it to disk before closing. */
async function writeDurably(path: string, chunks: Uint8Array[]): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    for (const chunk of chunks) {
      let offset = 0;
      while (offset < chunk.length) offset += (await handle.write(chunk, offset, chunk.length - offset)).bytesWritten;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Refuses to replace a folder holding anything but a saved model (model.json and its weight files). */
async function checkReplaceable(dir: string, fn: string): Promise<void> {
  const entries = await readdir(dir);
  const allowed = new Set([MODEL_JSON_FILE, WEIGHTS_FILE]);
  if (entries.includes(MODEL_JSON_FILE)) {
    try {
      const json = JSON.parse(await readFile(join(dir, MODEL_JSON_FILE), 'utf8')) as { weightsManifest?: { paths?: unknown }[] };
      for (const group of json.weightsManifest ?? []) {
        if (Array.isArray(group.paths)) for (const p of group.paths) if (typeof p === 'string') allowed.add(p);
      }
    } catch {
      // a broken model.json: only the standard names count as model files
    }
  }
  const foreign = entries.filter((e) => !allowed.has(e));
  if (foreign.length > 0) {
    throw new Error(
      `${fn}: refusing to replace ${dir}: it holds files that are not part of a saved model (${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', …' : ''}); save into an empty or new folder`,
    );
  }
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

/** Bytes the manifest's weights need, or null when it cannot be known (string tensors). */
function expectedBytes(specs: tf.io.WeightsManifestEntry[]): number | null {
  let total = 0;
  for (const spec of specs) {
    const dtype = spec.quantization?.dtype ?? spec.dtype;
    const size = DTYPE_BYTES[dtype];
    if (size === undefined) return null;
    total += spec.shape.reduce((a, b) => a * b, 1) * size;
  }
  return total;
}

async function loadModel(path: string): Promise<tf.io.ModelArtifacts> {
  const fn = 'fileSystemHandler.load';
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`${fn}: no model at ${path}: ${error.code === 'ENOENT' ? 'the path does not exist' : error.message}`, { cause: error });
  });
  const jsonPath = info.isDirectory() ? join(path, MODEL_JSON_FILE) : path;
  const text = await readFile(jsonPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(`${fn}: no model at ${path}: ${error.code === 'ENOENT' ? `${jsonPath} does not exist` : error.message}`, { cause: error });
  });
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(text) as tf.io.ModelJSON;
  } catch (error) {
    throw new FormatError(`${fn}: ${jsonPath} is not valid JSON (${(error as Error).message}); the file is corrupt or truncated`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json) || (json.modelTopology == null && json.weightsManifest == null)) {
    throw new FormatError(`${fn}: ${jsonPath} is not a tfjs model.json: it needs modelTopology and/or weightsManifest`);
  }
  const manifest = json.weightsManifest ?? [];
  const valid = Array.isArray(manifest) && manifest.every((g) =>
    g !== null && typeof g === 'object' && Array.isArray(g.paths) && g.paths.every((p) => typeof p === 'string') &&
    Array.isArray(g.weights) && g.weights.every((w) => w !== null && typeof w === 'object' && typeof w.name === 'string' && Array.isArray(w.shape) && typeof w.dtype === 'string'));
  if (!valid) {
    throw new FormatError(`${fn}: ${jsonPath} has a malformed weightsManifest: expected [{ paths: string[], weights: [{ name, shape, dtype }] }]`);
  }
  return tf.io.getModelArtifactsForJSON(json, async (groups) => {
    const specs = groups.flatMap((g) => g.weights);
    const files: Uint8Array[] = [];
    for (const file of groups.flatMap((g) => g.paths)) {
      const filePath = join(dirname(jsonPath), file);
      files.push(await readFile(filePath).catch((error: NodeJS.ErrnoException) => {
        throw new FormatError(`${fn}: the weights file ${filePath} listed in ${jsonPath} ${error.code === 'ENOENT' ? 'does not exist' : `cannot be read (${error.message})`}`);
      }));
    }
    const total = files.reduce((sum, f) => sum + f.length, 0);
    const expected = expectedBytes(specs);
    if (expected !== null && expected !== total) {
      throw new FormatError(
        `${fn}: the weights of ${jsonPath} hold ${total} bytes but its manifest's ${specs.length} tensors need ${expected}; the files are truncated or belong to another model`,
      );
    }
    const data = new Uint8Array(total);
    let offset = 0;
    for (const f of files) {
      data.set(f, offset);
      offset += f.length;
    }
    return [specs, data.buffer];
  });
}
