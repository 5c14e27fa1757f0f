import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/math/random';
import { cutPaste, cutPasteWithMask } from '../../src/ops/cutPaste';
import { jitterPixels } from '../../src/ops/jitter';
import { resolveRectangle, sampleRectangle } from '../../src/ops/rectangleShape';
import { expectNoLeak, maxAbsDiff } from '../helpers/tensors';
import { pixelReader, randomImages } from './augmentHelpers';

describe('cutPaste', () => {
  for (const [batch, height, width, channels] of [
    [3, 24, 40, 3],
    [2, 30, 18, 1],
  ] as const) {
    it(`keeps shape ${[batch, height, width, channels].join('×')} and float32, and changes only the masked rectangle`, () => {
      const x = randomImages(batch, height, width, channels);
      const { images, masks, patches } = cutPasteWithMask(x, { rng: createRng(1) });
      expect(images.shape).toEqual([batch, height, width, channels]);
      expect(images.dtype).toBe('float32');
      expect(masks.shape).toEqual([batch, height, width, 1]);
      const got = pixelReader(images.dataSync(), images.shape);
      const src = pixelReader(x.dataSync(), x.shape);
      const mask = pixelReader(masks.dataSync(), masks.shape);
      for (let b = 0; b < batch; b++) {
        const p = patches[b]!;
        let changed = 0;
        for (let y = 0; y < height; y++) {
          for (let xx = 0; xx < width; xx++) {
            const inside = y >= p.target.top && y < p.target.top + p.height && xx >= p.target.left && xx < p.target.left + p.width;
            expect(mask(b, y, xx, 0)).toBe(inside ? 1 : 0);
            for (let c = 0; c < channels; c++) {
              if (!inside) expect(got(b, y, xx, c)).toBe(src(b, y, xx, c));
              else if (got(b, y, xx, c) !== src(b, y, xx, c)) changed++;
            }
          }
        }
        expect(changed).toBeGreaterThan(0);
        expect(p.target.top + p.height).toBeLessThanOrEqual(height);
        expect(p.target.left + p.width).toBeLessThanOrEqual(width);
        expect(p.source.top + p.height).toBeLessThanOrEqual(height);
        expect(p.source.left + p.width).toBeLessThanOrEqual(width);
      }
      tf.dispose([x, images, masks]);
    });
  }

  it('pastes an exact copy of a region of the same image when the jitter is 0', () => {
    const [batch, height, width] = [4, 20, 26];
    const x = randomImages(batch, height, width, 3, 2);
    const { images, masks, patches } = cutPasteWithMask(x, { jitter: 0, rng: createRng(4) });
    const got = pixelReader(images.dataSync(), images.shape);
    const src = pixelReader(x.dataSync(), x.shape);
    const mask = masks.dataSync();
    for (let b = 0; b < batch; b++) {
      // Find the pasted rectangle from the mask alone, then search the original for that content.
      const rows: number[] = [];
      const cols: number[] = [];
      for (let i = 0; i < height * width; i++) {
        if (mask[b * height * width + i] === 1) {
          rows.push(Math.floor(i / width));
          cols.push(i % width);
        }
      }
      const [top, left] = [Math.min(...rows), Math.min(...cols)];
      const [h, w] = [Math.max(...rows) - top + 1, Math.max(...cols) - left + 1];
      expect(rows.length).toBe(h * w);
      const matches: Array<[number, number]> = [];
      for (let sy = 0; sy + h <= height; sy++) {
        for (let sx = 0; sx + w <= width; sx++) {
          let same = true;
          for (let y = 0; y < h && same; y++) {
            for (let xx = 0; xx < w && same; xx++) {
              for (let c = 0; c < 3; c++) same &&= got(b, top + y, left + xx, c) === src(b, sy + y, sx + xx, c);
            }
          }
          if (same) matches.push([sy, sx]);
        }
      }
      expect(matches).toEqual([[patches[b]!.source.top, patches[b]!.source.left]]);
    }
    tf.dispose([x, images, masks]);
  });

  it('pastes the source region color-jittered with the drawn parameters (contrast about the patch mean)', () => {
    const [batch, height, width] = [3, 16, 22];
    const x = randomImages(batch, height, width, 3, 3);
    const jittered = cutPasteWithMask(x, { jitter: 0.1, rng: createRng(8) });
    const plain = cutPasteWithMask(x, { jitter: 0, rng: createRng(8) });
    // The jitter's draws come after the geometry's, so both calls cut and paste the same rectangles.
    expect(maxAbsDiff(jittered.masks.dataSync(), plain.masks.dataSync())).toBe(0);
    const got = pixelReader(jittered.images.dataSync(), x.shape);
    const src = pixelReader(x.dataSync(), x.shape);
    for (let b = 0; b < batch; b++) {
      const p = jittered.patches[b]!;
      expect(plain.patches[b]!.source).toEqual(p.source);
      const region: number[] = [];
      const pasted: number[] = [];
      for (let y = 0; y < p.height; y++) {
        for (let xx = 0; xx < p.width; xx++) {
          for (let c = 0; c < 3; c++) {
            region.push(src(b, p.source.top + y, p.source.left + xx, c));
            pasted.push(got(b, p.target.top + y, p.target.left + xx, c));
          }
        }
      }
      const want = Float32Array.from(region);
      jitterPixels(want, [1, p.height * p.width, 3], [p.jitter]);
      expect(maxAbsDiff(pasted, want)).toBeLessThan(1e-6);
      expect(maxAbsDiff(pasted, region)).toBeGreaterThan(1e-3);
    }
    tf.dispose([x, jittered.images, jittered.masks, plain.images, plain.masks]);
  });

  it('draws patch areas and aspect ratios inside the configured ranges, with the expected spread', () => {
    const rng = createRng(11);
    const shape = resolveRectangle('t', {});
    const areas: number[] = [];
    const logAspects: number[] = [];
    for (let i = 0; i < 4000; i++) {
      const { height, width } = sampleRectangle(rng, shape, 600, 900);
      areas.push((height * width) / (600 * 900));
      logAspects.push(Math.log(width / height));
    }
    const mean = (v: number[]) => v.reduce((s, a) => s + a, 0) / v.length;
    expect(Math.min(...areas)).toBeGreaterThan(0.0195);
    expect(Math.max(...areas)).toBeLessThan(0.1505);
    expect(mean(areas)).toBeCloseTo(0.085, 2);
    const [lo, hi] = [Math.log(0.3), Math.log(3.3)];
    expect(Math.min(...logAspects)).toBeGreaterThan(lo - 0.01);
    expect(Math.max(...logAspects)).toBeLessThan(hi + 0.01);
    expect(Math.min(...logAspects)).toBeLessThan(lo + 0.05);
    expect(Math.max(...logAspects)).toBeGreaterThan(hi - 0.05);
    // Log-uniform: the log's mean is the middle of the log range, its variance (hi − lo)² / 12.
    expect(mean(logAspects)).toBeCloseTo((lo + hi) / 2, 1);
    const variance = mean(logAspects.map((v) => (v - (lo + hi) / 2) ** 2));
    expect(variance).toBeCloseTo((hi - lo) ** 2 / 12, 1);
  });

  it('honours custom area and aspect ranges in the op', () => {
    const x = randomImages(6, 40, 40, 1);
    const { images, masks, patches } = cutPasteWithMask(x, { area: [0.25, 0.25], aspect: [1, 1], rng: createRng(1) });
    for (const p of patches) expect([p.height, p.width]).toEqual([20, 20]);
    expect(Array.from(tf.sum(masks, [1, 2, 3]).dataSync())).toEqual(Array(6).fill(400));
    tf.dispose([x, images, masks]);
  });

  it('gives the same output for the same seed and different outputs for different seeds', () => {
    const x = randomImages(3, 12, 17, 3);
    const a = cutPaste(x, { rng: createRng(5) });
    const b = cutPaste(x, { rng: createRng(5) });
    const c = cutPaste(x, { rng: createRng(6) });
    expect(maxAbsDiff(a.dataSync(), b.dataSync())).toBe(0);
    expect(maxAbsDiff(a.dataSync(), c.dataSync())).toBeGreaterThan(0);
    const m = cutPasteWithMask(x, { rng: createRng(5) });
    expect(maxAbsDiff(m.images.dataSync(), a.dataSync())).toBe(0);
    tf.dispose([x, a, b, c, m.images, m.masks]);
  });

  it('leaks no tensors and leaves its input untouched', async () => {
    const x = randomImages(2, 10, 14, 3);
    const before = x.dataSync().slice();
    await expectNoLeak(() => cutPaste(x, { rng: createRng(1) }).dispose());
    await expectNoLeak(() => {
      const r = cutPasteWithMask(x, { rng: createRng(1) });
      tf.dispose([r.images, r.masks]);
    });
    await expectNoLeak(() => cutPaste(x).dispose()); // default, clock-seeded rng
    expect(maxAbsDiff(x.dataSync(), before)).toBe(0);
    expect(x.isDisposed).toBe(false);
    x.dispose();
  });

  it('rejects bad inputs and options with the option, the value and the allowed range', () => {
    const x = randomImages(1, 8, 8, 3);
    expect(() => cutPaste(tf.zeros([8, 8, 3]) as unknown as tf.Tensor4D)).toThrow(RangeError);
    expect(() => cutPaste([1, 2] as unknown as tf.Tensor4D)).toThrow(TypeError);
    expect(() => cutPaste(tf.zeros([1, 8, 8, 3], 'int32') as tf.Tensor4D)).toThrow(/float32 .*got int32/);
    expect(() => cutPaste(tf.zeros([1, 8, 8, 4]) as tf.Tensor4D)).toThrow(/1 or 3 channels/);
    expect(() => cutPaste(x, { area: [0.2, 0.1] })).toThrow(
      /options\.area must be \[min, max\] with 0 < min ≤ max ≤ 1, got \[0\.2, 0\.1\]/,
    );
    expect(() => cutPaste(x, { area: [0, 0.1] })).toThrow(RangeError);
    expect(() => cutPaste(x, { aspect: [-1, 2] })).toThrow(/options\.aspect/);
    expect(() => cutPaste(x, { jitter: 0.8 })).toThrow(/options\.jitter/);
    expect(() => cutPaste(x, { areaRatio: [0.1, 0.2] } as never)).toThrow(/unknown option "areaRatio"/);
    expect(() => cutPaste(x, { rng: 'seed' as never })).toThrow(TypeError);
    x.dispose();
  });
});
