import { checkPositiveInteger, checkLength, checkFiniteArray, describeValue } from './validate';

/** Geometry of a dense patch grid over an image (see `spreadScores`). */
export interface PatchGridGeometry {
  /** Grid rows and columns. */
  rows: number;
  cols: number;
  /** Patch height and width, pixels. */
  patchHeight: number;
  patchWidth: number;
  /** Vertical and horizontal distance between neighbouring patches, pixels. */
  strideY: number;
  strideX: number;
  /** Image height and width the grid lies on, pixels. Patch (r, c) covers rows r·strideY … r·strideY + patchHeight − 1. */
  height: number;
  width: number;
}

/**
 * Spreads one anomaly score per patch over the patch's pixels with a Gaussian weight centred on the
 * patch (paper §2.4: "a Gaussian smoothing to propagate the score to every pixel", equivalent to a
 * strided transposed convolution with a Gaussian kernel) and normalises by the summed weights, so a
 * constant grid gives a constant map. Pixels no patch covers (a border thinner than one stride) take
 * the value of the nearest covered pixel.
 *
 * @param scores row-major `[rows, cols]` patch scores.
 * @param sigma Gaussian standard deviation in pixels (> 0); the detector uses patch size / 4.
 * @returns the `[height, width]` map, row-major.
 * @example
 * // 57×57 scores of 32 px patches at stride 4 over a 256 px image:
 * const map = spreadScores(scores, { rows: 57, cols: 57, patchHeight: 32, patchWidth: 32, strideY: 4, strideX: 4, height: 256, width: 256 }, 8);
 */
export function spreadScores(scores: ArrayLike<number>, grid: PatchGridGeometry, sigma: number): Float32Array {
  const fn = 'spreadScores';
  const { rows, cols, patchHeight: ph, patchWidth: pw, strideY: sy, strideX: sx, height, width } = grid;
  for (const [name, value] of Object.entries({ rows, cols, patchHeight: ph, patchWidth: pw, strideY: sy, strideX: sx, height, width })) {
    checkPositiveInteger(fn, `grid.${name}`, value);
  }
  if ((rows - 1) * sy + ph > height || (cols - 1) * sx + pw > width) {
    throw new RangeError(
      `${fn}: a ${rows}×${cols} grid of ${ph}×${pw} patches at stride ${sy}×${sx} does not fit a ${height}×${width} image`,
    );
  }
  if (!(typeof sigma === 'number' && Number.isFinite(sigma) && sigma > 0)) {
    throw new RangeError(`${fn}: sigma must be a finite number > 0, got ${describeValue(sigma)}`);
  }
  checkLength(fn, 'scores', scores, rows * cols, `grid rows × cols = ${rows * cols}`);
  checkFiniteArray(fn, 'scores', scores);

  const wy = gaussianWindow(ph, sigma);
  const wx = gaussianWindow(pw, sigma);
  const sum = new Float64Array(height * width);
  const weight = new Float64Array(height * width);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const s = scores[r * cols + c]!;
      const top = r * sy;
      const left = c * sx;
      for (let y = 0; y < ph; y++) {
        const o = (top + y) * width + left;
        const a = wy[y]!;
        for (let x = 0; x < pw; x++) {
          const w = a * wx[x]!;
          sum[o + x]! += w * s;
          weight[o + x]! += w;
        }
      }
    }
  }
  const coveredH = (rows - 1) * sy + ph;
  const coveredW = (cols - 1) * sx + pw;
  const out = new Float32Array(height * width);
  for (let y = 0; y < height; y++) {
    const cy = Math.min(y, coveredH - 1);
    for (let x = 0; x < width; x++) {
      const i = cy * width + Math.min(x, coveredW - 1);
      out[y * width + x] = sum[i]! / weight[i]!;
    }
  }
  return out;
}

/** Gaussian weights over `size` pixels centred on the window's middle, peak 1. */
function gaussianWindow(size: number, sigma: number): Float64Array {
  const w = new Float64Array(size);
  const centre = (size - 1) / 2;
  for (let i = 0; i < size; i++) w[i] = Math.exp(-((i - centre) ** 2) / (2 * sigma * sigma));
  return w;
}
