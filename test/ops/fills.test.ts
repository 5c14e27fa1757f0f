import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/math/random';
import { cutout, cutoutWithMask } from '../../src/ops/cutout';
import { scar, scarWithMask } from '../../src/ops/scar';
import { expectNoLeak, maxAbsDiff } from '../helpers/tensors';
import { randomImages } from './augmentHelpers';

/** Per image: count of changed pixels outside the mask, and the set of values inside it per channel. */
function inspect(images: tf.Tensor4D, original: tf.Tensor4D, masks: tf.Tensor4D) {
  const [batch, height, width, channels] = images.shape;
  const got = images.dataSync();
  const src = original.dataSync();
  const mask = masks.dataSync();
  return Array.from({ length: batch }, (_, b) => {
    let outside = 0;
    let area = 0;
    const inside: Array<Set<number>> = Array.from({ length: channels }, () => new Set());
    for (let p = 0; p < height * width; p++) {
      const m = mask[b * height * width + p];
      if (m === 1) area++;
      for (let c = 0; c < channels; c++) {
        const i = (b * height * width + p) * channels + c;
        if (m === 1) inside[c]!.add(got[i]!);
        else if (got[i] !== src[i]) outside++;
      }
    }
    return { outside, area, inside };
  });
}

describe('cutout', () => {
  it('fills one rectangle per image with one constant color and leaves the rest exact (3 and 1 channels)', () => {
    for (const channels of [3, 1]) {
      const x = randomImages(4, 22, 35, channels);
      const { images, masks, patches } = cutoutWithMask(x, { rng: createRng(channels) });
      expect(images.shape).toEqual([4, 22, 35, channels]);
      inspect(images, x, masks).forEach((r, b) => {
        const p = patches[b]!;
        expect(r.outside).toBe(0);
        expect(r.area).toBe(p.height * p.width);
        expect(p.color).toHaveLength(channels);
        r.inside.forEach((values, c) => expect([...values]).toEqual([Math.fround(p.color[c]!)]));
        expect(p.target.top + p.height).toBeLessThanOrEqual(22);
        expect(p.target.left + p.width).toBeLessThanOrEqual(35);
      });
      tf.dispose([x, images, masks]);
    }
  });

  it('draws the fill color from options.color and is reproducible with a seed', () => {
    const x = randomImages(3, 16, 16, 3);
    const grey = cutoutWithMask(x, { color: [0.5, 0.5], rng: createRng(1) });
    grey.patches.forEach((p) => expect(p.color).toEqual([0.5, 0.5, 0.5]));
    const a = cutout(x, { rng: createRng(2) });
    const b = cutout(x, { rng: createRng(2) });
    const c = cutout(x, { rng: createRng(3) });
    expect(maxAbsDiff(a.dataSync(), b.dataSync())).toBe(0);
    expect(maxAbsDiff(a.dataSync(), c.dataSync())).toBeGreaterThan(0);
    tf.dispose([x, grey.images, grey.masks, a, b, c]);
  });

  it('leaks no tensors, leaves its input untouched and rejects bad options', async () => {
    const x = randomImages(2, 12, 9, 3);
    const before = x.dataSync().slice();
    await expectNoLeak(() => cutout(x, { rng: createRng(1) }).dispose());
    await expectNoLeak(() => {
      const r = cutoutWithMask(x, { rng: createRng(1) });
      tf.dispose([r.images, r.masks]);
    });
    expect(maxAbsDiff(x.dataSync(), before)).toBe(0);
    expect(() => cutout(x, { color: [0, 2] })).toThrow(/options\.color must be \[min, max\] with 0 ≤ min ≤ max ≤ 1, got \[0, 2\]/);
    expect(() => cutout(x, { area: [0.1] as never })).toThrow(/options\.area/);
    expect(() => cutout(x, { jitter: 0 } as never)).toThrow(/unknown option "jitter"/);
    x.dispose();
  });
});

describe('scar', () => {
  it('fills one rotated thin rectangle per image with one constant color (3 and 1 channels)', () => {
    for (const channels of [3, 1]) {
      const x = randomImages(5, 60, 44, channels);
      const { images, masks, patches } = scarWithMask(x, { scale: 1, rng: createRng(channels) });
      expect(images.shape).toEqual([5, 60, 44, channels]);
      inspect(images, x, masks).forEach((r, b) => {
        const p = patches[b]!;
        expect(r.outside).toBe(0);
        const area = p.width * p.height;
        expect(Math.abs(r.area - area)).toBeLessThanOrEqual(0.15 * area + 4);
        r.inside.forEach((values, c) => expect([...values]).toEqual([Math.fround(p.color[c]!)]));
        expect(p.width).toBeGreaterThanOrEqual(2);
        expect(p.width).toBeLessThanOrEqual(16);
        expect(p.height).toBeGreaterThanOrEqual(10);
        expect(p.height).toBeLessThanOrEqual(25);
        expect(Math.abs(p.angle)).toBeLessThanOrEqual(45);
        expect(p.target.top + p.box.height).toBeLessThanOrEqual(60);
        expect(p.target.left + p.box.width).toBeLessThanOrEqual(44);
      });
      tf.dispose([x, images, masks]);
    }
  });

  it('is reproducible with a seed, leaks no tensors and rejects scars that cannot fit', async () => {
    const x = randomImages(2, 24, 30, 3);
    const a = scar(x, { rng: createRng(4) });
    const b = scar(x, { rng: createRng(4) });
    expect(maxAbsDiff(a.dataSync(), b.dataSync())).toBe(0);
    await expectNoLeak(() => scar(x, { rng: createRng(1) }).dispose());
    await expectNoLeak(() => {
      const r = scarWithMask(x, { rng: createRng(1) });
      tf.dispose([r.images, r.masks]);
    });
    expect(() => scar(x, { height: [10, 40], scale: 1 })).toThrow(RangeError);
    expect(() => scar(x, { color: [-0.1, 1] })).toThrow(/options\.color/);
    tf.dispose([x, a, b]);
  });
});
