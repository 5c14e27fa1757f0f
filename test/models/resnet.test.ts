import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  PATCH_ENCODER_SIZES,
  RESNET_PRESETS,
  createRng,
  patchEncoderConfig,
  resnet,
  resnetPreset,
  type ResNetConfig,
  type ResNetPresetName,
} from '../../src/advanced';
import { expectNoLeak, maxAbsDiff } from '../helpers/tensors';

const tiny: ResNetConfig = {
  name: 'tiny',
  blocks: [1, 1],
  widths: [4, 8],
  stem: { channels: 4, kernel: 3, stride: 1, maxPool: false },
};

function images(batch: number, height: number, width: number, channels = 3, seed = 1): tf.Tensor4D {
  return tf.randomUniform([batch, height, width, channels], 0, 1, 'float32', seed) as tf.Tensor4D;
}

/** Gives every BatchNorm random γ, β, running mean and variance (so folding is not a no-op). */
function randomizeBatchNorm(encoder: { getWeights(): tf.NamedTensorMap; setWeights(w: tf.NamedTensorMap): void }, seed: number): void {
  const weights = encoder.getWeights();
  const rng = createRng(seed);
  const next: tf.NamedTensorMap = {};
  for (const [name, w] of Object.entries(weights)) {
    const n = w.size;
    const u = () => Float32Array.from({ length: n }, () => rng());
    if (name.endsWith('/gamma') || name.endsWith('/runningVar'))
      next[name] = tf.tensor(
        u().map((v) => 0.5 + v),
        w.shape,
      );
    else if (name.endsWith('/beta') || name.endsWith('/runningMean'))
      next[name] = tf.tensor(
        u().map((v) => v - 0.5),
        w.shape,
      );
    else next[name] = tf.clone(w);
  }
  encoder.setWeights(next);
  tf.dispose([weights, next]);
}

describe('resnet presets', () => {
  it('have the geometry their docs state', () => {
    const geometry = Object.fromEntries(
      (Object.keys(RESNET_PRESETS) as ResNetPresetName[]).map((name) => {
        const e = resnet(resnetPreset(name));
        const g = [e.featureDim, e.totalStride, e.receptiveField, e.parameterCount];
        e.dispose();
        return [name, g];
      }),
    );
    expect(geometry).toEqual({
      resnet18: [512, 32, 435, 11_176_512],
      'resnet18-slim': [256, 32, 435, 2_798_880],
      patch16: [128, 4, 16, 190_112],
      patch32: [128, 4, 32, 288_800],
      patch48: [128, 4, 48, 308_448],
      patch64: [128, 4, 64, 327_008],
    });
  });

  it('build the patch encoder to the patch size, with patch32 exactly as it was', async () => {
    // patch32's config before patchEncoderConfig existed: saved models and fixtures rely on it.
    const patch32 = {
      name: 'patch32',
      blocks: [1, 1],
      widths: [64, 128],
      strides: [2, 1],
      stem: { channels: 32, kernel: 3, stride: 1, maxPool: { kernel: 2, stride: 2 } },
      padding: 'valid',
    };
    expect(RESNET_PRESETS.patch32).toEqual(patch32);
    expect(patchEncoderConfig(32)).toEqual(patch32);
    for (const size of PATCH_ENCODER_SIZES) expect(resnetPreset(`patch${size}`)).toEqual(patchEncoderConfig(size));
    expect(patchEncoderConfig(96)).toMatchObject({ blocks: [1, 1, 1, 1, 1, 1], widths: [32, 32, 32, 32, 64, 128] });
    const a = resnet(patchEncoderConfig(32), { seed: 4 });
    const b = resnet(resnetPreset('patch32'), { seed: 4 });
    const [wa, wb] = [a.getWeights(), b.getWeights()];
    for (const k of Object.keys(wb)) expect(maxAbsDiff(await wa[k]!.data(), await wb[k]!.data()), k).toBe(0);
    tf.dispose([wa, wb]);
    [a, b].forEach((e) => e.dispose());
    for (const bad of [0, 8, 24, 33.5, -16]) {
      expect(() => patchEncoderConfig(bad)).toThrow(
        new RegExp(`^patchEncoderConfig: patchSize must be a multiple of 16, ≥ 16 \\(px\\), got ${bad}$`),
      );
    }
  });

  it.each([
    ['patch16', 3, 16, 21, [1, 2]],
    ['patch64', 1, 64, 70, [1, 2]],
    ['resnet18', 3, 65, 33, [3, 2]],
    ['resnet18-slim', 1, 50, 70, [2, 3]],
    ['patch32', 3, 40, 56, [3, 7]],
    ['patch32', 1, 33, 32, [1, 1]],
  ] as const)('%s with %i channel(s) maps %i×%i px to the documented feature map', async (name, channels, h, w, size) => {
    const encoder = resnet(resnetPreset(name, { inputChannels: channels }));
    expect(encoder.featureSize(h, w)).toEqual(size);
    const x = images(2, h, w, channels);
    const map = encoder.featureMap(x, false);
    const pooled = encoder.features(x, false);
    const trainMap = encoder.featureMap(x, true);
    expect(map.shape).toEqual([2, size[0], size[1], encoder.featureDim]);
    expect(trainMap.shape).toEqual(map.shape);
    expect(pooled.shape).toEqual([2, encoder.featureDim]);
    const mean = tf.mean(map, [1, 2]);
    expect(maxAbsDiff(await mean.data(), await pooled.data())).toBeLessThan(1e-5);
    tf.dispose([map, pooled, trainMap, mean]);
    x.dispose();
    encoder.dispose();
  });

  it('take overrides and return mutable copies', () => {
    const config = resnetPreset('resnet18', { inputChannels: 1, stem: { channels: 16 } });
    expect(config.inputChannels).toBe(1);
    expect(config.stem).toEqual({ channels: 16, kernel: 7, stride: 2, maxPool: { kernel: 3, stride: 2 } });
    (config.blocks as number[]).push(9);
    expect(RESNET_PRESETS.resnet18.blocks).toEqual([2, 2, 2, 2]);
    expect(() => resnetPreset('resnet50' as ResNetPresetName)).toThrow(/resnetPreset: name must be one of 'resnet18'.*"resnet50"/);
  });
});

describe('resnet initialisation', () => {
  it('is deterministic for a seed and differs between seeds', async () => {
    const a = resnet(tiny, { seed: 3 });
    const b = resnet(tiny, { seed: 3 });
    const c = resnet(tiny, { rng: createRng(4) });
    const [wa, wb, wc] = [a.getWeights(), b.getWeights(), c.getWeights()];
    const k = 'encoder/layer2.0/conv1/kernel';
    expect(maxAbsDiff(await wa[k]!.data(), await wb[k]!.data())).toBe(0);
    expect(maxAbsDiff(await wa[k]!.data(), await wc[k]!.data())).toBeGreaterThan(0.01);
    tf.dispose([wa, wb, wc]);
    [a, b, c].forEach((e) => e.dispose());
  });

  it('draws conv kernels Kaiming-normal (fan_out) and sets BatchNorm to γ = 1, β = 0, mean 0, variance 1', async () => {
    const encoder = resnet(resnetPreset('resnet18-slim'), { seed: 11 });
    const w = encoder.getWeights();
    const kernel = await w['encoder/layer4.1/conv2/kernel']!.data(); // [3, 3, 256, 256]
    let sum = 0;
    let sq = 0;
    for (const v of kernel) {
      sum += v;
      sq += v * v;
    }
    const mean = sum / kernel.length;
    const std = Math.sqrt(sq / kernel.length - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(1e-3);
    expect(std / Math.sqrt(2 / (256 * 9))).toBeCloseTo(1, 2);
    expect([...(await w['encoder/bn1/gamma']!.data())].every((v) => v === 1)).toBe(true);
    expect([...(await w['encoder/layer2.0/downsample/bn/beta']!.data())].every((v) => v === 0)).toBe(true);
    expect([...(await w['encoder/layer3.1/bn2/runningMean']!.data())].every((v) => v === 0)).toBe(true);
    expect([...(await w['encoder/layer3.1/bn2/runningVar']!.data())].every((v) => v === 1)).toBe(true);
    tf.dispose(w);
    encoder.dispose();
  });
});

describe('resnet weights', () => {
  it('round-trip through getWeights/setWeights to identical outputs, and are copies both ways', async () => {
    const a = resnet(tiny, { seed: 1 });
    randomizeBatchNorm(a, 5);
    const b = resnet(tiny, { seed: 2 });
    const x = images(2, 12, 10);
    const weights = a.getWeights();
    b.setWeights(weights);
    tf.dispose(weights); // b keeps its own copy
    const [ya, yb] = [a.featureMap(x, false), b.featureMap(x, false)];
    expect(maxAbsDiff(await ya.data(), await yb.data())).toBe(0);
    // A snapshot does not follow later changes.
    const snapshot = a.getWeights();
    randomizeBatchNorm(a, 6);
    const now = a.getWeights();
    expect(maxAbsDiff(await snapshot['encoder/bn1/gamma']!.data(), await now['encoder/bn1/gamma']!.data())).toBeGreaterThan(0);
    tf.dispose([ya, yb, x, snapshot, now]);
    a.dispose();
    b.dispose();
  });

  it('rejects a wrong shape or a missing weight with a RangeError naming it, and loads nothing', async () => {
    const a = resnet(tiny, { seed: 1 });
    const before = a.getWeights();
    const wrong = a.getWeights();
    wrong['encoder/bn1/gamma']!.dispose();
    wrong['encoder/bn1/gamma'] = tf.ones([4]);
    wrong['encoder/layer2.0/conv2/kernel']!.dispose();
    wrong['encoder/layer2.0/conv2/kernel'] = tf.zeros([3, 3, 8, 7]);
    expect(() => a.setWeights(wrong)).toThrow(RangeError);
    expect(() => a.setWeights(wrong)).toThrow(/"encoder\/layer2\.0\/conv2\/kernel" has shape \[3, 3, 8, 7\], expected \[3, 3, 8, 8\]/);
    const after = a.getWeights();
    expect(maxAbsDiff(await after['encoder/bn1/gamma']!.data(), await before['encoder/bn1/gamma']!.data())).toBe(0);
    const missing = { ...before };
    delete missing['encoder/conv1/kernel'];
    expect(() => a.setWeights(missing)).toThrow(/"encoder\/conv1\/kernel" is missing/);
    tf.dispose([before, wrong, after]);
    a.dispose();
  });

  it('are named under the scope option and rebuild from toConfig', () => {
    const a = resnet(tiny, { scope: 'student' });
    const b = resnet(JSON.parse(JSON.stringify(a.toConfig())) as ResNetConfig);
    const names = Object.keys(a.getWeights()).map((n) => n.replace(/^student\//, 'encoder/'));
    const w = b.getWeights();
    expect(names.sort()).toEqual(Object.keys(w).sort());
    expect(b.toConfig()).toEqual(a.toConfig());
    tf.dispose(w);
    a.dispose();
    b.dispose();
  });
});

describe('resnet BatchNorm', () => {
  it('in training uses batch statistics and commit folds them in like torch (momentum 0.1, unbiased variance)', async () => {
    const encoder = resnet(tiny, { seed: 9 });
    const x = images(2, 9, 7, 3, 4);
    const w = encoder.getWeights();
    // The stem's pre-BatchNorm activations, computed independently.
    const conv = tf.tidy(() => {
      const normalized = tf.div(tf.sub(x, tf.tensor1d([0.485, 0.456, 0.406])), tf.tensor1d([0.229, 0.224, 0.225]));
      return tf.conv2d(normalized as tf.Tensor4D, w['encoder/conv1/kernel'] as tf.Tensor4D, 1, 1);
    });
    const { mean, variance } = tf.moments(conv, [0, 1, 2]);
    const n = 2 * 9 * 7;
    const m = await mean.data();
    const v = await variance.data();
    const y1 = encoder.featureMap(x, true);
    const y2 = encoder.featureMap(x, true); // two recorded steps, applied in order
    expect(maxAbsDiff(await y1.data(), await y2.data())).toBe(0);
    const yEval = encoder.featureMap(x, false);
    expect(maxAbsDiff(await y1.data(), await yEval.data())).toBeGreaterThan(1e-3);
    encoder.commitBatchNormStats();
    const after = encoder.getWeights();
    const expMean = Array.from(m, (mi) => 0.1 * mi * (1 + 0.9));
    const expVar = Array.from(v, (vi) => {
      const unbiased = (vi * n) / (n - 1);
      return 0.9 * (0.9 * 1 + 0.1 * unbiased) + 0.1 * unbiased;
    });
    expect(maxAbsDiff(await after['encoder/bn1/runningMean']!.data(), expMean)).toBeLessThan(1e-5);
    expect(maxAbsDiff(await after['encoder/bn1/runningVar']!.data(), expVar)).toBeLessThan(1e-5);
    encoder.commitBatchNormStats(); // nothing recorded: no change
    const again = encoder.getWeights();
    expect(maxAbsDiff(await again['encoder/bn1/runningVar']!.data(), await after['encoder/bn1/runningVar']!.data())).toBe(0);
    tf.dispose([x, w, conv, mean, variance, y1, y2, yEval, after, again]);
    encoder.dispose();
  });

  it.each(['resnet18-slim', 'patch32'] as const)('%s folded into the convs gives the unfolded inference output (1e-4)', async (name) => {
    const folded = resnet(resnetPreset(name), { seed: 2 });
    const plain = resnet(resnetPreset(name), { seed: 2, foldBatchNorm: false });
    randomizeBatchNorm(folded, 8);
    const w = folded.getWeights();
    plain.setWeights(w);
    const x = images(2, 48, 40);
    const [a, b] = [folded.featureMap(x, false), plain.featureMap(x, false)];
    const scale = Math.max(1, tf.max(tf.abs(b)).dataSync()[0]!);
    expect(maxAbsDiff(await a.data(), await b.data()) / scale).toBeLessThan(1e-4);
    // The folded weights are refreshed when a variable changes.
    randomizeBatchNorm(folded, 9);
    const w2 = folded.getWeights();
    plain.setWeights(w2);
    const [c, d] = [folded.featureMap(x, false), plain.featureMap(x, false)];
    expect(maxAbsDiff(await c.data(), await d.data()) / scale).toBeLessThan(1e-4);
    expect(maxAbsDiff(await a.data(), await c.data())).toBeGreaterThan(1e-3);
    tf.dispose([w, w2, x, a, b, c, d]);
    folded.dispose();
    plain.dispose();
  });
});

describe('resnet training', () => {
  it('records batch statistics that survive tf.variableGrads and tf.tidy until commit', async () => {
    const a = resnet(tiny, { seed: 4 });
    const b = resnet(tiny, { seed: 4 });
    const x = images(3, 11, 9);
    // Gradients for the BatchNorm parameters only: no conv-kernel gradient is needed.
    const bnParams = a.trainableVariables().filter((v) => v.shape.length === 1);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(a.features(x, true))), bnParams);
    for (const v of bnParams) expect(tf.sum(tf.abs(grads[v.name]!)).dataSync()[0], v.name).toBeGreaterThan(0);
    tf.dispose([value, ...Object.values(grads)]);
    tf.tidy(() => {
      b.features(x, true);
    });
    a.commitBatchNormStats();
    b.commitBatchNormStats();
    const [wa, wb] = [a.getWeights(), b.getWeights()];
    for (const name of ['encoder/bn1/runningMean', 'encoder/layer2.0/bn2/runningVar', 'encoder/layer2.0/downsample/bn/runningMean']) {
      const ra = await wa[name]!.data();
      expect(Math.max(...Array.from(ra, (v) => Math.abs(v - (name.endsWith('Var') ? 1 : 0))))).toBeGreaterThan(1e-4);
      expect(maxAbsDiff(ra, await wb[name]!.data()), name).toBeLessThan(1e-6);
    }
    tf.dispose([x, wa, wb]);
    a.dispose();
    b.dispose();
  });

  it('gives a gradient to every trainable variable; freezeBatchNorm leaves γ and β out', async () => {
    const encoder = resnet(tiny, { seed: 1 });
    const x = images(2, 10, 12);
    const all = encoder.trainableVariables();
    const frozen = encoder.trainableVariables({ freezeBatchNorm: true });
    expect(all.length).toBe(6 * 3); // stem, 2 blocks × 2 convs, 1 downsample: each kernel, γ, β
    expect(frozen.length).toBe(6);
    for (const training of [true, false]) {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(encoder.features(x, training))), all);
      for (const v of all) {
        const g = grads[v.name];
        expect(g, v.name).toBeDefined();
        expect(tf.sum(tf.abs(g!)).dataSync()[0], `gradient of ${v.name}`).toBeGreaterThan(0);
      }
      tf.dispose([value, ...Object.values(grads)]);
      encoder.commitBatchNormStats();
    }
    x.dispose();
    encoder.dispose();
  });
});

describe('resnet memory', () => {
  it('leaks no tensors over repeated inference, training steps and commits, and dispose frees everything', async () => {
    const start = tf.memory().numTensors;
    const encoder = resnet(resnetPreset('patch32'), { seed: 1 });
    const x = images(2, 36, 40);
    tf.dispose(encoder.features(x, false)); // builds the folded-weight cache
    await expectNoLeak(() => {
      for (let i = 0; i < 3; i++) {
        tf.dispose(encoder.featureMap(x, false));
        tf.dispose(encoder.features(x, true));
        encoder.commitBatchNormStats();
        tf.dispose(encoder.getWeights());
      }
      tf.dispose(encoder.features(x, false));
    });
    x.dispose();
    encoder.dispose();
    expect(tf.memory().numTensors).toBe(start);
    expect(() => encoder.features(images(1, 32, 32), false)).toThrow(/disposed/);
  });
});

describe('resnet validation', () => {
  it.each([
    [{ ...tiny, blocks: [] }, /config\.blocks must be a non-empty array of positive integers, got \[\]/],
    [{ ...tiny, widths: [4] }, /config\.widths must be an array of 2 positive integers/],
    [{ ...tiny, strides: [1, 0] }, /config\.strides/],
    [{ ...tiny, stem: { kernel: 0 } }, /config\.stem\.kernel must be a positive integer, got 0/],
    [{ ...tiny, stem: { maxPool: { kernel: 2 } } }, /config\.stem\.maxPool/],
    [{ ...tiny, padding: 'reflect' }, /config\.padding must be 'same' or 'valid', got "reflect"/],
    [{ ...tiny, inputChannels: 2 }, /config\.inputChannels must be 1 or 3, got 2/],
    [{ ...tiny, normalization: { mean: [0.5], std: [0.2] } }, /config\.normalization\.mean must be an array of 3/],
    [{ ...tiny, inputChannels: 1, normalization: { mean: [0.5], std: [0] } }, /config\.normalization\.std/],
    [{ ...tiny, batchNorm: { momentum: 0 } }, /config\.batchNorm\.momentum must be in \(0, 1\], got 0/],
  ])('rejects an invalid config with a RangeError naming the field (%#)', (config, message) => {
    expect(() => resnet(config as ResNetConfig)).toThrow(RangeError);
    expect(() => resnet(config as ResNetConfig)).toThrow(message);
  });

  it('rejects images of the wrong rank, channels or size', () => {
    const encoder = resnet(resnetPreset('patch32'));
    const gray = images(1, 32, 32, 1);
    const small = images(1, 31, 40);
    const rank3 = tf.zeros([32, 32, 3]);
    expect(() => encoder.featureMap(gray, false)).toThrow(/must have 3 channel\(s\), got 1/);
    expect(() => encoder.featureMap(small, false)).toThrow(/31×40 px are too small.*at least 32 px/);
    expect(() => encoder.featureMap(rank3 as unknown as tf.Tensor4D, false)).toThrow(TypeError);
    tf.dispose([gray, small, rank3]);
    encoder.dispose();
  });
});
