import * as tf from '@tensorflow/tfjs-core';

/**
 * `tf.unsortedSegmentSum` from public tfjs ops (oneHot, transpose, matMul): row i of `x` is added
 * to output row `segmentIds[i]`; ids outside `[0, numSegments)` are dropped, as in TensorFlow.
 * The sum runs in float32 (int32 inputs are exact up to 2²⁴ in magnitude) and is cast back to
 * `x`'s dtype. It is the gradient of `tf.gather`, which is why a backend without it cannot train
 * through a gather.
 *
 * @param x values, `[n, ...rest]` (or `[...segmentIds.shape, ...rest]`).
 * @param segmentIds int32 ids, `[n]` (or any shape that prefixes `x`'s).
 * @param numSegments the number of output rows (a non-negative integer).
 * @returns `[numSegments, ...rest]`, `x`'s dtype (a new tensor).
 * @example
 * segmentSum(tf.tensor2d([[1, 2], [3, 4], [5, 6]]), tf.tensor1d([0, 1, 0], 'int32'), 2); // [[6, 8], [3, 4]]
 */
export function segmentSum(x: tf.Tensor, segmentIds: tf.Tensor, numSegments: number): tf.Tensor {
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new RangeError(`segmentSum: numSegments must be a non-negative integer, got ${numSegments}`);
  }
  const idRank = segmentIds.rank;
  if (x.rank < idRank || segmentIds.shape.some((d, i) => d !== x.shape[i])) {
    throw new RangeError(`segmentSum: segmentIds' shape [${segmentIds.shape.join(', ')}] must prefix x's shape [${x.shape.join(', ')}]`);
  }
  return tf.tidy(() => {
    const n = segmentIds.size;
    const rest = x.shape.slice(idRank);
    const width = rest.reduce((a, b) => a * b, 1);
    const ids = tf.cast(tf.reshape(segmentIds, [n]), 'int32');
    // int32 one-hot, then cast: tfjs 4.22's wasm OneHot writes integer bits into float32 outputs.
    const selector = tf.cast(tf.transpose(tf.oneHot(ids, numSegments)), 'float32'); // [segments, n]
    const values = tf.reshape(tf.cast(x, 'float32'), [n, width]);
    const summed = tf.reshape(tf.matMul(selector, values), [numSegments, ...rest]);
    return x.dtype === 'float32' ? summed : tf.cast(summed, x.dtype);
  });
}
