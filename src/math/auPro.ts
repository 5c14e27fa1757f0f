import { labelRegionsUnchecked, readMask } from './labelRegions';
import { sortAscending, type ScoreArray } from './sortScores';
import {
  checkArrayLike,
  checkFiniteArray,
  checkLength,
  checkNumberInRange,
  checkPositiveInteger,
  describeValue,
  isArrayLike,
} from './validate';

/** Options of {@link auPro}. */
export interface AuProOptions {
  /** Upper end of the false-positive-rate integration range, in (0, 1] (default 0.3, as MVTec AD). */
  readonly fprLimit?: number;
}

/** Default FPR limit of {@link auPro}. */
export const AUPRO_DEFAULT_FPR_LIMIT = 0.3;

/**
 * Area under the per-region-overlap (PRO) curve, the MVTec AD localisation metric, normalised to [0, 1].
 *
 * Every threshold t ("anomalous when score ≥ t", every distinct score) gives a point:
 * - PRO(t) = mean over all 8-connected defect regions of all images (masks labelled separately) of the
 *   fraction of the region's pixels scored ≥ t;
 * - FPR(t) = fraction of all defect-free pixels (of all images) scored ≥ t.
 * The curve (from (0, 0), ending at (1, 1)) is integrated by the trapezoidal rule over FPR ∈ [0, fprLimit],
 * interpolating linearly at fprLimit, and divided by fprLimit. This is the official MVTec AD evaluation
 * code (`compute_pro` + `trapezoid(x_max=…)`), except that FPRs stay in Float64 (the official code casts
 * them to Float32). O(N log N) in the pixel count N: defect-free scores are sorted once (radix sort when
 * every map is a Float32Array), defect-pixel scores are bucketed by distinct value.
 *
 * @param maps score maps, each `[height, width]` row-major, larger = more anomalous
 * @param masks ground-truth masks, each `[height, width]`, value > 0 (or `true`) = defect
 * @throws RangeError when no image has a defect region or no pixel is defect-free, and for the input
 *   errors named in the message
 * @example
 * const score = auPro([map0, map1], [mask0, mask1], 256, 320); // in [0, 1], 1 = perfect
 */
export function auPro(
  maps: readonly ArrayLike<number>[],
  masks: readonly ArrayLike<number | boolean>[],
  height: number,
  width: number,
  options: AuProOptions = {},
): number {
  const fn = 'auPro';
  checkPositiveInteger(fn, 'height', height);
  checkPositiveInteger(fn, 'width', width);
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${fn}: options must be an object, got ${describeValue(options)}`);
  }
  const fprLimit = checkNumberInRange(fn, 'options.fprLimit', options.fprLimit ?? AUPRO_DEFAULT_FPR_LIMIT, 0, 1, {
    minExclusive: true,
  });
  if (!isArrayLike(maps)) throw new TypeError(`${fn}: maps must be an array of score maps, got ${describeValue(maps)}`);
  if (!isArrayLike(masks)) throw new TypeError(`${fn}: masks must be an array of masks, got ${describeValue(masks)}`);
  if (masks.length !== maps.length) {
    throw new RangeError(`${fn}: masks must have one mask per map (${maps.length}), got ${masks.length}`);
  }
  if (maps.length === 0) throw new RangeError(`${fn}: maps must contain at least 1 map, got 0`);
  const pixels = height * width;
  const size = `height × width = ${height} × ${width} = ${pixels}`;

  // Pass 1: validate, label regions, count.
  const images: { labels: Int32Array; weights: Float64Array }[] = [];
  let regions = 0;
  let okCount = 0;
  let allFloat32 = true;
  for (let m = 0; m < maps.length; m++) {
    const map = checkArrayLike(fn, `maps[${m}]`, maps[m]);
    checkLength(fn, `maps[${m}]`, map, pixels, size);
    checkFiniteArray(fn, `maps[${m}]`, map);
    if (!(map instanceof Float32Array)) allFloat32 = false;
    const maskValues = checkArrayLike(fn, `masks[${m}]`, masks[m]);
    checkLength(fn, `masks[${m}]`, maskValues, pixels, size);
    const { labels, count, sizes } = labelRegionsUnchecked(readMask(fn, `masks[${m}]`, maskValues), height, width);
    const weights = new Float64Array(count + 1);
    for (let k = 1; k <= count; k++) weights[k] = 1 / sizes[k]!;
    images.push({ labels, weights });
    regions += count;
    okCount += pixels - sumSizes(sizes);
  }
  if (regions === 0) {
    throw new RangeError(`${fn}: masks must contain at least one defect pixel (value > 0), got none in ${maps.length} masks`);
  }
  if (okCount === 0) {
    throw new RangeError(`${fn}: masks must leave at least one defect-free pixel (value <= 0), got none`);
  }
  const defectCount = maps.length * pixels - okCount;

  // Pass 2: split scores into defect-free and defect pixels (the latter with weight 1/region size).
  const make = (length: number): ScoreArray => (allFloat32 ? new Float32Array(length) : new Float64Array(length));
  const ok = make(okCount);
  const defect = make(defectCount);
  const defectWeight = new Float64Array(defectCount);
  for (let m = 0, io = 0, id = 0; m < maps.length; m++) {
    const map = maps[m]!;
    const { labels, weights } = images[m]!;
    for (let p = 0; p < pixels; p++) {
      const label = labels[p]!;
      if (label === 0) {
        ok[io++] = map[p]!;
      } else {
        defect[id] = map[p]!;
        defectWeight[id++] = weights[label]!;
      }
    }
  }
  sortAscending(ok);

  // Defect pixels: distinct scores ascending, with the summed PRO weight of each.
  const distinct = sortAscending(defect.slice());
  let u = 0;
  for (let i = 0; i < distinct.length; i++) if (i === 0 || distinct[i] !== distinct[u - 1]) distinct[u++] = distinct[i]!;
  const unique = distinct.subarray(0, u);
  const bucket = new Float64Array(u);
  for (let i = 0; i < defectCount; i++) bucket[lowerBound(unique, defect[i]!)]! += defectWeight[i]!;

  // Walk the thresholds from the top; integrate PRO over FPR up to fprLimit.
  let area = 0;
  let prevX = 0;
  let prevY = 0;
  let io = okCount - 1;
  let iu = u - 1;
  let falsePositives = 0;
  let proSum = 0;
  let done = false;
  const step = (x: number, y: number): void => {
    if (x <= fprLimit) {
      area += 0.5 * (y + prevY) * (x - prevX);
      prevX = x;
      prevY = y;
    } else {
      // First point beyond the limit: interpolate PRO at fprLimit (official `trapezoid` correction term).
      if (prevX < fprLimit) {
        const yAtLimit = prevY + ((y - prevY) * (fprLimit - prevX)) / (x - prevX);
        area += 0.5 * (yAtLimit + prevY) * (fprLimit - prevX);
      }
      done = true;
    }
  };
  while (!done && (io >= 0 || iu >= 0)) {
    const vo = io >= 0 ? ok[io]! : -Infinity;
    const vu = iu >= 0 ? unique[iu]! : -Infinity;
    const t = vo > vu ? vo : vu;
    while (io >= 0 && ok[io] === t) {
      io--;
      falsePositives++;
    }
    if (iu >= 0 && unique[iu] === t) proSum += bucket[iu--]!;
    // Official code clips both coordinates at 1 against rounding in its cumulative sums.
    step(Math.min(falsePositives / okCount, 1), Math.min(proSum / regions, 1));
  }
  if (!done) step(1, 1);
  return area / fprLimit;
}

function sumSizes(sizes: Int32Array): number {
  let s = 0;
  for (let k = 1; k < sizes.length; k++) s += sizes[k]!;
  return s;
}

/** Index of the first element ≥ value in an ascending array (value is known to be present). */
function lowerBound(sorted: ScoreArray, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
