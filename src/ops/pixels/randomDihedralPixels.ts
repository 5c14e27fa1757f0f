import { randomInt, type Rng } from '../../math/random';
import { show } from '../validate';
import { checkPixelBatch, outputArray, type PixelBatch } from './pixelBatch';

/**
 * One random symmetry of the square per image of a {@link PixelBatch}: a rotation by 0°, 90°, 180°
 * or 270°, then a horizontal flip or not (the 8 elements of the dihedral group), lossless. Images
 * that are not square only get the four transforms that keep their shape (identity, 180°, and the two
 * flips). Teaches a network that an object is the same at any of these angles: for objects that lie
 * at random angles, scored by one density shared by every location.
 *
 * Random draws, image by image: one integer in [0, 7] (in [0, 3] for non-square images).
 *
 * @param images [batch, height, width, channels]. Not modified.
 * @param rng uniform [0, 1) generator, e.g. `createRng(seed)`.
 * @param out optional array to write into (same length as `images.data`, not overlapping it).
 * @returns the transformed batch, same shape.
 * @example
 * const turned = randomDihedralPixels(crops, createRng(0));
 */
export function randomDihedralPixels(images: PixelBatch, rng: Rng, out?: Float32Array): PixelBatch {
  const op = 'randomDihedralPixels';
  const { batch, height: H, width: W, channels: C } = checkPixelBatch(op, images, 'images', false);
  if (typeof rng !== 'function') throw new TypeError(`${op}: rng must be a function returning numbers in [0, 1), got ${show(rng)}`);
  const data = outputArray(op, out, images.data.length, images.data, false);
  const square = H === W;
  const size = H * W * C;
  for (let b = 0; b < batch; b++) {
    const t = randomInt(rng, 0, square ? 7 : 3);
    // Non-square: 0 identity, 1 rotate 180°, 2 flip horizontally, 3 flip vertically (= 180° then flip).
    const turns = square ? t & 3 : (t & 1) * 2;
    const flip = square ? t >= 4 : t >= 2;
    const src = images.data.subarray(b * size, (b + 1) * size);
    const dst = data.subarray(b * size, (b + 1) * size);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        // Where output pixel (y, x) comes from: undo the flip, then the rotation.
        const fx = flip ? W - 1 - x : x;
        let sy: number;
        let sx: number;
        if (turns === 0) [sy, sx] = [y, fx];
        else if (turns === 1) [sy, sx] = [W - 1 - fx, y];
        else if (turns === 2) [sy, sx] = [H - 1 - y, W - 1 - fx];
        else [sy, sx] = [fx, H - 1 - y];
        const to = (y * W + x) * C;
        const from = (sy * W + sx) * C;
        for (let c = 0; c < C; c++) dst[to + c] = src[from + c]!;
      }
    }
  }
  return { data, batch, height: H, width: W, channels: C };
}
