import type { Alpha, FloatImage } from './canvas';

/**
 * The visibility threshold of the ground truth: a pixel belongs to a defect when some channel changed by
 * at least this much (intensity units in [0, 1]; 8/255 ≈ 3 %, about three times the sensor noise).
 */
export const MASK_THRESHOLD = 8 / 255;

/**
 * Change level down to which a visible defect's region extends (hysteresis): 2/255, below what a viewer
 * notices on its own but part of the same mark (the faint side of a stain, a translucent strip over a
 * light background).
 */
export const MASK_EXTENT_THRESHOLD = 2 / 255;

/**
 * The ground-truth mask of a defect: `[height, width]` bytes of 0/255. A pixel is a seed when `defective`
 * differs from `clean` by at least {@link MASK_THRESHOLD} in some channel; the mask is every pixel that
 * changed by at least {@link MASK_EXTENT_THRESHOLD} and is 8-connected to a seed through such pixels
 * (hysteresis, so one mark is marked whole), then closed (dilate + erode, `closeRadius` px: fills
 * pin-holes inside one defect) and dilated by `dilateRadius` px (covers the blurred rim). Both images
 * are the renders before lighting and sensor noise, so the mask is exact for every defect. Pixels where
 * `region` (optional, `[height, width]` coverage) is ≥ 0.5 are seeds whether they changed or not.
 *
 * @example
 * const mask = defectMask(clean, withScratch, 2, 1); // Uint8Array(height * width) of 0/255
 */
export function defectMask(
  clean: FloatImage,
  defective: FloatImage,
  closeRadius: number,
  dilateRadius: number,
  region?: Alpha,
): Uint8Array {
  const { height, width, channels } = clean;
  const a = clean.data;
  const b = defective.data;
  const n = height * width;
  // 2: seed (clearly changed), 1: changed a little, 0: unchanged.
  const level = new Uint8Array(n);
  const stack: number[] = [];
  for (let i = 0; i < n; i++) {
    let d = 0;
    for (let c = 0; c < channels; c++) d = Math.max(d, Math.abs(a[i * channels + c]! - b[i * channels + c]!));
    if (d >= MASK_THRESHOLD || (region !== undefined && region[i]! >= 0.5)) {
      level[i] = 2;
      stack.push(i);
    } else if (d >= MASK_EXTENT_THRESHOLD) {
      level[i] = 1;
    }
  }
  let mask: Uint8Array = new Uint8Array(n);
  for (const i of stack) mask[i] = 255;
  while (stack.length > 0) {
    const i = stack.pop()!;
    const x = i % width;
    const y = (i - x) / width;
    for (let dy = -1; dy <= 1; dy++) {
      const yy = y + dy;
      if (yy < 0 || yy >= height) continue;
      for (let dx = -1; dx <= 1; dx++) {
        const xx = x + dx;
        if (xx < 0 || xx >= width) continue;
        const k = yy * width + xx;
        if (level[k] === 1 && mask[k] === 0) {
          mask[k] = 255;
          stack.push(k);
        }
      }
    }
  }
  mask = erode(dilate(mask, height, width, closeRadius), height, width, closeRadius);
  return dilate(mask, height, width, dilateRadius);
}

/** Number of non-zero pixels of a mask. */
export function maskArea(mask: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) count++;
  return count;
}

function dilate(mask: Uint8Array, height: number, width: number, r: number): Uint8Array {
  return morph(mask, height, width, r, 255);
}

function erode(mask: Uint8Array, height: number, width: number, r: number): Uint8Array {
  return morph(mask, height, width, r, 0);
}

/**
 * Square structuring element of radius `r`, separable. `hit = 255`: dilation (any 255 in the window);
 * `hit = 0`: erosion (any 0 in the window). Outside the image counts as "no hit" so borders do not erode.
 */
function morph(mask: Uint8Array, height: number, width: number, r: number, hit: 0 | 255): Uint8Array {
  if (r < 1) return mask;
  const miss = hit === 255 ? 0 : 255;
  const tmp = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let last = -Infinity; // position of the latest hit seen, scanning rightwards
    for (let x = 0; x < Math.min(r, width); x++) if (mask[row + x] === hit) last = x;
    for (let x = 0; x < width; x++) {
      const ahead = x + r;
      if (ahead < width && mask[row + ahead] === hit) last = ahead;
      tmp[row + x] = last >= x - r ? hit : miss;
    }
  }
  const out = new Uint8Array(mask.length);
  for (let x = 0; x < width; x++) {
    let last = -Infinity;
    for (let y = 0; y < Math.min(r, height); y++) if (tmp[y * width + x] === hit) last = y;
    for (let y = 0; y < height; y++) {
      const ahead = y + r;
      if (ahead < height && tmp[ahead * width + x] === hit) last = ahead;
      out[y * width + x] = last >= y - r ? hit : miss;
    }
  }
  return out;
}
