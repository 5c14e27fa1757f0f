import { show } from '../validate';
import { checkPixelBatch, type PixelBatch } from './pixelBatch';

/**
 * The images of several {@link PixelBatch}es one after the other, as one new batch (e.g. originals,
 * then their CutPaste copies, then their Scar copies). All must have the same height, width and
 * channels. To avoid this copy, write each part straight into a `subarray` of one array instead
 * (the `out` option of the pixel functions).
 *
 * @param parts at least one batch [batch_i, height, width, channels]. Not modified.
 * @returns [Σ batch_i, height, width, channels].
 * @example
 * const all = concatImages([originals, cutPastePixels(originals, { rng }), cutPasteScarPixels(originals, { rng })]);
 */
export function concatImages(parts: readonly PixelBatch[]): PixelBatch {
  const op = 'concatImages';
  const given: unknown = parts; // checked as unknown: Array.isArray(parts) would narrow parts to any[]
  if (!Array.isArray(given) || given.length < 1) {
    throw new TypeError(`${op}: parts must be a non-empty array of PixelBatch, got ${show(parts)}`);
  }
  const first = checkPixelBatch(op, parts[0], 'parts[0]', false);
  let batch = 0;
  parts.forEach((part, i) => {
    const s = checkPixelBatch(op, part, `parts[${i}]`, false);
    if (s.height !== first.height || s.width !== first.width || s.channels !== first.channels) {
      throw new RangeError(
        `${op}: parts[${i}] is ${s.height} × ${s.width} × ${s.channels} (height × width × channels); ` +
          `parts[0] is ${first.height} × ${first.width} × ${first.channels}: all parts must match`,
      );
    }
    batch += s.batch;
  });
  const data = new Float32Array(batch * first.height * first.width * first.channels);
  let offset = 0;
  for (const part of parts) {
    data.set(part.data, offset);
    offset += part.data.length;
  }
  return { data, batch, height: first.height, width: first.width, channels: first.channels };
}
