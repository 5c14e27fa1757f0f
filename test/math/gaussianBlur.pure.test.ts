import { describe, expect, it } from 'vitest';
import { gaussianBlur, gaussianKernel1d } from '../../src/math/index';
import fixture from '../fixtures/score-maps.json';
import { expectAllClose } from '../helpers/close';

const { height, width, image } = fixture; // 13 × 17, not square

// Outputs are Float32Array: 1e-6 relative + 1e-7 absolute against float64 references (scipy, torch).
describe('gaussianKernel1d', () => {
  for (const k of fixture.kernels) {
    it(`matches scipy's kernel for sigma ${k.sigma} (radius round(4·sigma))`, () => {
      expectAllClose(gaussianKernel1d(k.sigma), k.kernel, 1e-14, 1e-17, 'kernel');
    });
  }

  it('sums to 1, is symmetric, honours an explicit radius and gives [1] for sigma 0', () => {
    const k = gaussianKernel1d(1.7, 3);
    expect(k.length).toBe(7);
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 15);
    expect(k[0]).toBe(k[6]);
    expect(Array.from(gaussianKernel1d(0))).toEqual([1]);
  });
});

describe('gaussianBlur', () => {
  for (const b of fixture.gaussianFilter) {
    it(`matches scipy.ndimage.gaussian_filter(mode='reflect') for sigma ${b.sigma} on a 13×17 map`, () => {
      const out = gaussianBlur(Float32Array.from(image), height, width, b.sigma);
      expect(out).toBeInstanceOf(Float32Array);
      expectAllClose(out, b.output, 1e-6, 1e-7, 'blurred');
    });
  }

  it('returns a copy for sigma 0 and leaves its input untouched', () => {
    const input = Float32Array.from(image);
    const out = gaussianBlur(input, height, width, 0);
    expect(out).not.toBe(input);
    expect(Array.from(out)).toEqual(Array.from(input));
    gaussianBlur(input, height, width, 2);
    expect(Array.from(input)).toEqual(Array.from(Float32Array.from(image)));
  });

  it('treats height and width separately (transposed input gives the transposed output)', () => {
    const transposed = new Float32Array(height * width);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) transposed[x * height + y] = image[y * width + x]!;
    const a = gaussianBlur(Float32Array.from(image), height, width, 1.5);
    const b = gaussianBlur(transposed, width, height, 1.5);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) expect(b[x * height + y]).toBeCloseTo(a[y * width + x]!, 6);
  });
});
