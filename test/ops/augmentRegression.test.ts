// The pixel functions reproduce, bit for bit, the outputs of the tensor ops as they were before the
// pixel layer existed (SHA-256 of the float32 bytes; see fixtures/make-augment-hashes.ts).
import * as tf from '@tensorflow/tfjs-core';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/math/random';
import {
  colorJitterPixels,
  cutoutPixelsWithMask,
  cutPastePixels,
  cutPastePixelsWithMask,
  cutPasteScarPixelsWithMask,
  extractPatches,
  randomCropsPixels,
  randomTranslatePixels,
  scarPixelsWithMask,
  type PixelAugmentResult,
  type PixelBatch,
} from '../../src/ops/index';
import fixture from './fixtures/augment-hashes.json';

const hash = (...arrays: Float32Array[]): string => {
  const h = createHash('sha256');
  for (const a of arrays) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.digest('hex').slice(0, 16);
};
const both = (r: PixelAugmentResult<unknown>): string => hash(r.images.data, r.masks.data);
const one = (b: PixelBatch): string => hash(b.data);

const SHAPES: Array<[number, number, number, number]> = [
  [5, 37, 52, 3],
  [4, 64, 40, 1],
  [3, 128, 96, 3],
];

describe('pixel functions against the pre-refactor tensor ops', () => {
  const want = fixture.hashes as Record<string, string>;
  for (const shape of SHAPES) {
    const [batch, height, width, channels] = shape;
    it(`reproduce every augmentation's recorded output on ${shape.join('×')}`, () => {
      const r = createRng(`in-${shape.join(',')}`);
      const x: PixelBatch = {
        data: Float32Array.from({ length: batch * height * width * channels }, () => r()),
        batch,
        height,
        width,
        channels,
      };
      const got: Record<string, string> = {};
      for (const seed of [1, 2, 3]) {
        const rng = () => createRng(seed);
        got[`cutPaste-${seed}`] = both(cutPastePixelsWithMask(x, { rng: rng() }));
        got[`cutPaste-j0-${seed}`] = one(cutPastePixels(x, { jitter: 0, rng: rng() }));
        got[`cutPaste-j4-${seed}`] = one(cutPastePixels(x, { jitter: 0.4, area: [0.1, 0.5], rng: rng() }));
        got[`cutPasteScar-${seed}`] = both(cutPasteScarPixelsWithMask(x, { rng: rng() }));
        got[`cutPasteScar-s1-${seed}`] = both(cutPasteScarPixelsWithMask(x, { scale: 1, jitter: 0.3, rng: rng() }));
        got[`cutout-${seed}`] = both(cutoutPixelsWithMask(x, { rng: rng() }));
        got[`scar-${seed}`] = both(scarPixelsWithMask(x, { scale: 1, rng: rng() }));
        got[`jitter-${seed}`] = one(colorJitterPixels(x, { rng: rng() }));
        got[`jitterStrong-${seed}`] = one(colorJitterPixels(x, { brightness: 0.5, contrast: 0.5, saturation: 0.5, hue: 0.5, rng: rng() }));
        got[`translate-${seed}`] = one(randomTranslatePixels(x, { maxShift: 0.4, rng: rng() }));
        got[`translateEdge-${seed}`] = one(randomTranslatePixels(x, { maxShift: 0.3, border: 'edge', rng: rng() }));
        got[`crops-${seed}`] = one(randomCropsPixels(x, [20, 31], rng()));
      }
      // extractPatches stays a tensor op (one gatherND now, a backend-dependent gather before).
      const image = tf.tensor4d(x.data.subarray(height * width * channels, 2 * height * width * channels), [1, height, width, channels]);
      const { patches } = extractPatches(image, [9, 13], [5, 4]);
      got.extract = hash(patches.dataSync() as Float32Array);
      tf.dispose([image, patches]);
      const expected = Object.fromEntries(Object.keys(got).map((k) => [k, want[`${shape.join('x')}/${k}`]]));
      expect(got).toEqual(expected);
    });
  }
});
