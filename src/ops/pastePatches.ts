import * as tf from '@tensorflow/tfjs-core';
import { gatherRows } from './gatherRows';
import { jitterPixels, type JitterParams } from './jitter';
import type { ImageShape } from './validate';

/**
 * What to write into one image, as pixel indices (`row * width + col`) within that image.
 * Internal: the augmentations compute plans in JS, then {@link pastePatches} applies all of a batch's
 * plans with a handful of batched tensor ops.
 */
export interface PastePlan {
  /** Destination pixels, at least one. */
  readonly target: Int32Array;
  /** For copies: the source pixel of each destination pixel (same image, same length as `target`). */
  readonly source?: Int32Array;
  /** For fills: the constant value per channel. */
  readonly color?: readonly number[];
}

/** An augmented batch with the masks of what changed and the parameters drawn per image. */
export interface AugmentResult<P> {
  /** The augmented images [batch, height, width, channels] (a new tensor, owned by the caller). */
  images: tf.Tensor4D;
  /** 1 where a pixel was pasted or filled, 0 elsewhere [batch, height, width, 1] (owned by the caller). */
  masks: tf.Tensor4D;
  /** The parameters drawn for each image, in batch order. */
  patches: P[];
}

/**
 * Applies one plan per image: copy plans gather their source pixels (`gatherRows`) into a padded [batch, L, c]
 * buffer (L = the largest plan; padding repeats an image's last entry), optionally jitter them per image
 * (in JS, the padding excluded from the contrast mean), then write them into a copy of the images
 * (`writeRows`; pixels not in a plan are copied bit-exactly). Fill plans write their constant color the same way.
 * Internal; call inside `tf.tidy`.
 */
export function pastePatches(
  images: tf.Tensor4D,
  shape: ImageShape,
  plans: readonly PastePlan[],
  jitter?: readonly JitterParams[],
): tf.Tensor4D {
  const { batch, height, width, channels } = shape;
  const pixels = height * width;
  const flat = tf.reshape(images, [batch * pixels, channels]) as tf.Tensor2D;
  let targets: Int32Array;
  let values: tf.Tensor2D;
  if (plans[0]!.source) {
    const length = Math.max(...plans.map((p) => p.target.length));
    const sources = new Int32Array(batch * length);
    targets = new Int32Array(batch * length);
    const counts = plans.map((p) => p.target.length);
    for (let i = 0; i < batch; i++) {
      const { target, source } = plans[i]!;
      const n = target.length;
      const base = i * pixels;
      for (let k = 0; k < length; k++) {
        const j = k < n ? k : n - 1;
        sources[i * length + k] = base + source![j]!;
        targets[i * length + k] = base + target[j]!;
      }
    }
    values = gatherRows(flat, sources);
    if (jitter) {
      // The jitter runs in JS on the packed pixels (see jitterPixels); one read-back of B·L pixels.
      const packed = (values.dataSync() as Float32Array).slice();
      jitterPixels(packed, [batch, length, channels], jitter, counts);
      values = tf.tensor2d(packed, [batch * length, channels]);
    }
  } else {
    const total = plans.reduce((s, p) => s + p.target.length, 0);
    targets = new Int32Array(total);
    const colors = new Float32Array(total * channels);
    let k = 0;
    for (let i = 0; i < batch; i++) {
      const { target, color } = plans[i]!;
      for (let j = 0; j < target.length; j++, k++) {
        targets[k] = i * pixels + target[j]!;
        for (let ch = 0; ch < channels; ch++) colors[k * channels + ch] = color![ch]!;
      }
    }
    values = tf.tensor2d(colors, [total, channels]);
  }
  return tf.reshape(writeRows(flat, targets, values), [batch, height, width, channels]) as tf.Tensor4D;
}

/** How {@link writeRows} writes: a JS copy, `tensorScatterUpdate`, or one full-size gather. */
export type WriteMode = 'js' | 'scatter' | 'gather';

const ALLOCATING_SCATTER = new Set(['wasm', 'webgpu', 'tensorflow']);

/**
 * `flat` with row `targets[k]` replaced by row k of `values` (duplicate targets carry equal rows).
 * By backend: cpu copies in JS (its own arrays, ~10× faster than its kernels here); webgl gathers
 * once over [flat; values], because its scatter shader scans every update for every output;
 * other backends use `tensorScatterUpdate`, which costs O(rows written). All give the same result.
 */
export function writeRows(
  flat: tf.Tensor2D,
  targets: Int32Array,
  values: tf.Tensor2D,
  mode: WriteMode = defaultWriteMode(),
): tf.Tensor2D {
  const [rows, channels] = flat.shape;
  if (mode === 'js') {
    const out = (flat.dataSync() as Float32Array).slice();
    const v = values.dataSync();
    for (let k = 0; k < targets.length; k++) {
      const t = targets[k]! * channels;
      for (let c = 0; c < channels; c++) out[t + c] = v[k * channels + c]!;
    }
    return tf.tensor2d(out, [rows, channels]);
  }
  if (mode === 'scatter') {
    // tfjs-backend-cpu 4.22's TensorScatterUpdate writes into its input's storage (it scatters into
    // `bufferSync(tensor)`, which shares the values array): on backends not known to allocate a new
    // output, scatter into a fresh copy so that the caller's images stay untouched.
    const base: tf.Tensor2D = ALLOCATING_SCATTER.has(tf.getBackend()) ? flat : tf.mul(flat, 1);
    return tf.tensorScatterUpdate(base, tf.tensor2d(targets, [targets.length, 1], 'int32'), values);
  }
  const index = new Int32Array(rows);
  for (let r = 0; r < rows; r++) index[r] = r;
  for (let k = 0; k < targets.length; k++) index[targets[k]!] = rows + k;
  return gatherRows(tf.concat([flat, values], 0), index);
}

function defaultWriteMode(): WriteMode {
  const backend = tf.getBackend();
  return backend === 'cpu' ? 'js' : backend === 'webgl' ? 'gather' : 'scatter';
}

/** The 0/1 masks of the plans' destination pixels [batch, height, width, 1]. */
export function planMasks(plans: readonly PastePlan[], shape: ImageShape): tf.Tensor4D {
  const { batch, height, width } = shape;
  const pixels = height * width;
  const data = new Float32Array(batch * pixels);
  plans.forEach((p, i) => p.target.forEach((t) => (data[i * pixels + t] = 1)));
  return tf.tensor4d(data, [batch, height, width, 1]);
}

/** Row-major pixel indices of the rectangle at (top, left) of size height × width in an image `stride` wide. */
export function rectanglePixels(top: number, left: number, height: number, width: number, stride: number): Int32Array {
  const out = new Int32Array(height * width);
  let k = 0;
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[k++] = (top + y) * stride + left + x;
  return out;
}
