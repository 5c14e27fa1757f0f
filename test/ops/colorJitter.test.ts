import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/math/random';
import { colorJitter } from '../../src/ops/colorJitter';
import { jitterPixels, resolveJitter, sampleJitter, type JitterParams, type JitterStep } from '../../src/ops/jitter';
import { expectNoLeak, maxAbsDiff } from '../helpers/tensors';
import { randomImages } from './augmentHelpers';
import fixture from './fixtures/color-jitter.json';

interface Case {
  name: string;
  channels: number;
  order: JitterStep[];
  factors: { brightness: number; contrast: number; saturation: number; hue: number };
  input: number[];
  output: number[];
}

const ALL: JitterStep[] = ['brightness', 'contrast', 'saturation', 'hue'];
const NEUTRAL = { brightness: 1, contrast: 1, saturation: 1, hue: 0 };

describe('jitterPixels (torchvision ColorJitter semantics)', () => {
  const { height, width } = fixture;
  for (const c of fixture.cases as Case[]) {
    it(`matches torchvision for ${c.name}`, () => {
      // Steps missing from the case run at neutral factors (they must then be exact no-ops).
      const order = [...c.order, ...ALL.filter((s) => !c.order.includes(s))];
      const params: JitterParams = { order, ...NEUTRAL, ...pick(c.factors, c.order) };
      const got = Float32Array.from(c.input);
      jitterPixels(got, [1, height * width, c.channels], [params]);
      expect(maxAbsDiff(got, c.output)).toBeLessThan(2e-6);
    });
  }

  it('uses only the counted pixels for the contrast mean and copies the last one into the padding', () => {
    const c = (fixture.cases as Case[]).find((k) => k.name.startsWith('3ch contrast/hue'))!;
    const n = height * width;
    const params: JitterParams = { order: c.order, ...c.factors };
    const got = Float32Array.from([...c.input, ...c.input.slice(0, 9)]); // three padding pixels
    jitterPixels(got, [1, n + 3, 3], [params], [n]);
    expect(maxAbsDiff(got.slice(0, n * 3), c.output)).toBeLessThan(2e-6);
    const last = Array.from(got.slice(n * 3 - 3, n * 3));
    expect(Array.from(got.slice(n * 3))).toEqual([...last, ...last, ...last]);
  });

  it('jitters every image of a batch with its own parameters and order', () => {
    const cases = (fixture.cases as Case[]).filter((k) => k.channels === 3 && k.order.length === 4);
    const input = cases.flatMap((k) => k.input);
    const params = cases.map((k) => ({ order: k.order, ...k.factors }));
    const got = Float32Array.from(input);
    jitterPixels(got, [cases.length, height * width, 3], params);
    expect(
      maxAbsDiff(
        got,
        cases.flatMap((k) => k.output),
      ),
    ).toBeLessThan(2e-6);
  });
});

function pick(f: Case['factors'], steps: JitterStep[]): Partial<Case['factors']> {
  return Object.fromEntries(steps.map((s) => [s, f[s]]));
}

describe('sampleJitter', () => {
  it('draws a permutation of the four steps and factors inside the configured ranges', () => {
    const rng = createRng(3);
    const amounts = resolveJitter('test', 'jitter', { brightness: 0.2, hue: 0.05 });
    const firsts = new Set<string>();
    for (let i = 0; i < 400; i++) {
      const p = sampleJitter(rng, amounts);
      expect([...p.order].sort()).toEqual([...ALL].sort());
      firsts.add(p.order[0]!);
      expect(Math.abs(p.brightness - 1)).toBeLessThanOrEqual(0.2);
      expect(Math.abs(p.contrast - 1)).toBeLessThanOrEqual(0.1);
      expect(Math.abs(p.saturation - 1)).toBeLessThanOrEqual(0.1);
      expect(Math.abs(p.hue)).toBeLessThanOrEqual(0.05);
    }
    expect(firsts.size).toBe(4);
  });

  it('rejects out-of-range strengths, naming the option', () => {
    expect(() => resolveJitter('op', 'options.jitter', 0.6)).toThrow(/options\.jitter .*\[0, 0\.5\].*0\.6/);
    expect(() => resolveJitter('op', 'options.jitter', { hue: 0.7 })).toThrow(RangeError);
    expect(() => resolveJitter('op', 'options.jitter', { brightness: -0.1 })).toThrow(/options\.jitter\.brightness/);
    expect(() => resolveJitter('op', 'options.jitter', { bright: 0.1 })).toThrow(/unknown option "bright"/);
  });
});

describe('colorJitter', () => {
  it('keeps shape and dtype and stays in [0, 1] on a non-square batch', () => {
    const x = randomImages(3, 9, 14, 3);
    const y = colorJitter(x, { brightness: 0.5, contrast: 0.5, saturation: 0.5, hue: 0.3, rng: createRng(1) });
    expect(y.shape).toEqual([3, 9, 14, 3]);
    expect(y.dtype).toBe('float32');
    const v = y.dataSync();
    expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...v)).toBeLessThanOrEqual(1);
    tf.dispose([x, y]);
  });

  it('applies per-image factors: identical images come out different', () => {
    const one = randomImages(1, 6, 5, 3);
    const x = tf.concat([one, one]) as tf.Tensor4D;
    const y = colorJitter(x, { rng: createRng(2) });
    const [a, b] = tf.split(y, 2).map((t) => t.dataSync());
    expect(maxAbsDiff(a!, b!)).toBeGreaterThan(1e-3);
    tf.dispose([one, x, y]);
  });

  it('matches jitterPixels with the documented draws (7 per image, in batch order)', () => {
    const x = randomImages(2, 4, 6, 3);
    const y = colorJitter(x, { rng: createRng(5) });
    const rng = createRng(5);
    const amounts = resolveJitter('t', 'j', undefined);
    const params = [sampleJitter(rng, amounts), sampleJitter(rng, amounts)];
    const want = Float32Array.from(x.dataSync());
    jitterPixels(want, [2, 24, 3], params);
    expect(maxAbsDiff(y.dataSync(), want)).toBe(0);
    tf.dispose([x, y]);
  });

  it('is the identity with all strengths 0 and reproducible with a seed', () => {
    const x = randomImages(2, 5, 7, 1);
    const zero = colorJitter(x, { brightness: 0, contrast: 0, saturation: 0, hue: 0, rng: createRng(1) });
    expect(maxAbsDiff(zero.dataSync(), x.dataSync())).toBe(0);
    const a = colorJitter(x, { rng: createRng(9) });
    const b = colorJitter(x, { rng: createRng(9) });
    const c = colorJitter(x, { rng: createRng(10) });
    expect(maxAbsDiff(a.dataSync(), b.dataSync())).toBe(0);
    expect(maxAbsDiff(a.dataSync(), c.dataSync())).toBeGreaterThan(0);
    tf.dispose([x, zero, a, b, c]);
  });

  it('leaks no tensors and leaves its input untouched', async () => {
    const x = randomImages(2, 5, 7, 3);
    const before = x.dataSync().slice();
    await expectNoLeak(() => colorJitter(x, { rng: createRng(1) }).dispose());
    expect(maxAbsDiff(x.dataSync(), before)).toBe(0);
    x.dispose();
  });

  it('rejects bad inputs with the argument and the allowed values in the message', () => {
    const x = randomImages(1, 4, 4, 3);
    expect(() => colorJitter(tf.zeros([4, 4, 3]) as unknown as tf.Tensor4D)).toThrow(/rank 4/);
    expect(() => colorJitter(tf.zeros([1, 4, 4, 3], 'int32') as tf.Tensor4D)).toThrow(TypeError);
    expect(() => colorJitter(tf.zeros([1, 4, 4, 2]) as tf.Tensor4D)).toThrow(/1 or 3 channels, got 2/);
    expect(() => colorJitter(x, { hue: 0.6 })).toThrow(/options\.hue must be a number in \[0, 0\.5\], got 0\.6/);
    expect(() => colorJitter(x, { rng: 3 as unknown as () => number })).toThrow(/options\.rng/);
    x.dispose();
  });
});
