/**
 * Encoders are pluggable (issue 15, item 2): gradient workers rebuild any encoder whose kind is
 * registered (`registerEncoder`), and `workers: 'auto'` that uses none says why in the report, while
 * an explicit worker count that cannot be honoured throws.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, describe, expect, it } from 'vitest';
import { encoderFor, encoderKinds, registerEncoder, type EncoderConfig, type EncoderEntry } from '../../src/models/encoderRegistry';
import { linearClassifier } from '../../src/models/linearClassifier';
import { pretrainedEncoder } from '../../src/models/pretrainedEncoder';
import { projectionHead } from '../../src/models/projectionHead';
import { resnet } from '../../src/models/resnet';
import type { ResNetConfig } from '../../src/models/resnetConfig';
import type { Encoder } from '../../src/models/types';
import { gradientReplica } from '../../src/train/replica';
import type { GradientWorkerProvider, ReplicaSpec } from '../../src/train/gradientWorkers';
import type { PretextModel } from '../../src/train/step';
import { trainSelfSupervised } from '../../src/train/trainer';
import { expectNoLeak } from '../helpers/tensors';
import { stripeImages } from '../helpers/textures';

const TINY: ResNetConfig = { blocks: [1], widths: [8], strides: [1], stem: { channels: 8, kernel: 3, stride: 1, maxPool: false } };

/** A user's encoder kind: a ResNet under another name, its config wrapping the ResNet's. */
function wrapped(encoder: Encoder): Encoder {
  return Object.assign(Object.create(encoder) as Encoder, { toConfig: () => ({ kind: 'test-wrapped', inner: encoder.toConfig() }) });
}
const builds: EncoderConfig[] = [];
const wrappedEntry: EncoderEntry = {
  build: (config) => {
    builds.push(config);
    return wrapped(resnet(config.inner as ResNetConfig));
  },
};

/** Workers on this thread (each a gradientReplica), recording the specs they start from. */
function inlineProvider(specs: ReplicaSpec[]): GradientWorkerProvider {
  return {
    autoWorkers: () => 1,
    async start(count, spec) {
      specs.push(spec);
      const replicas = Array.from({ length: count }, () => gradientReplica(structuredClone(spec)));
      return {
        size: count,
        gradients: (requests) => Promise.all(requests.map((r, i) => replicas[i]!.gradients(r))),
        dispose: async () => replicas.forEach((r) => r.dispose()),
      };
    },
  };
}

/** Trains a fresh tiny model whose encoder `makeEncoder` builds; its report and losses. */
async function train(makeEncoder: () => Encoder, options: Parameters<typeof trainSelfSupervised>[2], size = 14) {
  const images = stripeImages(6, size, size, 3, 5);
  const encoder = makeEncoder();
  const head = projectionHead({ inputDim: encoder.featureDim, widths: [8] }, { seed: 4 });
  const classifier = linearClassifier({ inputDim: head.outputDim, classes: 2 }, { seed: 4 });
  const model: PretextModel = { encoder, head, classifier };
  const losses: number[] = [];
  try {
    const report = await trainSelfSupervised(model, images, {
      variant: 'binary',
      steps: 3,
      batchSize: 4,
      seed: 7,
      colorJitter: 0,
      ...options,
      onProgress: (p) => losses.push(p.loss),
    });
    return { report, losses };
  } finally {
    [encoder, head, classifier].forEach((m) => m.dispose());
    images.dispose();
  }
}

afterEach(() => {
  registerEncoder('test-wrapped', undefined);
  builds.length = 0;
});

describe('the encoder registry', () => {
  it("holds 'resnet', registers, returns the previous entry and unregisters with undefined", () => {
    expect(encoderKinds()).toEqual(['resnet']);
    expect(registerEncoder('test-wrapped', wrappedEntry)).toBeUndefined();
    expect(encoderFor('test-wrapped')).toBe(wrappedEntry);
    expect(registerEncoder('test-wrapped', undefined)).toBe(wrappedEntry);
    expect(encoderKinds()).toEqual(['resnet']);
    expect(() => registerEncoder('', wrappedEntry)).toThrow(
      /registerEncoder: kind must be a non-empty string of at most 64 characters, got ""/,
    );
    expect(() => registerEncoder('x', {} as EncoderEntry)).toThrow(/registerEncoder: entry must be \{ build\(config\) \} or undefined/);
  });
});

describe('gradient workers and the encoder registry', () => {
  it('rebuild an encoder of a registered kind, training exactly as its ResNet does', async () => {
    registerEncoder('test-wrapped', wrappedEntry);
    const specs: ReplicaSpec[] = [];
    const custom = await expectNoLeak(() =>
      train(() => wrapped(resnet(TINY, { seed: 4 })), { workers: 1, workerProvider: inlineProvider(specs), probeBatches: 0 }),
    );
    const plain = await train(() => resnet(TINY, { seed: 4 }), { workers: 1, workerProvider: inlineProvider([]), probeBatches: 0 });
    expect(custom.report.workers).toBe(1);
    expect(specs[0]!.encoder.kind).toBe('test-wrapped');
    expect(builds.map((c) => c.kind)).toEqual(['test-wrapped']);
    expect(custom.losses).toEqual(plain.losses);
  });

  it('refuses an explicit worker count for an encoder kind that is not registered, naming it', async () => {
    await expect(train(() => wrapped(resnet(TINY, { seed: 4 })), { workers: 1, workerProvider: inlineProvider([]) })).rejects.toThrow(
      /^trainSelfSupervised: option workers 1 needs networks a worker can rebuild, but the encoder's kind 'test-wrapped' is not registered \(registered: resnet; see registerEncoder\); use workers: 0$/,
    );
  });

  it("say in the report why workers: 'auto' used none for a pretrained encoder", async () => {
    const input = tfl.input({ shape: [14, 14, 3] });
    const output = tfl.layers
      .conv2d({ filters: 4, kernelSize: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) })
      .apply(input) as tfl.SymbolicTensor;
    const layers = tfl.model({ inputs: input, outputs: output });
    const specs: ReplicaSpec[] = [];
    const { report } = await train(() => pretrainedEncoder(layers), { workers: 'auto', workerProvider: inlineProvider(specs) });
    expect(report.workers).toBe(0);
    expect(report.workersNote).toBe("workers 'auto' used none: a pretrained encoder cannot be rebuilt in a worker (its model is not data)");
    expect(specs).toHaveLength(0);
    await expect(train(() => pretrainedEncoder(layers), { workers: 2, workerProvider: inlineProvider(specs) })).rejects.toThrow(
      /option workers 2 needs networks a worker can rebuild, but a pretrained encoder cannot be rebuilt in a worker/,
    );
    layers.dispose();
  });

  it("say why 'auto' used none for a short run, and nothing when workers helped or were set to 0", async () => {
    const specs: ReplicaSpec[] = [];
    const short = await train(() => resnet(TINY, { seed: 4 }), { workers: 'auto', workerProvider: inlineProvider(specs) });
    expect(short.report.workersNote).toMatch(/^workers 'auto' used none: runs of fewer than 20 steps train on one thread$/);
    const off = await train(() => resnet(TINY, { seed: 4 }), { workers: 0, workerProvider: inlineProvider(specs) });
    expect(off.report).not.toHaveProperty('workersNote');
  });

  it('rebuild in a replica only kinds registered in its own thread', async () => {
    const encoder = resnet(TINY, { seed: 4 });
    const head = projectionHead({ inputDim: encoder.featureDim, widths: [8] }, { seed: 4 });
    const classifier = linearClassifier({ inputDim: head.outputDim, classes: 2 }, { seed: 4 });
    const spec = {
      encoder: { kind: 'test-wrapped', inner: encoder.toConfig() },
      head: head.toConfig(),
      classifier: classifier.toConfig(),
    } as unknown as ReplicaSpec;
    [encoder, head, classifier].forEach((m) => m.dispose());
    await expectNoLeak(async () =>
      expect(() => gradientReplica(spec)).toThrow(
        /^gradientReplica: spec\.encoder\.kind 'test-wrapped' is not registered in this thread \(registered: resnet\); call registerEncoder here too$/,
      ),
    );
  });
});
