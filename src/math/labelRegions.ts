import { checkArrayLike, checkLength, checkPositiveInteger, describeValue } from './validate';

/** Connected regions of a binary mask. */
export interface Regions {
  /** `[height, width]` row-major: 0 = background, 1..count = region id (numbered in row-major order of first pixel). */
  readonly labels: Int32Array;
  /** Number of regions. */
  readonly count: number;
  /** `sizes[k]` = pixel count of region k (index 0 unused, = 0). */
  readonly sizes: Int32Array;
}

/**
 * Labels the 8-connected regions of a mask (foreground = value > 0 or `true`), like
 * `scipy.ndimage.label(mask > 0, structure=np.ones((3, 3)))`: pixels touching by an edge or a corner
 * belong to the same region. Iterative flood fill, O(height·width).
 *
 * @param mask `[height, width]` row-major
 * @example
 * labelRegions([1, 0, 0, 1], 2, 2).count; // 1 (diagonal neighbours are connected)
 */
export function labelRegions(mask: ArrayLike<number | boolean>, height: number, width: number): Regions {
  const fn = 'labelRegions';
  checkPositiveInteger(fn, 'height', height);
  checkPositiveInteger(fn, 'width', width);
  checkArrayLike(fn, 'mask', mask);
  checkLength(fn, 'mask', mask, height * width, `height × width = ${height} × ${width} = ${height * width}`);
  return labelRegionsUnchecked(readMask(fn, 'mask', mask), height, width);
}

/** Reads a mask into 0/1 bytes: numbers > 0 or `true` are foreground; NaN and non-numbers are errors. */
export function readMask(fn: string, arg: string, mask: ArrayLike<number | boolean>): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) {
    const v = mask[i];
    if (typeof v === 'number') {
      if (Number.isNaN(v)) throw new RangeError(`${fn}: ${arg}[${i}] must be a number (> 0 = defect), got NaN`);
      out[i] = v > 0 ? 1 : 0;
    } else if (typeof v === 'boolean') {
      out[i] = v ? 1 : 0;
    } else {
      throw new TypeError(`${fn}: ${arg}[${i}] must be a number (> 0 = defect) or a boolean, got ${describeValue(v)}`);
    }
  }
  return out;
}

/** {@link labelRegions} on a validated 0/1 mask. */
export function labelRegionsUnchecked(mask: Uint8Array, height: number, width: number): Regions {
  const labels = new Int32Array(height * width);
  const stack = new Int32Array(height * width);
  const sizes: number[] = [0];
  let count = 0;
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] === 0 || labels[start] !== 0) continue;
    const id = ++count;
    let size = 0;
    let top = 0;
    stack[top++] = start;
    labels[start] = id;
    while (top > 0) {
      const p = stack[--top]!;
      size++;
      const y = (p / width) | 0;
      const x = p - y * width;
      const y0 = y > 0 ? y - 1 : 0;
      const y1 = y < height - 1 ? y + 1 : y;
      const x0 = x > 0 ? x - 1 : 0;
      const x1 = x < width - 1 ? x + 1 : x;
      for (let yy = y0; yy <= y1; yy++) {
        for (let xx = x0, q = yy * width + x0; xx <= x1; xx++, q++) {
          if (mask[q] !== 0 && labels[q] === 0) {
            labels[q] = id;
            stack[top++] = q;
          }
        }
      }
    }
    sizes.push(size);
  }
  return { labels, count, sizes: Int32Array.from(sizes) };
}
