import * as tf from '@tensorflow/tfjs-core';

/**
 * Rows `index` of `rows` [n, channels] → [index.length, channels], exact copies. Internal; call
 * inside `tf.tidy`. The augmentations compute their index maps in JS and move pixels with this.
 *
 * The fastest way differs by backend (tfjs 4.22, 320k rows of 3 floats): on cpu, `GatherV2` walks
 * indices element by element (~100 ms) while a JS copy of the backing array takes ~2 ms, so cpu
 * copies in JS; on wasm `GatherNd` takes 11 ms against 61 ms for `GatherV2`; elsewhere (webgl,
 * webgpu, node) the data stays on the device with `GatherV2`. All give the same values.
 */
export function gatherRows(rows: tf.Tensor2D, index: Int32Array): tf.Tensor2D {
  const backend = tf.getBackend();
  const channels = rows.shape[1];
  if (backend === 'cpu') {
    const src = rows.dataSync() as Float32Array; // the cpu backend's own array: read only
    const out = new Float32Array(index.length * channels);
    if (channels === 1) {
      for (let k = 0; k < index.length; k++) out[k] = src[index[k]!]!;
    } else {
      for (let k = 0, o = 0; k < index.length; k++) {
        const s = index[k]! * channels;
        for (let c = 0; c < channels; c++) out[o++] = src[s + c]!;
      }
    }
    return tf.tensor2d(out, [index.length, channels]);
  }
  if (backend === 'wasm') return tf.gatherND(rows, tf.tensor2d(index, [index.length, 1], 'int32')) as tf.Tensor2D;
  return tf.gather(rows, tf.tensor1d(index, 'int32'));
}
