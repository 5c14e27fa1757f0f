// Shared fixtures for the augmentation tests (not a test file itself).
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../../src/math/random';

/** A batch of random images in [0, 1) whose pixels are (almost surely) all distinct. */
export function randomImages(batch: number, height: number, width: number, channels: number, seed = 1): tf.Tensor4D {
  const rng = createRng(`images-${seed}`);
  const data = new Float32Array(batch * height * width * channels);
  for (let i = 0; i < data.length; i++) data[i] = rng();
  return tf.tensor4d(data, [batch, height, width, channels]);
}

/** Nested accessor over a [batch, height, width, channels] typed array. */
export function pixelReader(data: ArrayLike<number>, shape: readonly number[]) {
  const [, height, width, channels] = shape as [number, number, number, number];
  return (b: number, y: number, x: number, c: number): number => data[((b * height + y) * width + x) * channels + c]!;
}

/** Angle in degrees (counter-clockwise as displayed, y down) of the principal axis of a set of pixels. */
export function principalAngle(points: Array<[number, number]>): number {
  const n = points.length;
  const my = points.reduce((s, p) => s + p[0], 0) / n;
  const mx = points.reduce((s, p) => s + p[1], 0) / n;
  let syy = 0;
  let sxx = 0;
  let sxy = 0;
  for (const [y, x] of points) {
    syy += (y - my) ** 2;
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (y - my);
  }
  // Axis of largest variance, with "up" = −y so that counter-clockwise angles are positive.
  const theta = 0.5 * Math.atan2(-2 * sxy, sxx - syy); // from the x axis
  // The scar's long side is its height (vertical at angle 0): angle from the vertical.
  let a = (theta * 180) / Math.PI - 90;
  while (a < -90) a += 180;
  while (a >= 90) a -= 180;
  return a;
}
