import * as tf from '@tensorflow/tfjs-core';
import { FormatError } from '../errors';

/** The largest `model.json` fetched over http(s): 64 MiB, as from a folder (a detector's is a few kB). */
export const MAX_HTTP_MODEL_JSON_BYTES = 64 * 1024 * 1024;

/** Bytes per element of the dtypes a manifest may give (a quantization dtype replaces the weight's). */
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** The bytes a manifest's weights need, or null when a dtype or shape gives no fixed size. */
function manifestBytes(manifest: unknown): number | null {
  if (!Array.isArray(manifest)) return null;
  let total = 0;
  for (const group of manifest as { weights?: unknown }[]) {
    if (!Array.isArray(group?.weights)) return null;
    for (const spec of group.weights as { dtype?: unknown; shape?: unknown; quantization?: { dtype?: unknown } }[]) {
      const size = DTYPE_BYTES[String(spec?.quantization?.dtype ?? spec?.dtype)];
      const shape = spec?.shape;
      if (size === undefined || !Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) return null;
      total += (shape as number[]).reduce((a, b) => a * b, 1) * size;
    }
  }
  return Number.isSafeInteger(total) ? total : null;
}

/** The body of `response`, taken from `budget.left` bytes: refused as soon as it would pass it (its Content-Length first). */
async function readLimited(response: Response, budget: { left: number }, refuse: () => FormatError): Promise<Uint8Array<ArrayBuffer>> {
  if (Number(response.headers.get('content-length')) > budget.left) {
    await response.body?.cancel();
    throw refuse();
  }
  const chunks: Uint8Array[] = [];
  const reader = response.body?.getReader();
  for (;;) {
    const next = await reader?.read();
    if (next === undefined || next.done) break;
    budget.left -= next.value.byteLength;
    if (budget.left < 0) {
      await reader!.cancel();
      throw refuse();
    }
    chunks.push(next.value);
  }
  const body = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * A `fetch` for tfjs's HTTP handler of `modelUrl` that reads at most {@link MAX_HTTP_MODEL_JSON_BYTES}
 * of the `model.json` (its first request) and then, over all weight files together, at most the bytes
 * its manifest describes, so a server cannot make a load hold more than the model it claims to be.
 *
 * @throws FormatError naming the URL whose response was too long
 */
export function boundedFetch(modelUrl: string): typeof fetch {
  let weights: { left: number } | undefined; // unknown until the model.json has been read
  const platformFetch = (url: string, init?: RequestInit): Promise<Response> => tf.env().platform.fetch(url, init);
  return async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const response = await platformFetch(url, init);
    let body: Uint8Array<ArrayBuffer>;
    if (weights === undefined) {
      body = await readLimited(
        response,
        { left: MAX_HTTP_MODEL_JSON_BYTES },
        () =>
          new FormatError(
            `CutPasteDetector.load: ${url} serves more than ${MAX_HTTP_MODEL_JSON_BYTES} bytes (64 MiB); a model.json may have at most that`,
          ),
      );
      let json: unknown = null;
      try {
        json = JSON.parse(new TextDecoder().decode(body));
      } catch {
        // tfjs reports the invalid JSON
      }
      weights = { left: manifestBytes((json as { weightsManifest?: unknown } | null)?.weightsManifest ?? []) ?? MAX_HTTP_MODEL_JSON_BYTES };
    } else {
      body = await readLimited(
        response,
        weights,
        () =>
          new FormatError(
            `CutPasteDetector.load: the weight files of ${modelUrl} (${url} among them) serve more bytes than its manifest describes`,
          ),
      );
    }
    const empty = [101, 204, 205, 304].includes(response.status); // statuses a Response may not give a body
    return new Response(empty ? null : body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}
