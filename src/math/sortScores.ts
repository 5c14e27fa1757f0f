/**
 * Sorting and class-splitting of score arrays for the ranking metrics (ROC, F1, AUPRO): typed arrays
 * only, never `number[]`. Float32 scores are radix-sorted (three 11-bit passes over order-preserving
 * integer keys: ~0.25 s for 10⁷ values, ~5× faster than the native sort); Float64 scores use the
 * native `TypedArray.prototype.sort`.
 */
import { checkArrayLike, checkFiniteArray, readBinaryLabels } from './validate';

/** A sortable typed array of scores. */
export type ScoreArray = Float32Array | Float64Array;

/** Sorts `values` ascending in place (numeric order; -0 and +0 are equal) and returns it. */
export function sortAscending<T extends ScoreArray>(values: T): T {
  if (values instanceof Float32Array) radixSortFloat32(values);
  else values.sort();
  return values;
}

/** LSD radix sort of finite Float32 values via their IEEE bits mapped to order-preserving uint32 keys. */
function radixSortFloat32(values: Float32Array): void {
  const n = values.length;
  if (n < 2) return;
  const bits = new Uint32Array(values.buffer, values.byteOffset, n);
  const keys = new Uint32Array(n);
  const tmp = new Uint32Array(n);
  const h0 = new Uint32Array(2048);
  const h1 = new Uint32Array(2048);
  const h2 = new Uint32Array(1024);
  for (let i = 0; i < n; i++) {
    let b = bits[i]!;
    if (b === 0x80000000) b = 0; // -0 sorts as +0
    // Negative: flip all bits (larger magnitude → smaller key); positive: set the sign bit.
    const k = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
    keys[i] = k;
    h0[k & 2047]!++;
    h1[(k >>> 11) & 2047]!++;
    h2[k >>> 22]!++;
  }
  prefixSum(h0);
  prefixSum(h1);
  prefixSum(h2);
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    tmp[h0[k & 2047]!++] = k;
  }
  for (let i = 0; i < n; i++) {
    const k = tmp[i]!;
    keys[h1[(k >>> 11) & 2047]!++] = k;
  }
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    tmp[h2[k >>> 22]!++] = k;
  }
  for (let i = 0; i < n; i++) {
    const k = tmp[i]!;
    bits[i] = k & 0x80000000 ? (k ^ 0x80000000) >>> 0 : ~k >>> 0;
  }
}

function prefixSum(h: Uint32Array): void {
  let s = 0;
  for (let i = 0; i < h.length; i++) {
    const c = h[i]!;
    h[i] = s;
    s += c;
  }
}

/** Scores split by class, each sorted ascending. */
export interface SortedByClass {
  /** Scores of the label-1 items, ascending. */
  readonly positives: ScoreArray;
  /** Scores of the label-0 items, ascending. */
  readonly negatives: ScoreArray;
}

/**
 * Validates `scores` (finite) and `labels` (0/1 or booleans, same length, both classes present), then
 * splits the scores by class into two sorted typed arrays (Float32 when `scores` is a Float32Array,
 * Float64 otherwise). `fn` names the calling function in errors.
 */
export function sortedByClass(fn: string, scores: ArrayLike<number>, labels: ArrayLike<number | boolean>): SortedByClass {
  checkArrayLike(fn, 'scores', scores);
  checkFiniteArray(fn, 'scores', scores);
  const binary = readBinaryLabels(fn, 'labels', labels, scores.length);
  let p = 0;
  for (let i = 0; i < binary.length; i++) p += binary[i]!;
  const n = binary.length - p;
  const make = (length: number): ScoreArray => (scores instanceof Float32Array ? new Float32Array(length) : new Float64Array(length));
  const positives = make(p);
  const negatives = make(n);
  for (let i = 0, ip = 0, ineg = 0; i < binary.length; i++) {
    if (binary[i] === 1) positives[ip++] = scores[i]!;
    else negatives[ineg++] = scores[i]!;
  }
  return { positives: sortAscending(positives), negatives: sortAscending(negatives) };
}

/**
 * Visits every distinct score t in decreasing order with the cumulative counts of positives (`tp`) and
 * negatives (`fp`) whose score is ≥ t, i.e. the confusion counts of the rule "anomalous when score ≥ t".
 * Returns the number of distinct thresholds.
 */
export function forEachThreshold(
  positives: ScoreArray,
  negatives: ScoreArray,
  visit: (threshold: number, tp: number, fp: number) => void,
): number {
  let ip = positives.length - 1;
  let ineg = negatives.length - 1;
  let tp = 0;
  let fp = 0;
  let count = 0;
  while (ip >= 0 || ineg >= 0) {
    const vp = ip >= 0 ? positives[ip]! : -Infinity;
    const vn = ineg >= 0 ? negatives[ineg]! : -Infinity;
    const t = vp > vn ? vp : vn;
    while (ip >= 0 && positives[ip] === t) {
      ip--;
      tp++;
    }
    while (ineg >= 0 && negatives[ineg] === t) {
      ineg--;
      fp++;
    }
    visit(t, tp, fp);
    count++;
  }
  return count;
}
