import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Library } from './library';
import { UsageError } from './UsageError';

/**
 * Reads the network of `--encoder-model DIR|URL` with tfjs-layers' `loadLayersModel`: a folder (or
 * its model.json, or a `file://` URL) through the library's `fileSystemHandler` (which reads only
 * weight files inside the folder), an `http(s)://` URL through tfjs's own loader. A path that does
 * not exist is a usage error, before anything is read.
 *
 * @throws UsageError for a missing path or an unsupported URL scheme; tfjs-layers' errors for a file that is not a LayersModel
 * @example
 * const model = await loadEncoderModel(lib, 'models/mobilenet', 'fit'); // then encoder: { model }
 */
export async function loadEncoderModel(lib: Library, source: string, command: string): Promise<tfl.LayersModel> {
  const { loadLayersModel } = await import('@tensorflow/tfjs-layers');
  if (/^https?:\/\//i.test(source)) return loadLayersModel(source);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(source)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'file') {
    throw new UsageError(
      `--encoder-model ${source}: ${scheme}:// is not read here; give a folder, a file:// URL or an http(s):// URL`,
      command,
    );
  }
  const path = resolve(scheme === 'file' ? decodeURIComponent(source.slice('file://'.length)) : source); // file:///abs or file://./relative, as tfjs-node reads them
  if ((await stat(path).catch(() => null)) === null) {
    throw new UsageError(
      `--encoder-model ${source}: ${path} does not exist; expected a tfjs LayersModel folder (model.json and weights) or its URL`,
      command,
    );
  }
  return loadLayersModel(lib.fileSystemHandler(path));
}
