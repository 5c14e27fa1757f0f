import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { writeRows } from '../../src/ops/pastePatches';
import { expectNoLeak } from '../helpers/tensors';

describe('writeRows', () => {
  it('gives the same rows in JS, through tensorScatterUpdate and through a gather (webgl), duplicates included', async () => {
    const flat = tf.tensor2d([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [6, 2]);
    const targets = new Int32Array([4, 1, 4]);
    const values = tf.tensor2d([40, 41, 10, 11, 40, 41], [3, 2]);
    const want = [0, 1, 10, 11, 4, 5, 6, 7, 40, 41, 10, 11];
    for (const mode of ['js', 'scatter', 'gather'] as const) {
      const out = await expectNoLeak(() => tf.tidy(() => writeRows(flat, targets, values, mode)), 1);
      expect(Array.from(out.dataSync())).toEqual(want);
      out.dispose();
    }
    // The input is never written to (tfjs-backend-cpu's TensorScatterUpdate would, without a copy).
    expect(Array.from(flat.dataSync())).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    tf.dispose([flat, values]);
  });
});
