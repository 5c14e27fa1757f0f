import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng, makePretextBatch, pretextPixels, type PretextVariant } from '../../src/advanced';
import { expectNoLeak } from '../helpers/tensors';
import { stripeImages } from '../helpers/textures';

describe('pretext batches', () => {
  const cases: [PretextVariant, number[]][] = [
    ['binary', [0, 1]],
    ['scar', [0, 1]],
    ['3way', [0, 1, 2]],
    ['union', [0, 1]],
  ];
  for (const [variant, classes] of cases) {
    it(`put the ${variant} originals first with label 0, then augmented copies with labels ${classes.slice(1).join(', ')}`, async () => {
      const x = stripeImages(5, 20, 24, 3, 1);
      await expectNoLeak(async () => {
        const { images, labels } = makePretextBatch(x, variant, createRng(2));
        const n = 5;
        expect(images.shape).toEqual([n * classes.length, 20, 24, 3]);
        const l = Array.from(await labels.data());
        expect(l).toEqual(classes.flatMap((c) => new Array<number>(n).fill(c)));
        const [orig, aug] = tf.tidy(() => [
          tf.slice(images, [0, 0, 0, 0], [n, -1, -1, -1]),
          tf.slice(images, [n, 0, 0, 0], [n, -1, -1, -1]),
        ]);
        expect(Array.from(await orig.data())).toEqual(Array.from(await x.data()));
        expect(Array.from(await aug.data())).not.toEqual(Array.from(await x.data()));
        tf.dispose([images, labels, orig, aug]);
      });
      x.dispose();
    });
  }

  it('is reproducible for a seed and leaves its input untouched', () => {
    const x = stripeImages(4, 16, 16, 1, 3);
    const pixels = { data: x.dataSync().slice() as Float32Array, batch: 4, height: 16, width: 16, channels: 1 };
    const copy = pixels.data.slice();
    const a = pretextPixels(pixels, '3way', createRng(7));
    const b = pretextPixels(pixels, '3way', createRng(7));
    const c = pretextPixels(pixels, '3way', createRng(8));
    expect(a.images.data).toEqual(b.images.data);
    expect(a.images.data).not.toEqual(c.images.data);
    expect(pixels.data).toEqual(copy);
    x.dispose();
  });
});
