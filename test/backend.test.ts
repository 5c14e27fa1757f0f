import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { backendName, expectNoLeak } from './helpers/tensors';

describe('the test harness', () => {
  it('runs this file on the backend its vitest project names', () => {
    expect(backendName()).toBe(process.env.CUTPASTE_TEST_BACKEND);
  });

  it('expectNoLeak fails when a tensor is left behind', async () => {
    let kept: tf.Tensor | undefined;
    await expect(
      expectNoLeak(() => {
        kept = tf.ones([2]);
      }),
    ).rejects.toThrow(/leaked/);
    kept?.dispose();
    await expectNoLeak(() => tf.tidy(() => tf.sum(tf.ones([3])).dataSync()));
  });
});
