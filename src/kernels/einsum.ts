import * as tf from '@tensorflow/tfjs-core';

/**
 * `tf.einsum` from public tfjs ops (transpose, reshape, mul, sum), following the same contraction
 * path as the cpu backend's kernel (`backend_util.getEinsumComputePath`), so it accepts the same
 * equations. Backends without an Einsum kernel need it for `tf.image.rgbToGrayscale` (colour jitter).
 *
 * @param equation e.g. `'ijkl,l->ijk'` (tfjs's einsum grammar: no ellipsis, at most two operands).
 * @param tensors the operands, one per comma-separated term.
 * @returns the contraction (a new tensor).
 * @example
 * einsumFromOps('ij,jk->ik', [a, b]); // the same as tf.matMul(a, b)
 */
export function einsumFromOps(equation: string, tensors: tf.Tensor[]): tf.Tensor {
  return tf.tidy(() => {
    const { allDims, summedDims, idDims } = tf.backend_util.decodeEinsumEquation(equation, tensors.length);
    tf.backend_util.checkEinsumDimSizes(allDims.length, idDims, tensors);
    const { path, steps } = tf.backend_util.getEinsumComputePath(summedDims, idDims);
    let out: tf.Tensor | null = null;
    let remaining = allDims.length;
    for (let i = 0; i < steps.length; i++) {
      for (const term of steps[i]!) {
        const { permutationIndices: perm, expandDims: expand } = tf.backend_util.getEinsumPermutation(remaining, idDims[term]!);
        let x = tensors[term]!;
        if (!tf.backend_util.isIdentityPermutation(perm)) x = tf.transpose(x, perm);
        const shape = x.shape.slice();
        for (const axis of expand) shape.splice(axis, 0, 1);
        if (shape.length !== x.rank) x = tf.reshape(x, shape);
        out = out === null ? x : tf.mul(x, out);
      }
      if (i < steps.length - 1) {
        if (path[i]! >= 0) out = tf.sum(out!, path[i]! - (allDims.length - remaining));
        remaining--;
      }
    }
    if (out === null) throw new RangeError(`einsumFromOps: equation "${equation}" has no operands`);
    // An operand returned unchanged would be disposed with the caller's input: hand back a copy.
    return tensors.includes(out) ? tf.clone(out) : out;
  });
}
