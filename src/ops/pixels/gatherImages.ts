import { show } from '../validate';
import { checkPixelBatch, outputArray, type PixelBatch } from './pixelBatch';

/**
 * Images `indices` of a {@link PixelBatch}, in that order (repeats allowed), as a new batch: whole
 * images copied with one `set` each. This is how a training loop samples its originals from a
 * dataset held in memory.
 *
 * @param images [batch, height, width, channels]. Not modified.
 * @param indices integers in [0, images.batch), at least one.
 * @param out optional array to write into (indices.length · height · width · channels values, not
 *   overlapping the input). Default: a new array.
 * @returns [indices.length, height, width, channels].
 * @throws RangeError when an index is not an integer in range, or `indices` is empty.
 * @example
 * const originals = gatherImages(dataset, [4, 0, 17]); // 3 images
 */
export function gatherImages(images: PixelBatch, indices: ArrayLike<number>, out?: Float32Array): PixelBatch {
  const op = 'gatherImages';
  const { batch, height, width, channels } = checkPixelBatch(op, images, 'images', false);
  if (typeof indices !== 'object' || indices === null || typeof indices.length !== 'number' || indices.length < 1) {
    throw new RangeError(`${op}: indices must be a non-empty array of image indices, got ${show(indices)}`);
  }
  const size = height * width * channels;
  const data = outputArray(op, out, indices.length * size, images.data, false);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    if (!Number.isInteger(i) || i < 0 || i >= batch) {
      throw new RangeError(`${op}: indices[${k}] must be an integer in [0, ${batch - 1}], got ${show(i)}`);
    }
    data.set(images.data.subarray(i * size, (i + 1) * size), k * size);
  }
  return { data, batch: indices.length, height, width, channels };
}
