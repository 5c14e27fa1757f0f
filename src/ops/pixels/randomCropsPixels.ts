import { randomInt, type Rng } from '../../math/random';
import { checkSize, show } from '../validate';
import { checkPixelBatch, outputArray, type ImageShape, type PixelBatch } from './pixelBatch';

/** Checks the size and rng of a random crop of images of `shape`; returns [cropHeight, cropWidth]. Internal. */
export function resolveRandomCrops(op: string, shape: ImageShape, size: unknown, rng: unknown): [number, number] {
  const [cropHeight, cropWidth] = checkSize(op, 'size', size);
  if (cropHeight > shape.height || cropWidth > shape.width) {
    throw new RangeError(`${op}: size [${cropHeight}, ${cropWidth}] must fit in the images (height ${shape.height}, width ${shape.width})`);
  }
  if (typeof rng !== 'function') {
    throw new TypeError(`${op}: rng must be a function returning numbers in [0, 1), got ${show(rng)}`);
  }
  return [cropHeight, cropWidth];
}

/**
 * One crop per image of `src` into `dst` [batch, cropHeight, cropWidth, channels]: per image, draws
 * top then left, and copies the crop row by row. Internal.
 */
export function applyRandomCrops(
  shape: ImageShape,
  [cropHeight, cropWidth]: readonly [number, number],
  rng: Rng,
  src: Float32Array,
  dst: Float32Array,
): void {
  const { batch, height: H, width: W, channels: C } = shape;
  const row = cropWidth * C;
  for (let b = 0, o = 0; b < batch; b++) {
    const top = randomInt(rng, 0, H - cropHeight);
    const left = randomInt(rng, 0, W - cropWidth);
    for (let y = 0; y < cropHeight; y++, o += row) {
      const from = ((b * H + top + y) * W + left) * C;
      dst.set(src.subarray(from, from + row), o);
    }
  }
}

/**
 * One random crop per image of a {@link PixelBatch} (the paper's patch-level training, §2.4: crop,
 * then CutPaste the crop), in plain JS (exact copies). The same seed gives the same crops as the
 * tensor op `randomCrops`.
 *
 * Random draws, image by image: top (uniform integer in [0, height − crop height]), then left.
 *
 * @param images [batch, height, width, channels] (any channel count ≥ 1). Not modified.
 * @param size crop size in pixels: one number for a square, or [height, width]; at most the image's.
 * @param rng uniform [0, 1) generator, e.g. `createRng(seed)`.
 * @param out optional array to write into (batch · cropHeight · cropWidth · channels values, not
 *   overlapping the input). Default: a new array.
 * @returns the crops [batch, cropHeight, cropWidth, channels].
 * @example
 * const patches = randomCropsPixels(originals, 32, createRng(0)); // [batch, 32, 32, channels]
 */
export function randomCropsPixels(images: PixelBatch, size: number | readonly [number, number], rng: Rng, out?: Float32Array): PixelBatch {
  const op = 'randomCropsPixels';
  const shape = checkPixelBatch(op, images, 'images', false);
  const crop = resolveRandomCrops(op, shape, size, rng);
  const length = shape.batch * crop[0] * crop[1] * shape.channels;
  const data = outputArray(op, out, length, images.data, false);
  applyRandomCrops(shape, crop, rng, images.data, data);
  return { data, batch: shape.batch, height: crop[0], width: crop[1], channels: shape.channels };
}
