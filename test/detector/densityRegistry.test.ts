/**
 * Densities are pluggable (issue 15, item 2): `load` reads a density's JSON and weights through the
 * entry registered under its kind, so a kind registered by a user (its own file plus one
 * `registerDensity` line) saves and loads like the built-in ones, and an unregistered kind is a FormatError.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CutPasteDetector, FormatError, GaussianDensity } from '../../src/index';
import { densityFor, densityKinds, registerDensity, type DensityEntry, type FeatureDensity } from '../../src/advanced';
import { disposeNetworks } from '../../src/detector/networks';
import { loadDetectorState, saveDetectorState } from '../../src/detector/persistence';
import { editDocument, saveToMemory } from '../helpers/artifacts';
import { expectNoLeak } from '../helpers/tensors';
import { objectImages } from '../helpers/textures';
import { TINY_DETECTORS, TINY_SIZE } from '../helpers/tinyDetectors';

/** A user's density: a Gaussian whose scores are multiplied by a factor saved as a weight. */
class ScaledDensity implements FeatureDensity {
  readonly kind = 'test-scaled';
  constructor(
    readonly gaussian: GaussianDensity,
    readonly factor: number,
  ) {}
  get dimension(): number {
    return this.gaussian.dimension;
  }
  score(features: Float32Array, count: number, locations: number): Float32Array {
    return Float32Array.from(this.gaussian.scoreMatrix(features, count * locations), (v) => v * this.factor);
  }
  toJSON() {
    return { kind: this.kind, gde: this.gaussian.toJSON() };
  }
  toWeights() {
    return { 'density/factor': Float32Array.of(this.factor) };
  }
}

const scaled: DensityEntry = {
  level: 'image',
  fit: (features, count, _locations, dimension) => new ScaledDensity(GaussianDensity.fitMatrix(features, count, dimension), 3),
  fromJSON: (json, weights) => new ScaledDensity(GaussianDensity.fromJSON(json.gde), weights['density/factor']![0]!),
};

let images: tf.Tensor4D;
let artifacts: tf.io.ModelArtifacts; // a fitted image-mode detector
let scores: Float32Array; // its scores of `images`

beforeAll(async () => {
  images = objectImages(4, TINY_SIZE[0], TINY_SIZE[1], 3).images;
  const detector = await CutPasteDetector.create({ ...TINY_DETECTORS.image, seed: 1 });
  await detector.fit(images, { workers: 0 });
  artifacts = await saveToMemory(detector);
  scores = await detector.score(images);
  detector.dispose();
});
afterAll(() => images.dispose());
afterEach(() => {
  registerDensity('test-scaled', undefined);
});

/** `artifacts` with its density replaced by a ScaledDensity of factor 2 (saved by `saveDetectorState`). */
async function savedWithScaledDensity(): Promise<tf.io.ModelArtifacts> {
  const state = await loadDetectorState(tf.io.fromMemory(artifacts), {});
  let out: tf.io.ModelArtifacts | undefined;
  try {
    const density = new ScaledDensity(state.density.gaussian!, 2);
    await saveDetectorState(
      tf.io.withSaveHandler(async (a) => {
        out = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
      { ...state, density, report: { ...state.report!, density: density.kind } },
    );
  } finally {
    disposeNetworks(state.networks);
  }
  return out!;
}

describe('the density registry', () => {
  it('lists the built-in kinds in registration order, by level', () => {
    expect(densityKinds()).toEqual(['image', 'shared', 'per-location']);
    expect(densityKinds('image')).toEqual(['image']);
    expect(densityKinds('patch')).toEqual(['shared', 'per-location']);
    expect(densityFor('mixture')).toBeUndefined();
  });

  it('registers, returns the previous entry, and unregisters with undefined', () => {
    expect(registerDensity('test-scaled', scaled)).toBeUndefined();
    expect(densityFor('test-scaled')).toBe(scaled);
    expect(densityKinds('image')).toEqual(['image', 'test-scaled']);
    expect(registerDensity('test-scaled', undefined)).toBe(scaled);
    expect(densityKinds()).toEqual(['image', 'shared', 'per-location']);
  });

  it('refuses a kind that is not a short string and an entry without level, fit and fromJSON', () => {
    expect(() => registerDensity('', scaled)).toThrow(/registerDensity: kind must be a non-empty string of at most 64 characters, got ""/);
    expect(() => registerDensity('x', { ...scaled, level: 'pixel' } as never)).toThrow(
      /entry must be \{ level: 'image' \| 'patch', fit, fromJSON \} or undefined/,
    );
    expect(() => registerDensity('x', { level: 'image', fit: () => undefined } as never)).toThrow(TypeError);
    expect(densityFor('x')).toBeUndefined();
  });
});

describe('a registered density kind', () => {
  it('saves its JSON and weights and loads back through its entry, scoring as it says', async () => {
    registerDensity('test-scaled', scaled);
    const saved = await savedWithScaledDensity();
    const doc = (saved.userDefinedMetadata as { cutpaste: { density: { kind: string }; report: { density: string } } }).cutpaste;
    expect([doc.density.kind, doc.report.density]).toEqual(['test-scaled', 'test-scaled']);
    expect(saved.weightSpecs!.map((s) => s.name)).toContain('density/factor');
    await expectNoLeak(async () => {
      const detector = await CutPasteDetector.load(tf.io.fromMemory(saved));
      try {
        expect(detector.fitReport?.density).toBe('test-scaled');
        const got = await detector.score(images);
        got.forEach((s, i) => expect(s).toBeCloseTo(2 * scores[i]!, 3));
      } finally {
        detector.dispose();
      }
    });
  });

  it('is refused by load with a FormatError naming the registered kinds once it is unregistered', async () => {
    registerDensity('test-scaled', scaled);
    // The report's kind is valid, so the refusal is the density's own.
    const saved = editDocument(await savedWithScaledDensity(), (d) => ((d.report as { density: string }).density = 'image'));
    registerDensity('test-scaled', undefined);
    await expectNoLeak(() =>
      expect(CutPasteDetector.load(tf.io.fromMemory(saved))).rejects.toThrow(
        new FormatError(
          'CutPasteDetector.load: the saved density is invalid: unknown density kind "test-scaled" (registered: image, shared, per-location)',
        ),
      ),
    );
  });
});
