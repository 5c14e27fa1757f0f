import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/math/random';
import { cutPasteScar, cutPasteScarWithMask } from '../../src/ops/cutPasteScar';
import { expectNoLeak, maxAbsDiff } from '../helpers/tensors';
import { pixelReader, principalAngle, randomImages } from './augmentHelpers';

/** The masked pixels of image b, as [row, col]. */
function maskedPixels(mask: ArrayLike<number>, b: number, height: number, width: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < height * width; i++) if (mask[b * height * width + i] === 1) out.push([Math.floor(i / width), i % width]);
  return out;
}

describe('cutPasteScar', () => {
  it('keeps shape and dtype on non-square 1- and 3-channel batches and changes only the masked scar', () => {
    for (const [batch, height, width, channels] of [
      [3, 40, 64, 3],
      [2, 70, 36, 1],
    ] as const) {
      const x = randomImages(batch, height, width, channels);
      const { images, masks, patches } = cutPasteScarWithMask(x, { scale: 1, rng: createRng(2) });
      expect(images.shape).toEqual(x.shape);
      expect(images.dtype).toBe('float32');
      const got = images.dataSync();
      const src = x.dataSync();
      const mask = masks.dataSync();
      let changedOutside = 0;
      for (let i = 0; i < got.length; i++) if (mask[Math.floor(i / channels)] === 0 && got[i] !== src[i]) changedOutside++;
      expect(changedOutside).toBe(0);
      for (let b = 0; b < batch; b++) {
        const p = patches[b]!;
        for (const [y, xx] of maskedPixels(mask, b, height, width)) {
          expect(y).toBeGreaterThanOrEqual(p.target.top);
          expect(y).toBeLessThan(p.target.top + p.box.height);
          expect(xx).toBeGreaterThanOrEqual(p.target.left);
          expect(xx).toBeLessThan(p.target.left + p.box.width);
        }
        expect(p.target.top + p.box.height).toBeLessThanOrEqual(height);
        expect(p.target.left + p.box.width).toBeLessThanOrEqual(width);
      }
      tf.dispose([x, images, masks]);
    }
  });

  it('pastes the upright source rectangle unchanged at angle 0 with jitter 0', () => {
    const [batch, height, width] = [4, 48, 60];
    const x = randomImages(batch, height, width, 3, 4);
    const { images, masks, patches } = cutPasteScarWithMask(x, { angle: [0, 0], jitter: 0, scale: 1, rng: createRng(3) });
    const got = pixelReader(images.dataSync(), x.shape);
    const src = pixelReader(x.dataSync(), x.shape);
    const mask = masks.dataSync();
    for (let b = 0; b < batch; b++) {
      const p = patches[b]!;
      expect(p.box).toEqual({ height: p.height, width: p.width });
      expect(maskedPixels(mask, b, height, width).length).toBe(p.width * p.height);
      for (let y = 0; y < p.height; y++) {
        for (let xx = 0; xx < p.width; xx++) {
          for (let c = 0; c < 3; c++) {
            expect(got(b, p.target.top + y, p.target.left + xx, c)).toBe(src(b, p.source.top + y, p.source.left + xx, c));
          }
        }
      }
    }
    tf.dispose([x, images, masks]);
  });

  it('fills a rotated scar only with pixels of its source rectangle when the jitter is 0', () => {
    const [batch, height, width] = [3, 64, 64];
    const x = randomImages(batch, height, width, 1, 5);
    const { images, masks, patches } = cutPasteScarWithMask(x, { angle: [30, 45], jitter: 0, scale: 1.5, rng: createRng(4) });
    const got = pixelReader(images.dataSync(), x.shape);
    const src = pixelReader(x.dataSync(), x.shape);
    const mask = masks.dataSync();
    for (let b = 0; b < batch; b++) {
      const p = patches[b]!;
      const allowed = new Set<number>();
      for (let y = 0; y < p.height; y++) for (let xx = 0; xx < p.width; xx++) allowed.add(src(b, p.source.top + y, p.source.left + xx, 0));
      const used = new Set<number>();
      for (const [y, xx] of maskedPixels(mask, b, height, width)) {
        expect(allowed.has(got(b, y, xx, 0))).toBe(true);
        used.add(got(b, y, xx, 0));
      }
      // Nearest-neighbour rotation shows most of the source pixels.
      expect(used.size).toBeGreaterThan(0.6 * p.width * p.height);
    }
    tf.dispose([x, images, masks]);
  });

  it('draws widths, heights and angles in range, and the masks have that area and orientation', () => {
    const [batch, height, width] = [300, 64, 96];
    const x = tf.zeros([batch, height, width, 1]) as tf.Tensor4D;
    const { images, masks, patches } = cutPasteScarWithMask(x, { scale: 1, jitter: 0, rng: createRng(6) });
    const mask = masks.dataSync();
    const angles = patches.map((p) => p.angle);
    for (const p of patches) {
      expect(p.width).toBeGreaterThanOrEqual(2);
      expect(p.width).toBeLessThanOrEqual(16);
      expect(p.height).toBeGreaterThanOrEqual(10);
      expect(p.height).toBeLessThanOrEqual(25);
      expect(Math.abs(p.angle)).toBeLessThanOrEqual(45);
    }
    const mean = (v: number[]) => v.reduce((s, a) => s + a, 0) / v.length;
    expect(mean(patches.map((p) => p.width))).toBeCloseTo(9, 0);
    expect(mean(patches.map((p) => p.height))).toBeCloseTo(17.5, 0);
    expect(Math.abs(mean(angles))).toBeLessThan(5);
    expect(Math.sqrt(mean(angles.map((a) => a * a)))).toBeCloseTo(90 / Math.sqrt(12), -1); // uniform: sd 26°
    for (let b = 0; b < batch; b++) {
      const p = patches[b]!;
      const pixels = maskedPixels(mask, b, height, width);
      const area = p.width * p.height;
      expect(Math.abs(pixels.length - area)).toBeLessThanOrEqual(0.15 * area + 4);
      if (p.height >= 2 * p.width && p.width >= 3) {
        expect(Math.abs(principalAngle(pixels) - p.angle)).toBeLessThan(8);
      }
    }
    tf.dispose([x, images, masks]);
  });

  it('scales the scar with the image by default: min(height, width) / 256', () => {
    const x = tf.zeros([40, 128, 200, 1]) as tf.Tensor4D;
    const { images, masks, patches } = cutPasteScarWithMask(x, { rng: createRng(7) });
    for (const p of patches) {
      expect(p.width).toBeGreaterThanOrEqual(1);
      expect(p.width).toBeLessThanOrEqual(8);
      expect(p.height).toBeGreaterThanOrEqual(5);
      expect(p.height).toBeLessThanOrEqual(13);
    }
    tf.dispose([x, images, masks]);
  });

  it('with shrinkToFit, shortens scars too large for the images (length first) and draws each inside', () => {
    const [height, width] = [16, 20];
    const x = randomImages(64, height, width, 3);
    const { images, masks, patches } = cutPasteScarWithMask(x, { scale: 1, shrinkToFit: true, jitter: 0, rng: createRng(3) });
    const mask = masks.dataSync();
    let shortened = 0;
    patches.forEach((p, b) => {
      expect(p.target.top + p.box.height).toBeLessThanOrEqual(height);
      expect(p.target.left + p.box.width).toBeLessThanOrEqual(width);
      expect(p.height).toBeLessThanOrEqual(height);
      expect(maskedPixels(mask, b, height, width).length).toBeGreaterThan(0);
      if (p.height < 10) shortened++; // below the paper's shortest: only a fit does that
    });
    expect(shortened).toBeGreaterThan(0);
    // Scars that fit are the ones drawn without the option (same draws, same pixels).
    const big = randomImages(4, 64, 64, 3);
    const plain = cutPasteScar(big, { scale: 1, rng: createRng(5) });
    const fitted = cutPasteScar(big, { scale: 1, shrinkToFit: true, rng: createRng(5) });
    expect(maxAbsDiff(plain.dataSync(), fitted.dataSync())).toBe(0);
    expect(() => cutPasteScar(x, { scale: 1, shrinkToFit: 'yes' as never })).toThrow(/options\.shrinkToFit must be a boolean, got yes/);
    tf.dispose([x, images, masks, big, plain, fitted]);
  });

  it('gives the same output for the same seed and different outputs for different seeds', () => {
    const x = randomImages(2, 32, 40, 3);
    const a = cutPasteScar(x, { rng: createRng(1) });
    const b = cutPasteScar(x, { rng: createRng(1) });
    const c = cutPasteScar(x, { rng: createRng(2) });
    expect(maxAbsDiff(a.dataSync(), b.dataSync())).toBe(0);
    expect(maxAbsDiff(a.dataSync(), c.dataSync())).toBeGreaterThan(0);
    tf.dispose([x, a, b, c]);
  });

  it('leaks no tensors and leaves its input untouched', async () => {
    const x = randomImages(2, 32, 40, 3);
    const before = x.dataSync().slice();
    await expectNoLeak(() => cutPasteScar(x, { rng: createRng(1) }).dispose());
    await expectNoLeak(() => {
      const r = cutPasteScarWithMask(x, { rng: createRng(1) });
      tf.dispose([r.images, r.masks]);
    });
    expect(maxAbsDiff(x.dataSync(), before)).toBe(0);
    x.dispose();
  });

  it('rejects bad options and scars that cannot fit, naming the option and the allowed range', () => {
    const x = randomImages(1, 20, 30, 3);
    expect(() => cutPasteScar(x, { width: [5, 2] })).toThrow(
      /options\.width must be \[min, max\] with 0 < min ≤ max < Infinity, got \[5, 2\]/,
    );
    expect(() => cutPasteScar(x, { angle: [-200, 0] })).toThrow(/options\.angle/);
    expect(() => cutPasteScar(x, { scale: 0 })).toThrow(/options\.scale must be a number in \(0, Infinity\), got 0/);
    expect(() => cutPasteScar(x, { scale: 2 })).toThrow(/needs up to .* the images are 20 × 30/);
    expect(() => cutPasteScar(x, { jitter: { hue: 1 } })).toThrow(/options\.jitter\.hue/);
    x.dispose();
  });
});
