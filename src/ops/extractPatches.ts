import * as tf from '@tensorflow/tfjs-core';
import { checkSize } from './validate';

/** The dense grid of patches of one image. */
export interface PatchGrid {
  /** The patches [rows * cols, patchHeight, patchWidth, channels], row-major over the grid (owned by the caller). */
  patches: tf.Tensor4D;
  /** Grid rows: floor((height − patchHeight) / strideRows) + 1. */
  rows: number;
  /** Grid columns: floor((width − patchWidth) / strideCols) + 1. */
  cols: number;
}

/**
 * All patches of one image on a dense grid (the paper's patch-level scoring, §2.4): patch (r, c) has
 * its top-left corner at (r · strideRows, c · strideCols); patches come row by row.
 *
 * A tensor op (the data stays on the backend): one `tf.gatherND` of the image's pixels with an index
 * map computed in JS, the same ops on every backend. Of the generic constructions (`gather`,
 * `gatherND`, two gathers and a transpose, strided slices) it was the fastest overall on tfjs 4.22
 * (256 × 256 × 3 image, 32 px patches, stride 8: ~15–40 ms on wasm, ~0.8 s on the cpu backend,
 * whose gathers walk element by element; `gather` took ~0.2 s on wasm and ~0.3 s on cpu).
 *
 * @param image [height, width, channels] or [1, height, width, channels], float32.
 * @param size patch size in pixels: one number for a square, or [height, width]; at most the image's.
 * @param stride grid step in pixels: one number, or [rows, cols].
 * @returns `{ patches, rows, cols }`.
 * @example
 * const { patches, rows, cols } = extractPatches(image, 32, 4); // a 256×256 image: 57 × 57 patches
 */
export function extractPatches(
  image: tf.Tensor3D | tf.Tensor4D,
  size: number | readonly [number, number],
  stride: number | readonly [number, number],
): PatchGrid {
  const op = 'extractPatches';
  if (!(image instanceof tf.Tensor)) {
    throw new TypeError(`${op}: image must be a tf.Tensor3D [height, width, channels] or a batch of one, got ${String(image)}`);
  }
  if (image.dtype !== 'float32') throw new TypeError(`${op}: image must be float32, got ${image.dtype}`);
  const shape = image.shape;
  if (!(shape.length === 3 || (shape.length === 4 && shape[0] === 1))) {
    throw new RangeError(`${op}: image must be [height, width, channels] or [1, height, width, channels], got shape [${shape.join(', ')}]`);
  }
  const [height, width, channels] = shape.slice(-3) as [number, number, number];
  const [ph, pw] = checkSize(op, 'size', size);
  const [sy, sx] = checkSize(op, 'stride', stride);
  if (ph > height || pw > width) {
    throw new RangeError(`${op}: size [${ph}, ${pw}] must fit in the image (height ${height}, width ${width})`);
  }
  const rows = Math.floor((height - ph) / sy) + 1;
  const cols = Math.floor((width - pw) / sx) + 1;
  const index = new Int32Array(rows * cols * ph * pw);
  let k = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      for (let y = 0; y < ph; y++) {
        const base = (r * sy + y) * width + c * sx;
        for (let x = 0; x < pw; x++) index[k++] = base + x;
      }
    }
  }
  const patches = tf.tidy(() => {
    const pixels = tf.reshape(image, [height * width, channels]);
    const gathered = tf.gatherND(pixels, tf.tensor2d(index, [index.length, 1], 'int32'));
    return tf.reshape(gathered, [rows * cols, ph, pw, channels]) as tf.Tensor4D;
  });
  return { patches, rows, cols };
}
