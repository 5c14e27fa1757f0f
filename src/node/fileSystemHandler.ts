import * as tf from '@tensorflow/tfjs-core';
import { FormatError } from 'cutpaste';
import { lstat, mkdir, open, rename, rmdir, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { MODEL_JSON_FILE, SAVED_BY, SAVED_BY_FIELD, WEIGHTS_FILE, readModelJson, readWeightFiles, replaceableFolder } from './modelFiles';

export { MODEL_JSON_FILE, WEIGHTS_FILE } from './modelFiles';

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
 * `userDefinedMetadata`, …) and `weights.bin`; `model.json` also carries `"savedBy": "cutpaste"`, a field
 * tfjs ignores.
 *
 * Saving is atomic: both files are written (and flushed) into a temporary sibling folder, which then
 * becomes `path`, so an interrupted or failed save leaves the previous model (or no model), never a
 * half-written one. Saving deletes nothing it cannot prove it wrote: `path` may not exist, be an empty
 * folder (the files are moved into it) or be a folder this handler saved before (its `model.json` has the
 * `savedBy` marker and nothing else is there but `weights.bin`): that folder is swapped for the new one,
 * and then only its `model.json` and `weights.bin` are deleted. Any other folder (a foreign file, a dotfile,
 * a subfolder, a `model.json` without the marker) is refused untouched.
 *
 * Loading accepts the folder or its `model.json` and reads only what the model may name: `model.json` must
 * be a regular file of at most 64 MiB; the manifest may list at most 1024 weight files and 65,536 weights;
 * every weight path must resolve (symlinks followed) to a regular file inside the folder, and the files'
 * total size must match the manifest before any of them is read. Pipes, devices and folders are refused
 * without being opened for a blocking read.
 *
 * @param path the model folder (created on save, with its parents)
 * @throws on save: Error when `path` is a file or a folder this handler cannot prove it wrote; on load:
 *   Error when no model is there, `FormatError` for a malformed or oversized `model.json`, a weight path
 *   outside the folder, a weight file that is missing or not a regular file, or weights of the wrong size
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
  const existing = await lstat(dir).catch(() => null);
  if (existing && !existing.isDirectory()) {
    throw new Error(
      `${fn}: ${dir} exists and is ${existing.isSymbolicLink() ? 'a symbolic link' : 'a file'}; the path must be a folder or not exist`,
    );
  }
  const state = existing ? await replaceableFolder(dir, fn) : 'absent';

  const buffers =
    artifacts.weightData === undefined ? [] : Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData];
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology as tf.io.ModelJSON['modelTopology'], // undefined (weights only) is left out, as tfjs-node does
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
    await writeDurably(
      join(temp, WEIGHTS_FILE),
      buffers.map((b) => new Uint8Array(b)),
    );
    await writeDurably(join(temp, MODEL_JSON_FILE), [Buffer.from(JSON.stringify({ ...modelJson, [SAVED_BY_FIELD]: SAVED_BY }), 'utf8')]);
    if (state === 'empty') {
      await moveInto(temp, dir);
    } else {
      if (state === 'ours') {
        await rename(dir, old);
        moved = true;
      }
      await rename(temp, dir);
    }
  } catch (error) {
    if (moved) await rename(old, dir).catch(() => undefined); // put the previous model back
    await removeSavedFolder(temp);
    throw error;
  }
  if (moved) await removeSavedFolder(old);
  return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
}

/** Moves the saved files of `temp` into the empty folder `dir`, `model.json` last (no model until then). */
async function moveInto(temp: string, dir: string): Promise<void> {
  await rename(join(temp, WEIGHTS_FILE), join(dir, WEIGHTS_FILE));
  try {
    await rename(join(temp, MODEL_JSON_FILE), join(dir, MODEL_JSON_FILE));
  } catch (error) {
    await unlink(join(dir, WEIGHTS_FILE)).catch(() => undefined); // the folder was empty: this one is ours
    throw error;
  }
  await rmdir(temp);
}

/**
 * Deletes a folder this handler wrote: its `model.json` and `weights.bin`, then the folder if it is empty.
 * Never recursive: anything else found there is left where it is.
 */
async function removeSavedFolder(dir: string): Promise<void> {
  for (const name of [WEIGHTS_FILE, MODEL_JSON_FILE]) await unlink(join(dir, name)).catch(() => undefined);
  await rmdir(dir).catch(() => undefined);
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

async function loadModel(path: string): Promise<tf.io.ModelArtifacts> {
  const fn = 'fileSystemHandler.load';
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`${fn}: no model at ${path}: ${error.code === 'ENOENT' ? 'the path does not exist' : error.message}`, { cause: error });
  });
  const jsonPath = info.isDirectory() ? join(path, MODEL_JSON_FILE) : path;
  const json = (await readModelJson(
    jsonPath,
    fn,
    (error) =>
      new Error(`${fn}: no model at ${path}: ${error.code === 'ENOENT' ? `${jsonPath} does not exist` : error.message}`, { cause: error }),
  )) as tf.io.ModelJSON;
  if (json === null || typeof json !== 'object' || Array.isArray(json) || (json.modelTopology == null && json.weightsManifest == null)) {
    throw new FormatError(`${fn}: ${jsonPath} is not a tfjs model.json: it needs modelTopology and/or weightsManifest`);
  }
  const manifest = json.weightsManifest ?? [];
  const valid =
    Array.isArray(manifest) &&
    manifest.every(
      (g) =>
        g !== null &&
        typeof g === 'object' &&
        Array.isArray(g.paths) &&
        g.paths.every((p) => typeof p === 'string') &&
        Array.isArray(g.weights) &&
        g.weights.every(
          (w) => w !== null && typeof w === 'object' && typeof w.name === 'string' && Array.isArray(w.shape) && typeof w.dtype === 'string',
        ),
    );
  if (!valid) {
    throw new FormatError(
      `${fn}: ${jsonPath} has a malformed weightsManifest: expected [{ paths: string[], weights: [{ name, shape, dtype }] }]`,
    );
  }
  return tf.io.getModelArtifactsForJSON(json, async (groups) => {
    const { specs, data } = await readWeightFiles(dirname(jsonPath), groups, jsonPath, fn);
    return [specs, data.buffer as ArrayBuffer];
  });
}
