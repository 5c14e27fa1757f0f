// Cross-backend check: the same seed gives the same augmentations on cpu and wasm (≤ 1e-5), and both
// equal the tfjs-free pixel functions bit for bit.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/math/random';
import {
  colorJitter,
  colorJitterPixels,
  cutPastePixelsWithMask,
  cutPasteScarPixelsWithMask,
  cutPasteScarWithMask,
  cutPasteWithMask,
  cutoutWithMask,
  extractPatches,
  randomCrops,
  randomTranslate,
  scarWithMask,
  type PixelBatch,
} from '../../src/ops/index';

tf.env().set('PROD', true);

/** Runs `make` on each backend with fresh copies of the same input; returns the outputs' data. */
/** The test input for a shape (the same numbers for every backend and for the pixel functions). */
function inputData(shape: [number, number, number, number]): Float32Array {
  const rng = createRng(`input-${shape.join('x')}`);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng());
}

async function onBackends(
  shape: [number, number, number, number],
  make: (x: tf.Tensor4D) => tf.Tensor | tf.Tensor[],
): Promise<Record<'cpu' | 'wasm', Float32Array[]>> {
  const data = inputData(shape);
  const out = {} as Record<'cpu' | 'wasm', Float32Array[]>;
  for (const backend of ['cpu', 'wasm'] as const) {
    await tf.setBackend(backend);
    const x = tf.tensor4d(data, shape);
    const result = make(x);
    const list = Array.isArray(result) ? result : [result];
    out[backend] = list.map((t) => t.dataSync() as Float32Array);
    tf.dispose([x, ...list]);
  }
  return out;
}

function expectClose(out: Record<'cpu' | 'wasm', Float32Array[]>, tolerance = 1e-5): void {
  expect(out.cpu.length).toBe(out.wasm.length);
  out.cpu.forEach((a, i) => {
    const b = out.wasm[i]!;
    expect(a.length).toBe(b.length);
    let worst = 0;
    for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k]! - b[k]!));
    expect(worst).toBeLessThanOrEqual(tolerance);
  });
}

describe('augmentations give the same output on cpu and wasm for the same seed', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
  });

  const shapes: Array<[number, number, number, number]> = [
    [6, 48, 72, 3],
    [4, 64, 40, 1],
  ];
  for (const shape of shapes) {
    const name = shape.join('×');
    it(`cutPaste (jittered) on ${name}`, async () => {
      expectClose(
        await onBackends(shape, (x) => {
          const r = cutPasteWithMask(x, { rng: createRng(1) });
          return [r.images, r.masks];
        }),
      );
    });
    it(`cutPasteScar (jittered) on ${name}`, async () => {
      expectClose(
        await onBackends(shape, (x) => {
          const r = cutPasteScarWithMask(x, { scale: 1, rng: createRng(2) });
          return [r.images, r.masks];
        }),
      );
    });
    it(`cutout and scar on ${name}`, async () => {
      expectClose(
        await onBackends(shape, (x) => {
          const a = cutoutWithMask(x, { rng: createRng(3) });
          const b = scarWithMask(x, { rng: createRng(4) });
          return [a.images, a.masks, b.images, b.masks];
        }),
      );
    });
    it(`colorJitter (strong), randomTranslate and randomCrops on ${name}`, async () => {
      expectClose(
        await onBackends(shape, (x) => [
          colorJitter(x, { brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.4, rng: createRng(5) }),
          randomTranslate(x, { maxShift: 0.3, rng: createRng(6) }),
          randomTranslate(x, { border: 'edge', rng: createRng(6) }),
          randomCrops(x, [20, 30], createRng(7)),
        ]),
      );
    });
    it(`cutPaste, cutPasteScar and colorJitter on ${name} equal the pixel functions bit for bit on both backends`, async () => {
      const [batch, height, width, channels] = shape;
      const pixels: PixelBatch = { data: inputData(shape), batch, height, width, channels };
      const cp = cutPastePixelsWithMask(pixels, { rng: createRng(1) });
      const cps = cutPasteScarPixelsWithMask(pixels, { scale: 1, rng: createRng(2) });
      const jittered = colorJitterPixels(pixels, { brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.4, rng: createRng(5) });
      const want = [cp.images.data, cp.masks.data, cps.images.data, cps.masks.data, jittered.data];
      const out = await onBackends(shape, (x) => {
        const a = cutPasteWithMask(x, { rng: createRng(1) });
        const b = cutPasteScarWithMask(x, { scale: 1, rng: createRng(2) });
        return [
          a.images,
          a.masks,
          b.images,
          b.masks,
          colorJitter(x, { brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.4, rng: createRng(5) }),
        ];
      });
      for (const backend of ['cpu', 'wasm'] as const) {
        expectClose({ cpu: want, wasm: out[backend] }, 0);
      }
    });
    it(`extractPatches on ${name}`, async () => {
      expectClose(await onBackends(shape, (x) => extractPatches(tf.slice(x, [0, 0, 0, 0], [1, -1, -1, -1]), [9, 13], [5, 4]).patches));
    });
  }
});
