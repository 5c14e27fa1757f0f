import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../../src/math/random';

/**
 * Small generated normal images for tests: oriented sinusoidal stripes with a random phase, slight
 * orientation and contrast jitter and pixel noise, `[count, height, width, channels]` in [0, 1].
 */
export function stripeImages(count: number, height: number, width: number, channels: 1 | 3, seed: number): tf.Tensor4D {
  const rng = createRng(seed);
  const data = new Float32Array(count * height * width * channels);
  for (let n = 0; n < count; n++) {
    const phase = rng() * Math.PI * 2;
    const angle = 0.35 + (rng() - 0.5) * 0.1;
    const period = 6 + rng();
    const contrast = 0.35 + rng() * 0.05;
    const tint = [0.9 + rng() * 0.1, 0.7 + rng() * 0.1, 0.5 + rng() * 0.1];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const t = (x * Math.cos(angle) + y * Math.sin(angle)) / period;
        const v = 0.5 + contrast * Math.sin(2 * Math.PI * t + phase) + (rng() - 0.5) * 0.04;
        for (let c = 0; c < channels; c++) {
          data[((n * height + y) * width + x) * channels + c] = Math.min(1, Math.max(0, v * (channels === 3 ? tint[c]! : 1)));
        }
      }
    }
  }
  return tf.tensor4d(data, [count, height, width, channels]);
}
