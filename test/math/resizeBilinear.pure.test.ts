import { describe, expect, it } from 'vitest';
import { resizeBilinear } from '../../src/math/index';
import fixture from '../fixtures/score-maps.json';
import { expectAllClose } from '../helpers/close';

// Float32Array output: 1e-6 relative + 1e-7 absolute against torch in float64.
describe('resizeBilinear', () => {
  for (const r of fixture.resize) {
    it(`matches torch F.interpolate(bilinear, align_corners=False) from ${r.height}×${r.width} to ${r.outHeight}×${r.outWidth}`, () => {
      const out = resizeBilinear(Float32Array.from(r.input), r.height, r.width, r.outHeight, r.outWidth);
      expect(out.length).toBe(r.outHeight * r.outWidth);
      expectAllClose(out, r.output, 1e-6, 1e-7, 'resized');
    });
  }

  it('keeps a constant map constant', () => {
    const out = resizeBilinear(new Float32Array(12).fill(0.25), 3, 4, 7, 2);
    expect(Array.from(out)).toEqual(new Array(14).fill(0.25));
  });
});
