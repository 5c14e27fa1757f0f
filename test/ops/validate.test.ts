// The ops' argument checks are the numeric core's (src/math/validate.ts) plus what option values need:
// one way to show a received value, one number check, one choice of TypeError or RangeError.
import { describe, expect, it } from 'vitest';
import { describeValue } from '../../src/math/validate';
import { colorJitterPixels, createPixelBatch, randomTranslatePixels } from '../../src/ops/index';
import { checkNumber, show } from '../../src/ops/validate';

describe('the ops’ argument checks', () => {
  it('show a received scalar, string, typed array or function as the numeric core does', () => {
    for (const value of ['x'.repeat(1000), new Float64Array(3), -0, NaN, null, undefined, true, () => 1]) {
      expect(show(value)).toBe(describeValue(value));
    }
    expect(show('x'.repeat(1000)).length).toBeLessThan(50);
  });

  it('show arrays by their contents, cut to a bounded length, and tensors and plain objects by their shape', () => {
    expect(show([0.9, 0.1])).toBe('[0.9, 0.1]');
    expect(show(new Array<number>(100_000).fill(1)).length).toBeLessThan(300);
    expect(show({ dtype: 'int32', shape: [2, 3] })).toBe('a int32 tensor of shape [2, 3]');
    expect(show({ a: 1, b: 2 })).toBe('an object with keys a, b');
  });

  it('refuse a number option that is not a number with a TypeError, and one out of range with a RangeError', () => {
    expect(() => checkNumber('op', 'options.x', '0.1', { min: 0, max: 1 })).toThrow(TypeError);
    expect(() => checkNumber('op', 'options.x', 2, { min: 0, max: 1 })).toThrow(
      new RangeError('op: options.x must be a number in [0, 1], got 2'),
    );
    expect(() => checkNumber('op', 'options.x', 1, { min: 0, max: 1, maxInclusive: false })).toThrow(
      /must be a number in \[0, 1\), got 1$/,
    );
    expect(() => checkNumber('op', 'options.x', Infinity, { min: 0, max: Infinity, maxInclusive: false })).toThrow(RangeError);
    const images = createPixelBatch({ batch: 1, height: 2, width: 2, channels: 3 });
    expect(() => colorJitterPixels(images, { hue: '0.1' as never })).toThrow(TypeError);
    expect(() => randomTranslatePixels(images, { maxShift: null as never })).toThrow(TypeError);
  });
});
