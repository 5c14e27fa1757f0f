/**
 * A patch the encoder cannot take (issue 14, item 16) is an option error at `create`, not a failure
 * deep inside `fit` after the data was read: `cutpaste fit|evaluate` turn it into a usage error.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CutPasteDetector } from '../../src/index';

describe('CutPasteDetector.create with a patch smaller than its encoder needs', () => {
  it('throws a RangeError naming the option patchSize and the smallest size, leaving no tensor', async () => {
    const before = tf.memory().numTensors;
    const options = {
      mode: 'patch' as const,
      encoder: 'patch32' as const,
      patchSize: 16,
      stride: 8,
      imageSize: [48, 64] as [number, number],
      steps: 1,
    };
    const error = await CutPasteDetector.create(options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe(
      'CutPasteDetector: option patchSize must be at least 32 px, the smallest input of the encoder patch32, got 16',
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('accepts the smallest size', async () => {
    const detector = await CutPasteDetector.create({
      mode: 'patch',
      encoder: 'patch32',
      patchSize: 32,
      stride: 8,
      imageSize: [48, 64],
      steps: 1,
    });
    detector.dispose();
  });
});
