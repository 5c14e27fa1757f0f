/**
 * FeatureDensityDetector's own parts (the shared contract is in contract.test.ts): stage maps stacked
 * on one grid with a seeded channel subset, the three encoder sources (untrained preset, a fitted
 * CutPasteDetector's trained encoder, a user's LayersModel), option refusals, and loads of saves
 * that do not fit together.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CutPasteDetector, FeatureDensityDetector, FormatError, loadDetector } from '../../src/index';
import { createDetector, detectorKinds, registerDetector, resnet } from '../../src/advanced';
import { editDocument, saveToMemory } from '../helpers/artifacts';
import { stripeImages } from '../helpers/textures';
import { expectNoLeak } from '../helpers/tensors';
import { TINY_DETECTORS, TINY_IMAGE_ENCODER, TINY_SIZE } from '../helpers/tinyDetectors';

const [H, W] = TINY_SIZE;
const TWO_STAGES = { ...TINY_IMAGE_ENCODER, name: 'tiny-two-stage', blocks: [1, 1], widths: [8, 16], strides: [1, 2] };

let train: tf.Tensor4D;
beforeAll(() => {
  train = stripeImages(12, H, W, 3, 1);
});
afterAll(() => train.dispose());

describe('ResNet.stageMaps', () => {
  it('gives the maps after each asked stage; the last equals featureMap', async () => {
    await expectNoLeak(() => {
      const encoder = resnet(TWO_STAGES, { seed: 1 });
      const [s1, s2] = encoder.stageMaps(train, [1, 2]);
      const last = encoder.featureMap(train, false);
      expect(s1!.shape).toEqual([12, H / 2, W / 2, 8]);
      expect(s2!.shape).toEqual(last.shape);
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(s2!, last))).dataSync()[0])).toBeLessThan(1e-5);
      expect(() => encoder.stageMaps(train, [3])).toThrow(/stages must be integers in \[1, 2\]/);
      tf.dispose([s1!, s2!, last]);
      encoder.dispose();
    });
  });
});

describe('FeatureDensityDetector', () => {
  it('stacks the stages on the first one’s grid and keeps a seeded subset of maxFeatures channels', async () => {
    const a = await FeatureDensityDetector.create({ encoder: TWO_STAGES, stages: [1, 2], maxFeatures: 10, imageSize: TINY_SIZE, seed: 3 });
    const b = await FeatureDensityDetector.create({ encoder: TWO_STAGES, stages: [1, 2], maxFeatures: 10, imageSize: TINY_SIZE, seed: 3 });
    const all = await FeatureDensityDetector.create({
      encoder: TWO_STAGES,
      stages: [1, 2],
      maxFeatures: 100,
      imageSize: TINY_SIZE,
      seed: 3,
    });
    expect(a.featurePlan.channels).toHaveLength(10);
    expect(a.featurePlan.channels).toEqual(b.featurePlan.channels);
    expect([...a.featurePlan.channels!].every((c, i, xs) => c < 24 && (i === 0 || c > xs[i - 1]!))).toBe(true);
    expect(all.featurePlan.channels).toBeUndefined(); // 8 + 16 stacked channels ≤ 100: all kept
    const report = await a.fit(train, { workers: 0 });
    expect(report.grid).toEqual([H / 2, W / 2]);
    expect(report.features).toBe(10);
    for (const d of [a, b, all]) d.dispose();
  });

  it('uses a fitted CutPasteDetector’s trained encoder (a copy: disposing either leaves the other working)', async () => {
    const cutpaste = await CutPasteDetector.create({ ...TINY_DETECTORS.image, seed: 2 });
    await expect(FeatureDensityDetector.create({ encoder: cutpaste, imageSize: TINY_SIZE })).rejects.toThrow(/not fitted/);
    await cutpaste.fit(train, { workers: 0 });
    const fd = await FeatureDensityDetector.create({ encoder: cutpaste, stages: [1], imageSize: TINY_SIZE });
    cutpaste.dispose();
    await fd.fit(train, { workers: 0 });
    expect((await fd.score(train)).every(Number.isFinite)).toBe(true);
    const copy = await loadDetector(tf.io.fromMemory(await saveToMemory(fd)));
    expect(Array.from(await copy.score(train))).toEqual(Array.from(await fd.score(train)));
    copy.dispose();
    fd.dispose();
  });

  it('takes a user’s LayersModel (its feature map), never disposes it, and needs it again to load', async () => {
    const input = tfl.input({ shape: [H, W, 3] });
    const conv = tfl.layers
      .conv2d({
        filters: 6,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
      })
      .apply(input) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: conv });
    const sized = await FeatureDensityDetector.create({ encoder: { model } });
    expect(sized.options.imageSize).toEqual([H, W]); // the model's fixed input size, not the default 256
    sized.dispose();
    const fd = await FeatureDensityDetector.create({ encoder: { model }, imageSize: TINY_SIZE, perLocation: false });
    const report = await fd.fit(train, { workers: 0 });
    expect(report.features).toBe(6);
    expect(report.density).toBe('shared');
    const saved = await saveToMemory(fd);
    await expect(FeatureDensityDetector.load(tf.io.fromMemory(saved))).rejects.toThrow(
      /pass it again as load\(source, \{ encoderModel \}\)/,
    );
    const copy = await FeatureDensityDetector.load(tf.io.fromMemory(saved), { encoderModel: model });
    expect(Array.from(await copy.score(train))).toEqual(Array.from(await fd.score(train)));
    copy.dispose();
    fd.dispose();
    expect(model.predict(tf.zeros([1, H, W, 3])) instanceof tf.Tensor).toBe(true); // the user's model still works
    model.dispose();
  });

  it('refuses options with an OptionError naming the option', async () => {
    await expect(FeatureDensityDetector.create({ stages: [] })).rejects.toMatchObject({ name: 'OptionError', option: 'stages' });
    await expect(FeatureDensityDetector.create({ encoder: TWO_STAGES, stages: [3], imageSize: TINY_SIZE })).rejects.toThrow(
      /stage numbers in \[1, 2\]/,
    );
    await expect(FeatureDensityDetector.create({ maxFeatures: 0 })).rejects.toMatchObject({ option: 'maxFeatures' });
    await expect(FeatureDensityDetector.create({ steps: 10 } as never)).rejects.toThrow(/unknown option/);
  });

  describe('loading a save that does not fit together is a FormatError, and leaks nothing', () => {
    let saved: tf.io.ModelArtifacts;
    beforeAll(async () => {
      const fd = await FeatureDensityDetector.create({ encoder: TWO_STAGES, stages: [1, 2], maxFeatures: 10, imageSize: TINY_SIZE });
      await fd.fit(train, { workers: 0 });
      saved = await saveToMemory(fd);
      fd.dispose();
    });
    const tampered = (edit: (doc: Record<string, unknown>) => void): tf.io.IOHandler => tf.io.fromMemory(editDocument(saved, edit));
    const cases: [string, (doc: Record<string, unknown>) => void, RegExp][] = [
      [
        'channels beyond the stacked maps',
        (d) => ((d.plan as { channels: number[] }).channels = [0, 1, 2, 3, 4, 5, 6, 7, 8, 99]),
        /not below the 24 stacked channels/,
      ],
      ['channels not ascending', (d) => ((d.plan as { channels: number[] }).channels = [3, 1]), /plan.channels must be ascending/],
      ['an unknown plan source', (d) => ((d.plan as { source: unknown }).source = 'everything'), /plan.source must be/],
      [
        'fewer channels than the density',
        (d) => ((d.plan as { channels: number[] }).channels = [0, 1, 2]),
        /dimension 10 differs from the features' 3/,
      ],
      ['a CutPaste document kind', (d) => (d.detector = 'cutpaste'), /detector must be 'feature-density'/],
    ];
    for (const [what, edit, message] of cases) {
      it(what, async () => {
        await expectNoLeak(async () => {
          const error = await FeatureDensityDetector.load(tampered(edit)).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(FormatError);
          expect((error as Error).message).toMatch(message);
        });
      });
    }
    it('CutPasteDetector.load refuses a feature-density save; loadDetector reads it', async () => {
      await expect(CutPasteDetector.load(tf.io.fromMemory(saved))).rejects.toThrow(/detector must be 'cutpaste'/);
      const d = await loadDetector(tf.io.fromMemory(saved));
      expect(d).toBeInstanceOf(FeatureDensityDetector);
      d.dispose();
    });
  });
});

describe('the detector registry', () => {
  it('creates by kind, refuses unknown kinds and bad entries, and loadDetector names the registered kinds for an unknown save', async () => {
    await expect(createDetector('nope')).rejects.toThrow(/createDetector: kind must be one of 'cutpaste', 'feature-density', got "nope"/);
    expect(() => registerDetector('x', { create: 1 } as never)).toThrow(TypeError);
    const d = await createDetector('feature-density', { encoder: TWO_STAGES, stages: [1], imageSize: TINY_SIZE });
    expect(d).toBeInstanceOf(FeatureDensityDetector);
    await d.fit(train, { workers: 0 });
    const saved = await saveToMemory(d);
    d.dispose();
    const entry = registerDetector('feature-density', undefined)!;
    try {
      expect(detectorKinds()).toEqual(['cutpaste']);
      await expect(loadDetector(tf.io.fromMemory(saved))).rejects.toThrow(
        /detector kind "feature-density", which is not registered \(registered: cutpaste\)/,
      );
    } finally {
      registerDetector('feature-density', entry);
    }
    expect(detectorKinds()).toEqual(['cutpaste', 'feature-density']);
  });
});
