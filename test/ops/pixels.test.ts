import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../../src/math/random';
import {
  colorJitter,
  colorJitterPixels,
  cutout,
  cutoutPixels,
  cutoutPixelsWithMask,
  cutoutWithMask,
  cutPaste,
  cutPastePixels,
  cutPastePixelsWithMask,
  cutPasteScar,
  cutPasteScarPixels,
  cutPasteScarPixelsWithMask,
  cutPasteScarWithMask,
  cutPasteWithMask,
  extractPatches,
  pixelsFromTensor,
  randomCrops,
  randomCropsPixels,
  randomTranslate,
  randomTranslatePixels,
  scar,
  scarPixels,
  scarPixelsWithMask,
  scarWithMask,
  type PixelBatch,
} from '../../src/ops/index';
import { expectNoLeak } from '../helpers/tensors';
import { randomImages } from './augmentHelpers';

/** The tensor's pixels as a PixelBatch (a copy). */
const pixelsOf = (x: tf.Tensor4D): PixelBatch => pixelsFromTensor(x);

/** Bitwise equality of two float arrays (same length, same bits; NaN never occurs here). */
function expectSameBits(got: ArrayLike<number>, want: ArrayLike<number>): void {
  expect(got.length).toBe(want.length);
  let differing = 0;
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) differing++;
  expect(differing, 'values differing').toBe(0);
}

interface Pair {
  name: string;
  /** The tensor op: images, masks (or none) and the parameters drawn. */
  tensor: (x: tf.Tensor4D, rng: Rng) => { images: tf.Tensor4D; masks?: tf.Tensor4D; patches?: unknown[] };
  /** The pixel function on the same input. */
  pixels: (x: PixelBatch, rng: Rng) => { images: PixelBatch; masks?: PixelBatch; patches?: unknown[] };
}

const PAIRS: Pair[] = [
  {
    name: 'cutPaste (jittered)',
    tensor: (x, rng) => cutPasteWithMask(x, { rng }),
    pixels: (x, rng) => cutPastePixelsWithMask(x, { rng }),
  },
  {
    name: 'cutPaste (strong jitter, large patches)',
    tensor: (x, rng) => ({ images: cutPaste(x, { jitter: 0.5, area: [0.2, 0.6], rng }) }),
    pixels: (x, rng) => ({ images: cutPastePixels(x, { jitter: 0.5, area: [0.2, 0.6], rng }) }),
  },
  {
    name: 'cutPaste (no jitter)',
    tensor: (x, rng) => ({ images: cutPaste(x, { jitter: 0, rng }) }),
    pixels: (x, rng) => ({ images: cutPastePixels(x, { jitter: 0, rng }) }),
  },
  {
    name: 'cutPasteScar (jittered)',
    tensor: (x, rng) => cutPasteScarWithMask(x, { scale: 1, jitter: 0.3, rng }),
    pixels: (x, rng) => cutPasteScarPixelsWithMask(x, { scale: 1, jitter: 0.3, rng }),
  },
  {
    name: 'cutPaste (centred in the middle third)',
    tensor: (x, rng) => cutPasteWithMask(x, { centre: 1 / 3, rng }),
    pixels: (x, rng) => cutPastePixelsWithMask(x, { centre: 1 / 3, rng }),
  },
  {
    name: 'cutPasteScar (centred in the middle half)',
    tensor: (x, rng) => cutPasteScarWithMask(x, { scale: 0.5, centre: 0.5, rng }),
    pixels: (x, rng) => cutPasteScarPixelsWithMask(x, { scale: 0.5, centre: 0.5, rng }),
  },
  {
    name: 'cutPasteScar (default scale)',
    tensor: (x, rng) => ({ images: cutPasteScar(x, { rng }) }),
    pixels: (x, rng) => ({ images: cutPasteScarPixels(x, { rng }) }),
  },
  {
    name: 'cutout',
    tensor: (x, rng) => cutoutWithMask(x, { rng }),
    pixels: (x, rng) => cutoutPixelsWithMask(x, { rng }),
  },
  {
    name: 'cutout (plain)',
    tensor: (x, rng) => ({ images: cutout(x, { color: [0.2, 0.4], rng }) }),
    pixels: (x, rng) => ({ images: cutoutPixels(x, { color: [0.2, 0.4], rng }) }),
  },
  {
    name: 'scar',
    tensor: (x, rng) => scarWithMask(x, { scale: 1, rng }),
    pixels: (x, rng) => scarPixelsWithMask(x, { scale: 1, rng }),
  },
  {
    name: 'scar (plain)',
    tensor: (x, rng) => ({ images: scar(x, { angle: [-90, 90], rng }) }),
    pixels: (x, rng) => ({ images: scarPixels(x, { angle: [-90, 90], rng }) }),
  },
  {
    name: 'colorJitter (strong)',
    tensor: (x, rng) => ({ images: colorJitter(x, { brightness: 0.5, contrast: 0.5, saturation: 0.5, hue: 0.5, rng }) }),
    pixels: (x, rng) => ({ images: colorJitterPixels(x, { brightness: 0.5, contrast: 0.5, saturation: 0.5, hue: 0.5, rng }) }),
  },
  {
    name: 'randomTranslate (reflect)',
    tensor: (x, rng) => ({ images: randomTranslate(x, { maxShift: 0.4, rng }) }),
    pixels: (x, rng) => ({ images: randomTranslatePixels(x, { maxShift: 0.4, rng }) }),
  },
  {
    name: 'randomTranslate (edge)',
    tensor: (x, rng) => ({ images: randomTranslate(x, { maxShift: 0.3, border: 'edge', rng }) }),
    pixels: (x, rng) => ({ images: randomTranslatePixels(x, { maxShift: 0.3, border: 'edge', rng }) }),
  },
  {
    name: 'randomCrops',
    tensor: (x, rng) => ({ images: randomCrops(x, [9, 14], rng) }),
    pixels: (x, rng) => ({ images: randomCropsPixels(x, [9, 14], rng) }),
  },
];

const SHAPES: Array<[number, number, number, number]> = [
  [4, 36, 50, 3],
  [3, 52, 34, 1],
];

describe('pixel functions', () => {
  for (const pair of PAIRS) {
    it(`give bit-identical images, masks and draws to the tensor op for ${pair.name}`, () => {
      for (const shape of SHAPES) {
        const x = randomImages(...shape, 7);
        const input = pixelsOf(x);
        for (const seed of [1, 2]) {
          const t = pair.tensor(x, createRng(seed));
          const p = pair.pixels(input, createRng(seed));
          expect([p.images.batch, p.images.height, p.images.width, p.images.channels]).toEqual(t.images.shape);
          expectSameBits(p.images.data, t.images.dataSync());
          if (t.masks) {
            expect([p.masks!.batch, p.masks!.height, p.masks!.width, p.masks!.channels]).toEqual(t.masks.shape);
            expectSameBits(p.masks!.data, t.masks.dataSync());
          }
          expect(p.patches).toEqual(t.patches);
          tf.dispose([t.images, t.masks ?? []]);
        }
        x.dispose();
      }
    });
  }

  it('never modify their input', () => {
    const x = randomImages(3, 34, 41, 3, 2);
    const input = pixelsOf(x);
    const before = input.data.slice();
    for (const pair of PAIRS) {
      const out = pair.pixels(input, createRng(3));
      expect(out.images.data).not.toBe(input.data);
    }
    expectSameBits(input.data, before);
    x.dispose();
  });

  it('write into options.out (a subarray of a larger batch) exactly what they return otherwise', () => {
    const x = randomImages(3, 18, 25, 3, 3);
    const input = pixelsOf(x);
    const n = input.data.length;
    const all = new Float32Array(3 * n).fill(-1);
    const a = cutPastePixels(input, { rng: createRng(4), out: all.subarray(n, 2 * n) });
    const b = cutPasteScarPixels(input, { rng: createRng(5), out: all.subarray(2 * n) });
    expect(a.data.buffer).toBe(all.buffer);
    expectSameBits(all.subarray(n, 2 * n), cutPastePixels(input, { rng: createRng(4) }).data);
    expectSameBits(all.subarray(2 * n), cutPasteScarPixels(input, { rng: createRng(5) }).data);
    expect(b.data.length).toBe(n);
    expect(Array.from(new Set(all.subarray(0, n)))).toEqual([-1]); // the first third is untouched
    const crops = new Float32Array(3 * 5 * 7 * 3);
    expect(randomCropsPixels(input, [5, 7], createRng(6), crops).data).toBe(crops);
    expectSameBits(crops, randomCropsPixels(input, [5, 7], createRng(6)).data);
    const shifted = new Float32Array(n);
    randomTranslatePixels(input, { rng: createRng(7), out: shifted });
    expectSameBits(shifted, randomTranslatePixels(input, { rng: createRng(7) }).data);
    x.dispose();
  });

  it('work in place when options.out is the input array, with the same result', () => {
    const x = randomImages(4, 22, 31, 3, 4);
    const input = pixelsOf(x);
    const cases: Array<[string, (b: PixelBatch, out?: Float32Array) => PixelBatch]> = [
      ['cutPaste', (b, out) => cutPastePixels(b, { rng: createRng(1), out })],
      ['cutPaste jitter 0', (b, out) => cutPastePixels(b, { jitter: 0, area: [0.3, 0.5], rng: createRng(2), out })],
      ['cutPasteScar', (b, out) => cutPasteScarPixels(b, { scale: 0.6, rng: createRng(3), out })],
      ['cutout', (b, out) => cutoutPixels(b, { rng: createRng(4), out })],
      ['scar', (b, out) => scarPixels(b, { rng: createRng(5), out })],
      ['colorJitter', (b, out) => colorJitterPixels(b, { rng: createRng(6), out })],
    ];
    for (const [name, f] of cases) {
      const want = f(input).data;
      const copy: PixelBatch = { ...input, data: input.data.slice() };
      const got = f(copy, copy.data);
      expect(got.data, name).toBe(copy.data);
      expectSameBits(copy.data, want);
    }
    x.dispose();
  });

  it('reject an out array of the wrong size or one overlapping the input', () => {
    const input: PixelBatch = { data: new Float32Array(2 * 6 * 5 * 3), batch: 2, height: 6, width: 5, channels: 3 };
    const n = input.data.length;
    expect(() => cutPastePixels(input, { out: new Float32Array(n - 1) })).toThrow(/options\.out must have length 180.*got 179/);
    expect(() => cutPastePixels(input, { out: [] as never })).toThrow(TypeError);
    const shared = new Float32Array(2 * n);
    const overlapping: PixelBatch = { ...input, data: shared.subarray(0, n) };
    expect(() => cutPastePixels(overlapping, { out: shared.subarray(3, n + 3) })).toThrow(/must not overlap/);
    expect(() => randomTranslatePixels(input, { out: input.data })).toThrow(/must not overlap the input's data$/);
    expect(() => randomCropsPixels(input, 2, createRng(1), new Float32Array(5))).toThrow(/length 24/);
  });

  it('reject malformed batches and unknown options, naming the argument', () => {
    const good: PixelBatch = { data: new Float32Array(2 * 4 * 3), batch: 2, height: 4, width: 3, channels: 1 };
    expect(() => cutPastePixels({ ...good, data: [0, 1] } as never)).toThrow(
      /images must be a PixelBatch .*got an object with keys data, batch, height, width, channels/,
    );
    expect(() => cutPastePixels({ ...good, height: 5 })).toThrow(/images\.data must have length .* = 30, got 24/);
    expect(() => cutPastePixels({ ...good, width: 0 })).toThrow(/images\.width must be a positive integer, got 0/);
    expect(() => colorJitterPixels({ ...good, channels: 2, height: 2 })).toThrow(/1 or 3 channels, got 2/);
    expect(() => cutPastePixels(good, { areaRatio: 1 } as never)).toThrow(/unknown option "areaRatio"/);
    expect(() => cutPasteScarPixels(good, { scale: 1 })).toThrow(/needs up to .* the images are 4 × 3/);
    expect(() => randomCropsPixels(good, [5, 1], createRng(1))).toThrow(/size \[5, 1\] must fit/);
    expect(() => colorJitterPixels(good, { hue: 0.7 })).toThrow(/options\.hue must be a number in \[0, 0\.5\]/);
  });
});

describe('the tensor ops', () => {
  it('leave no tensors behind and do not touch their input, on every op', async () => {
    const x = randomImages(2, 36, 40, 3, 5);
    const image = tf.tidy(() => tf.slice(x, [0, 0, 0, 0], [1, -1, -1, -1])) as tf.Tensor4D;
    const before = x.dataSync().slice();
    for (const pair of PAIRS) {
      await expectNoLeak(() => {
        const r = pair.tensor(x, createRng(1));
        tf.dispose([r.images, r.masks ?? []]);
      });
    }
    await expectNoLeak(() => extractPatches(image, [8, 6], [4, 5]).patches.dispose());
    expectSameBits(x.dataSync(), before);
    tf.dispose([x, image]);
  });
});
