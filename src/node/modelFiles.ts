import type * as tf from '@tensorflow/tfjs-core';
import { FormatError } from 'cutpaste';
import { readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { kindOf, NO_FOLLOW, readRegularFile } from './regularFile';

/** File names of a saved model, as tfjs-node's `file://` handler writes them. */
export const MODEL_JSON_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

/**
 * The top-level `model.json` field (ignored by tfjs) that marks a folder written by `fileSystemHandler`:
 * `"savedBy": "cutpaste"`. Only such a folder may be replaced by a later save.
 */
export const SAVED_BY_FIELD = 'savedBy';
export const SAVED_BY = 'cutpaste';

/** The largest `model.json` read: 64 MiB (a detector's is a few kB); a larger file is refused unread. */
export const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;
/** The most weight files one manifest may list (tfjs-converter's 4 MB shards: 4 GB). */
export const MAX_WEIGHT_FILES = 1024;
/** The most weight entries (tensors) one manifest may describe. */
export const MAX_WEIGHT_ENTRIES = 65_536;

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

/** {@link readRegularFile} of `size` bytes, refusals as FormatError `<what> <why>`. */
function readRegular(path: string, size: number, flags: number, what: string): Promise<Buffer> {
  return readRegularFile(path, { size, flags }, (why) => new FormatError(`${what} ${why}`));
}

/** True when `child` lies strictly below `parent` (both absolute). */
function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * Reads and parses a `model.json` that must be a regular file of at most {@link MAX_MODEL_JSON_BYTES}.
 *
 * @param noModel builds the error for a missing file (the caller's wording)
 * @throws FormatError for a pipe, device or folder, an oversized file or invalid JSON
 */
export async function readModelJson(jsonPath: string, fn: string, noModel: (error: NodeJS.ErrnoException) => Error): Promise<unknown> {
  const info = await stat(jsonPath).catch((error: NodeJS.ErrnoException) => {
    throw noModel(error);
  });
  if (!info.isFile()) throw new FormatError(`${fn}: ${jsonPath} is ${kindOf(info)}, not a model.json file`);
  if (info.size > MAX_MODEL_JSON_BYTES) {
    throw new FormatError(`${fn}: ${jsonPath} has ${info.size} bytes; a model.json may have at most ${MAX_MODEL_JSON_BYTES} (64 MiB)`);
  }
  const text = (await readRegular(jsonPath, info.size, 0, `${fn}: ${jsonPath}`)).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // V8's message may quote the start of the text ("root:x:0:0"...): say only where or how it failed.
    const message = (error as Error).message;
    const at = /at position (\d+)/.exec(message)?.[1];
    const why =
      at !== undefined ? `at character ${at}` : /end of JSON input/.test(message) ? 'it ends too early' : 'an unexpected character';
    throw new FormatError(`${fn}: ${jsonPath} is not valid JSON (${why}); the file is corrupt or truncated`);
  }
}

/** Bytes the weight specs need; FormatError for a dtype whose size is not fixed (string) or a bad shape. */
function expectedBytes(specs: tf.io.WeightsManifestEntry[], where: string): number {
  let total = 0;
  for (const spec of specs) {
    const dtype = spec.quantization?.dtype ?? spec.dtype;
    const size = DTYPE_BYTES[dtype];
    if (size === undefined) {
      throw new FormatError(
        `${where}: weight '${spec.name}' has dtype ${JSON.stringify(dtype)}; only fixed-size dtypes (${Object.keys(DTYPE_BYTES).join(', ')}) can be checked before reading`,
      );
    }
    if (!spec.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new FormatError(`${where}: weight '${spec.name}' has shape ${JSON.stringify(spec.shape)}; dimensions must be integers ≥ 0`);
    }
    total += spec.shape.reduce((a, b) => a * b, 1) * size;
  }
  if (!Number.isSafeInteger(total)) throw new FormatError(`${where}: the manifest's weights need more bytes than can be read`);
  return total;
}

/**
 * Reads the weight files a manifest lists, relative to `folder`, refusing before reading anything:
 * more than {@link MAX_WEIGHT_FILES} files or {@link MAX_WEIGHT_ENTRIES} weights; a path that leaves the
 * folder (`..`, an absolute path, a symlink pointing out: checked after `realpath`; nothing about such a
 * file is reported); a path that is not a regular file (folder, pipe, device); a file listed twice, or
 * the model.json itself (each would be read again); files whose total size differs from what the specs need.
 *
 * @returns the files' bytes, concatenated in manifest order
 * @throws FormatError naming the manifest path at fault
 */
export async function readWeightFiles(
  folder: string,
  groups: tf.io.WeightsManifestConfig,
  jsonPath: string,
  fn: string,
): Promise<{ specs: tf.io.WeightsManifestEntry[]; data: Uint8Array }> {
  const paths = groups.flatMap((g) => g.paths);
  const specs = groups.flatMap((g) => g.weights);
  if (paths.length > MAX_WEIGHT_FILES || specs.length > MAX_WEIGHT_ENTRIES) {
    throw new FormatError(
      `${fn}: ${jsonPath} lists ${paths.length} weight files and ${specs.length} weights; at most ${MAX_WEIGHT_FILES} files and ${MAX_WEIGHT_ENTRIES} weights are read`,
    );
  }
  const expected = expectedBytes(specs, `${fn}: ${jsonPath}`);
  const realFolder = await realpath(folder);
  // Each file is read once: a path listed twice (or the model.json itself) would multiply what is read.
  const realJson = await realpath(jsonPath);
  const seen = new Set([realJson]);
  const files: { path: string; size: number }[] = [];
  for (const p of paths) {
    const named = `the weights path ${JSON.stringify(p.slice(0, 200))} listed in ${jsonPath}`;
    const outside = new FormatError(`${fn}: ${named} leads outside the model folder ${folder}; weight files must lie inside it`);
    const lexical = resolve(folder, p);
    if (p.includes('\0') || !isInside(folder, lexical)) throw outside; // checked before the file system is asked
    const unreadable = (error: NodeJS.ErrnoException): never => {
      throw new FormatError(
        `${fn}: the weights file ${lexical} listed in ${jsonPath} ${error.code === 'ENOENT' ? 'does not exist' : `cannot be read (${error.code ?? error.message})`}`,
      );
    };
    const real = await realpath(lexical).catch(unreadable);
    if (!isInside(realFolder, real)) throw outside;
    if (seen.has(real)) {
      throw new FormatError(
        `${fn}: ${named} names ${real === realJson ? 'the model.json itself' : 'a file listed before it'}; each weight file may be listed once`,
      );
    }
    seen.add(real);
    const info = await stat(real).catch(unreadable);
    if (!info.isFile()) throw new FormatError(`${fn}: ${named} is ${kindOf(info)}, not a weights file: ${lexical}`);
    files.push({ path: real, size: info.size });
  }
  const total = files.reduce((sum, f) => sum + f.size, 0);
  if (total !== expected) {
    throw new FormatError(
      `${fn}: the weights of ${jsonPath} hold ${total} bytes but its manifest's ${specs.length} tensors need ${expected}; the files are truncated or belong to another model`,
    );
  }
  const data = new Uint8Array(total);
  let offset = 0;
  for (const file of files) {
    data.set(await readRegular(file.path, file.size, NO_FOLLOW, `${fn}: the weights file ${file.path}`), offset);
    offset += file.size;
  }
  return { specs, data };
}

/**
 * What a save may do with the existing folder `dir`: `'empty'` (write into it), or `'ours'` (replace it):
 * it holds a regular `model.json` carrying the `"savedBy": "cutpaste"` marker and, besides, at most a
 * regular `weights.bin`. Anything else (another file, a dotfile, a subfolder, a symlink, a `model.json`
 * without the marker, whatever its manifest lists) is refused.
 *
 * @throws Error naming the folder and what is in the way
 */
export async function replaceableFolder(dir: string, fn: string): Promise<'empty' | 'ours'> {
  const entries = await readdir(dir, { withFileTypes: true });
  if (entries.length === 0) return 'empty';
  const refuse = (why: string): Error => new Error(`${fn}: refusing to replace ${dir}: ${why}; save into an empty or new folder`);
  const foreign = entries.filter((e) => !e.isFile() || (e.name !== MODEL_JSON_FILE && e.name !== WEIGHTS_FILE)).map((e) => e.name);
  if (foreign.length > 0) {
    throw refuse(`it holds files that are not part of a saved model (${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', …' : ''})`);
  }
  const json = entries.some((e) => e.name === MODEL_JSON_FILE)
    ? await readModelJson(join(dir, MODEL_JSON_FILE), fn, (error) => error).catch(() => null)
    : null;
  if (json === null || typeof json !== 'object' || (json as Record<string, unknown>)[SAVED_BY_FIELD] !== SAVED_BY) {
    throw refuse(`it holds a model this library did not write (no readable ${MODEL_JSON_FILE} with "${SAVED_BY_FIELD}": "${SAVED_BY}")`);
  }
  return 'ours';
}
