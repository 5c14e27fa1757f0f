import * as tf from '@tensorflow/tfjs-core';
import { yieldToEventLoop } from '../train/trainer';
import { countImages, toModelInput, type ImagesInput } from './input';

/**
 * Converts `input` to model input `chunk` images at a time and calls `fn` with each chunk (a tensor
 * that `fn` must not dispose: it is freed afterwards) and the original `[height, width]` of its
 * images. Bounds memory for large inputs: only one chunk lives at a time.
 */
export async function forEachChunk(
  input: ImagesInput,
  chunk: number,
  size: readonly [number, number],
  channels: number,
  where: string,
  fn: (images: tf.Tensor4D, sizes: [number, number][], offset: number) => Promise<void>,
): Promise<number> {
  const count = countImages(input, where);
  if (count === 0) throw new RangeError(`${where}: images is empty; at least one image is required`);
  for (let start = 0; start < count; start += chunk) {
    const end = Math.min(count, start + chunk);
    let part: ImagesInput;
    let owned: tf.Tensor | undefined;
    if (input instanceof tf.Tensor) {
      owned = start === 0 && end === count ? undefined : tf.slice(input, [start, 0, 0, 0], [end - start, -1, -1, -1]);
      part = (owned as tf.Tensor4D | undefined) ?? input;
    } else {
      part = (input as readonly unknown[]).slice(start, end) as ImagesInput;
    }
    let converted: Awaited<ReturnType<typeof toModelInput>> | undefined;
    try {
      converted = await toModelInput(part, size, channels, where, start);
      await fn(converted.images, converted.sizes, start);
    } finally {
      owned?.dispose();
      converted?.images.dispose();
    }
    await yieldToEventLoop();
  }
  return count;
}
