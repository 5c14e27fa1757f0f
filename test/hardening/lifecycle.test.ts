/**
 * Lifecycle and concurrency of CutPasteDetector, as a careful user and an attacker would try them:
 * `fit` while scoring calls run (they finish on the old model, then `fit` swaps; no call mixes two
 * models), `dispose` during `fit` or a scoring call (a typed `AbortError`, and every tensor freed once
 * the calls settle), and options the caller keeps a reference to or passes as `null`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, CutPasteDetector, type FitProgress, type TestSet } from '../../src/index';
import { resolveCutPasteOptions, type ResNetConfig } from '../../src/advanced';
import { objectImages } from '../helpers/textures';
import { TINY_DETECTORS, TINY_IMAGE_ENCODER, TINY_SIZE } from '../helpers/tinyDetectors';

const [H, W] = TINY_SIZE;
// One image per forward pass: a scoring call over `many` spans dozens of event-loop turns, so a fit
// started after it reaches its density stage while the call is still running.
const tiny = { ...TINY_DETECTORS.image, steps: 2, inferenceBatchSize: 1, seed: 1 };

let trainA: tf.Tensor4D;
let trainB: tf.Tensor4D;
let many: tf.Tensor4D;
beforeAll(() => {
  trainA = objectImages(4, H, W, 1).images;
  trainB = objectImages(4, H, W, 2).images;
  many = objectImages(48, H, W, 3).images;
});
const labels = Array.from({ length: 48 }, (_, i) => i % 2);
afterAll(() => tf.dispose([trainA, trainB, many]));

const settles = (p: Promise<unknown>) => {
  const state = { settled: false };
  p.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
};

/** A stream of two test sets; the second is handed out only when `gate` resolves. */
async function* gatedStream(gate: Promise<void>): AsyncIterable<TestSet> {
  yield { images: many, labels };
  await gate;
  yield { images: many, labels };
}

describe('fit while scoring calls run: they finish on the model they started with, then fit swaps', () => {
  type Reader = [
    what: string,
    call: (d: CutPasteDetector) => Promise<unknown>,
    check: (result: unknown, d: CutPasteDetector, old: { scores: Float32Array; threshold: number }) => void,
  ];
  const readers: Reader[] = [
    ['score', (d) => d.score(many), (r, _d, old) => expect(Array.from(r as Float32Array)).toEqual(Array.from(old.scores))],
    ['scoreMaps', (d) => d.scoreMaps(many), (r) => expect((r as unknown[]).length).toBe(48)],
    [
      'predict',
      (d) => d.predict(many),
      (r, _d, old) => expect((r as { score: number }[]).map((p) => p.score)).toEqual(Array.from(old.scores)),
    ],
    [
      'calibrate (its threshold is the old model’s, and the new model keeps its own)',
      (d) => d.calibrate(many),
      (r, d, old) => {
        expect((r as { value: number }).value).toBe(old.threshold);
        expect(d.threshold?.method).toBe('fit');
      },
    ],
  ];
  for (const [what, call, check] of readers) {
    it(`${what} started before fit completes with the old model`, async () => {
      const d = await CutPasteDetector.create(tiny);
      await d.fit(trainA, { workers: 0 });
      const old = { scores: await d.score(many), threshold: (await d.calibrate(many)).value };
      const running = call(d);
      const reader = settles(running);
      let overlapped = false;
      const onProgress = (p: FitProgress) => {
        if (p.stage === 'density') overlapped = !reader.settled;
      };
      const [result, fit] = await Promise.allSettled([running, d.fit(trainB, { workers: 0, onProgress })]);
      expect(overlapped, 'the call was still running when fit reached its density stage').toBe(true);
      expect(result.status === 'rejected' ? String(result.reason) : 'fulfilled').toBe('fulfilled');
      expect(fit.status).toBe('fulfilled');
      check((result as PromiseFulfilledResult<unknown>).value, d, old);
      expect(Array.from(await d.score(many))).not.toEqual(Array.from(old.scores)); // fit did swap in the new model
      d.dispose();
    });
  }

  it('a streamed evaluate scores every batch with the model it started with, and fit waits for it', async () => {
    const d = await CutPasteDetector.create(tiny);
    await d.fit(trainA, { workers: 0 });
    const old = await d.score(many);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const evaluation = d.evaluate(gatedStream(gate));
    const fit = d.fit(trainB, { workers: 0, onProgress: (p) => p.stage === 'density' && open() });
    const result = await evaluation;
    expect(Array.from(result.scores)).toEqual([...old, ...old]);
    await fit;
    expect(Array.from(await d.score(many))).not.toEqual(Array.from(old));
    d.dispose();
  });
});

describe('dispose() during fit: fit rejects with AbortError and every tensor is freed', () => {
  const moments: [when: string, stage: FitProgress['stage'] | 'call'][] = [
    ['right after fit is called', 'call'],
    ['while training', 'train'],
    ['while embedding', 'embed'],
    ['in the density stage', 'density'],
  ];
  for (const [when, stage] of moments) {
    it(`dispose ${when}`, async () => {
      const before = tf.memory().numTensors;
      const d = await CutPasteDetector.create(tiny);
      const fit = d.fit(trainA, { workers: 0, onProgress: (p) => p.stage === stage && d.dispose() });
      if (stage === 'call') d.dispose();
      const error = await fit.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AbortError);
      expect((error as Error).message).toBe('CutPasteDetector.fit: the detector was disposed while fit() was running');
      expect(d.isFitted).toBe(false);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('dispose while a fitted detector refits and scores: both calls reject and nothing is left', async () => {
    const before = tf.memory().numTensors;
    const d = await CutPasteDetector.create(tiny);
    await d.fit(trainA, { workers: 0 });
    const scoring = d.score(many);
    const fit = d.fit(trainB, { workers: 0, onProgress: (p) => p.stage === 'train' && d.dispose() });
    const results = await Promise.allSettled([scoring, fit]);
    for (const r of results) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(AbortError);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('dispose() during a scoring call: it rejects with AbortError and every tensor is freed', () => {
  const calls: [method: string, call: (d: CutPasteDetector) => Promise<unknown>][] = [
    ['score', (d) => d.score(many)],
    ['scoreMaps', (d) => d.scoreMaps(many)],
    ['predict', (d) => d.predict(many)],
    ['calibrate', (d) => d.calibrate(many)],
    ['calibrateWithLabels', (d) => d.calibrateWithLabels(many, labels)],
    ['evaluate', (d) => d.evaluate({ images: many, labels })],
  ];
  for (const [method, call] of calls) {
    it(`dispose during ${method}`, async () => {
      const before = tf.memory().numTensors;
      const d = await CutPasteDetector.create(tiny);
      await d.fit(trainA, { workers: 0 });
      const running = call(d);
      await new Promise((resolve) => setTimeout(resolve, 0));
      d.dispose();
      const error = await running.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AbortError);
      expect((error as Error).message).toBe(`CutPasteDetector.${method}: the detector was disposed while ${method}() was running`);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('options are copied and frozen; null is refused', () => {
  it('mutating the caller’s imageSize, headWidths or encoder config after create changes nothing', async () => {
    const imageSize: [number, number] = [H, W];
    const headWidths = [8];
    const encoder = structuredClone(TINY_IMAGE_ENCODER) as ResNetConfig & { widths: number[] };
    const d = await CutPasteDetector.create({ ...tiny, imageSize, headWidths, encoder });
    imageSize[0] = 5;
    headWidths.push(0);
    encoder.widths[0] = 9999;
    expect(d.options.imageSize).toEqual([H, W]);
    expect(d.options.headWidths).toEqual([8]);
    expect((d.options.encoder as ResNetConfig).widths).toEqual([8]);
    for (const part of [d.options.imageSize, d.options.headWidths, d.options.encoder, (d.options.encoder as ResNetConfig).stem]) {
      expect(Object.isFrozen(part)).toBe(true);
    }
    expect(Object.isFrozen(encoder)).toBe(false); // the caller's object is copied, never frozen
    d.dispose();
  });

  it('a pretrained model is kept by reference (not copied, not frozen); its options are copied', () => {
    const model = { name: 'a user model' } as never;
    const inputSize: [number, number] = [H, W];
    const resolved = resolveCutPasteOptions({ mode: 'image', imageSize: [H, W], encoder: { model, inputSize } });
    inputSize[1] = 5;
    const encoder = resolved.encoder as { model: unknown; inputSize: readonly number[] };
    expect(encoder.model).toBe(model);
    expect(Object.isFrozen(model)).toBe(false);
    expect(encoder.inputSize).toEqual([H, W]);
    expect(Object.isFrozen(encoder) && Object.isFrozen(encoder.inputSize)).toBe(true);
  });

  const names = Object.keys(resolveCutPasteOptions({}));
  for (const name of names) {
    it(`refuses ${name}: null with a RangeError naming the option`, () => {
      expect(() => resolveCutPasteOptions({ [name]: null })).toThrow(new RegExp(`^CutPasteDetector: option ${name} must be .*, got null$`));
      expect(() => resolveCutPasteOptions({ [name]: null })).toThrow(RangeError);
    });
  }

  it('an option given as undefined still means its default', () => {
    const undefinedEverywhere = Object.fromEntries(names.map((n) => [n, undefined]));
    expect(resolveCutPasteOptions(undefinedEverywhere)).toEqual(resolveCutPasteOptions({}));
  });
});
