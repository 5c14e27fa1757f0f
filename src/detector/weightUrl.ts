import * as tf from '@tensorflow/tfjs-core';
import { FormatError } from '../errors';
import { boundedFetch } from './boundedFetch';

/** An `http://` or `https://` URL (what tfjs's HTTP handler loads). */
const HTTP_URL = /^https?:\/\//i;
/** Characters a weight path may not hold, raw or percent-decoded: a query, a fragment, a backslash, NUL. */
const FORBIDDEN = /[?#\\\0]/;

/** True when `text` has a scheme, a leading `/`, a forbidden character, or an empty, `.` or `..` segment. */
function mayLeave(text: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:/i.test(text) ||
    text.startsWith('/') ||
    FORBIDDEN.test(text) ||
    text.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')
  );
}

/** True for an `http(s)://` URL string. */
export function isHttpUrl(source: string): boolean {
  return HTTP_URL.test(source);
}

/**
 * Resolves a weight path of a model's manifest against the model's URL, as tfjs does (the folder of
 * `modelUrl`, then the path, then `modelUrl`'s query), refusing any path that could leave that folder:
 * a URL with a scheme (another origin), an absolute or protocol-relative path (`/x`, `//host/x`), a `.`
 * or `..` segment, a backslash, `?` or `#` — each also when percent-encoded (`%2e%2e`, `%2F`, nested
 * encodings included) or written with Unicode look-alikes that NFKC folds to them (`．．／`, `․`).
 *
 * @param modelUrl the `http(s)://` URL of `model.json`
 * @param path a weight path from its `weightsManifest`
 * @returns the absolute URL to fetch, inside the folder of `modelUrl`
 * @throws FormatError naming the path and the model URL
 * @example
 * resolveWeightUrl('https://a.org/m/model.json?v=2', 'group1-shard1of2.bin'); // 'https://a.org/m/group1-shard1of2.bin?v=2'
 * resolveWeightUrl('https://a.org/m/model.json', '../secret.bin'); // throws FormatError
 */
export function resolveWeightUrl(modelUrl: string, path: string): string {
  const refuse = (): FormatError =>
    new FormatError(
      `CutPasteDetector.load: the weights path ${JSON.stringify(String(path).slice(0, 200))} listed in ${modelUrl} leaves the model's folder; a weight path must be a relative file path below it (no scheme, no leading /, no . or .. segment, no \\, ? or #, also percent-encoded)`,
    );
  if (typeof path !== 'string' || path.length === 0) throw refuse();
  let text = path;
  for (let round = 0; ; round++) {
    // Also as NFKC, which servers that fold Unicode see: full-width `．．／` and `․` are dots and slashes there.
    if (mayLeave(text) || mayLeave(text.normalize('NFKC'))) throw refuse();
    let decoded: string;
    try {
      decoded = decodeURIComponent(text);
    } catch {
      throw refuse(); // a malformed escape: not a path any server reads the same way
    }
    if (decoded === text) break;
    if (round === 8) throw refuse();
    text = decoded;
  }
  const model = new URL(modelUrl);
  const folder = new URL('./', model);
  const url = new URL(path, folder);
  if (url.origin !== folder.origin || !url.pathname.startsWith(folder.pathname)) throw refuse();
  url.search = model.search;
  return url.href;
}

/**
 * tfjs's HTTP load handler for `modelUrl`, with every weight path checked by {@link resolveWeightUrl}
 * before anything is fetched, and responses bounded by {@link boundedFetch} (64 MiB of `model.json`,
 * then no more weight bytes than its manifest describes).
 */
export function httpLoadHandler(modelUrl: string): tf.io.IOHandler {
  return tf.io.http(modelUrl, { weightUrlConverter: async (path) => resolveWeightUrl(modelUrl, path), fetchFunc: boundedFetch(modelUrl) });
}
