import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { concatImages, createPixelBatch, gatherImages, pixelsFromTensor, tensorFromPixels, type PixelBatch } from '../../src/ops/index';
import { expectNoLeak } from '../helpers/tensors';
import { randomImages } from './augmentHelpers';

/** A batch whose image i is filled with i + 0.5 · (its flat pixel index) / size: every value tells its image. */
function labelled(batch: number, height: number, width: number, channels: number): PixelBatch {
  const size = height * width * channels;
  const data = new Float32Array(batch * size);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(i / size) + (i % size) / (2 * size);
  return { data, batch, height, width, channels };
}

const imageOf = (b: PixelBatch, i: number): number[] => {
  const size = b.height * b.width * b.channels;
  return Array.from(b.data.subarray(i * size, (i + 1) * size));
};

describe('createPixelBatch', () => {
  it('wraps given data without copying, or allocates zeros, and checks the length', () => {
    const data = new Float32Array(2 * 3 * 5 * 1);
    const b = createPixelBatch({ batch: 2, height: 3, width: 5, channels: 1 }, data);
    expect(b.data).toBe(data);
    expect(createPixelBatch({ batch: 1, height: 2, width: 4, channels: 3 }).data).toEqual(new Float32Array(24));
    expect(() => createPixelBatch({ batch: 2, height: 3, width: 5, channels: 1 }, new Float32Array(29))).toThrow(
      /data must have length batch · height · width · channels = 30, got 29/,
    );
    expect(() => createPixelBatch({ batch: 1, height: 2.5, width: 4, channels: 3 })).toThrow(
      /shape\.height must be a positive integer, got 2\.5/,
    );
    expect(() => createPixelBatch({ batch: 1, height: 1, width: 1, channels: 1 }, new Float64Array(1) as never)).toThrow(
      /data must be a Float32Array, got Float64Array\(1\)/,
    );
  });
});

describe('gatherImages', () => {
  it('copies the chosen images in order, repeats included, on a non-square batch', () => {
    const src = labelled(5, 3, 7, 3);
    const before = src.data.slice();
    const got = gatherImages(src, [4, 0, 4, 2]);
    expect([got.batch, got.height, got.width, got.channels]).toEqual([4, 3, 7, 3]);
    [4, 0, 4, 2].forEach((i, k) => expect(imageOf(got, k)).toEqual(imageOf(src, i)));
    expect(src.data).toEqual(before);
    const out = new Float32Array(2 * 3 * 7 * 3);
    expect(gatherImages(src, Int32Array.from([1, 3]), out).data).toBe(out);
    expect(imageOf({ ...got, data: out, batch: 2 }, 1)).toEqual(imageOf(src, 3));
  });

  it('rejects indices out of range, non-integers and an empty list', () => {
    const src = labelled(3, 2, 2, 1);
    expect(() => gatherImages(src, [0, 3])).toThrow(/indices\[1\] must be an integer in \[0, 2\], got 3/);
    expect(() => gatherImages(src, [1.5])).toThrow(RangeError);
    expect(() => gatherImages(src, [])).toThrow(/non-empty/);
  });
});

describe('concatImages', () => {
  it('puts the parts one after the other and rejects parts of another size', () => {
    const a = labelled(2, 4, 3, 1);
    const b = labelled(3, 4, 3, 1);
    const all = concatImages([a, b]);
    expect([all.batch, all.height, all.width, all.channels]).toEqual([5, 4, 3, 1]);
    expect(Array.from(all.data)).toEqual([...a.data, ...b.data]);
    expect(() => concatImages([a, labelled(1, 3, 4, 1)])).toThrow(/parts\[1\] is 3 × 4 × 1 .* all parts must match/);
    expect(() => concatImages([])).toThrow(TypeError);
  });
});

describe('pixelsFromTensor and tensorFromPixels', () => {
  it('round-trip a non-square batch exactly, the download being a copy, without leaking', async () => {
    const x = randomImages(2, 5, 9, 3);
    const pixels = await expectNoLeak(() => pixelsFromTensor(x));
    expect([pixels.batch, pixels.height, pixels.width, pixels.channels]).toEqual([2, 5, 9, 3]);
    pixels.data[0] = 42;
    expect(x.dataSync()[0]).not.toBe(42); // writing to the copy leaves the tensor alone
    pixels.data[0] = x.dataSync()[0]!;
    const y = await expectNoLeak(() => tensorFromPixels(pixels), 1);
    expect(y.shape).toEqual([2, 5, 9, 3]);
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    const flat = tf.zeros([2, 3]);
    expect(() => pixelsFromTensor(flat as never)).toThrow(/float32 tf\.Tensor4D .*got a float32 tensor of shape \[2, 3\]/);
    expect(() => tensorFromPixels({ ...pixels, batch: 3 })).toThrow(/pixels\.data must have length/);
    tf.dispose([x, y, flat]);
  });
});
