// Cross-backend reproducibility, the figures docs/backends.md ("Reproducibility") states:
// - the same short fit (same seed, same images) on cpu and on wasm gives scores and score maps that
//   agree within FIT_TOLERANCE (relative);
// - a detector fitted on cpu, saved, and loaded on wasm scores within LOAD_TOLERANCE of cpu.
// Both backends run the library as a user would (its kernel fills registered, nothing restored),
// each fit entirely on its own backend.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { CutPasteDetector } from '../../src/index';
import { saveToMemory } from '../helpers/artifacts';
import { objectImages } from '../helpers/textures';
import { TINY_DETECTORS, TINY_SIZE } from '../helpers/tinyDetectors';

tf.env().set('PROD', true);

/**
 * Allowed relative disagreement (max |cpu − wasm| / max |cpu| over one fit's scores, and separately
 * over its score maps) between two 3-step fits with the same seed. Measured: image mode 1.0e-5
 * (scores) and 4.5e-5 (GradCAM maps), patch mode 1.2e-6 (both); 5e-4 leaves a margin of 10×.
 * The backends round float32 sums differently (wasm's XNNPACK convolutions and matMuls) and SGD
 * amplifies those differences with every step: the same fits over 30 steps differ by up to 2e-4, over
 * 100 steps by 0.3 % (image mode) to over 100 % (patch mode: per-step losses 1e-7 apart at first,
 * 1e-3 by step 28): equally good detectors, not the same numbers. Only short fits are comparable
 * number for number; for identical scores everywhere, fit once and load the saved model (below).
 */
const FIT_TOLERANCE = 5e-4;

/**
 * Allowed relative disagreement between cpu and wasm scoring the same saved detector (inference
 * only: no training to amplify rounding). Measured: image mode 2.7e-5 (scores: the Mahalanobis
 * distance of an 8-d feature under a covariance fitted on 6 images magnifies rounding) and 1.3e-6
 * (maps), patch mode 2.0e-7; 3e-4 leaves a margin of 10×.
 */
const LOAD_TOLERANCE = 3e-4;

const [H, W] = TINY_SIZE;

interface Run {
  scores: Float32Array;
  maps: Float32Array[];
  artifacts?: tf.io.ModelArtifacts;
}

/** Test images made on the current backend. */
const testImages = (): tf.Tensor4D => objectImages(3, H, W, 9, true).images;

async function select(backend: 'cpu' | 'wasm'): Promise<void> {
  if (!(await tf.setBackend(backend))) throw new Error(`could not select backend ${backend}`);
}

/** Scores `detector` on the test images (made on the current backend). */
async function scoreAll(detector: CutPasteDetector): Promise<Run> {
  const test = testImages();
  try {
    return { scores: await detector.score(test), maps: (await detector.scoreMaps(test)).map((m) => m.data) };
  } finally {
    test.dispose();
  }
}

/** Fits and scores on `backend`, every tensor (images included) made there; keeps the saved artifacts. */
async function fitOn(backend: 'cpu' | 'wasm', mode: 'image' | 'patch'): Promise<Run> {
  await select(backend);
  const before = tf.memory().numTensors;
  const train = objectImages(6, H, W, 1).images;
  const detector = await CutPasteDetector.create({ ...TINY_DETECTORS[mode], seed: 7 });
  try {
    await detector.fit(train);
    const artifacts = await saveToMemory(detector);
    return { ...(await scoreAll(detector)), artifacts };
  } finally {
    detector.dispose();
    train.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }
}

/** max |a − b| / max |a| over all values. */
function relativeError(reference: ArrayLike<number>[], got: ArrayLike<number>[]): number {
  expect(got.length).toBe(reference.length);
  let diff = 0;
  let scale = 1e-12;
  reference.forEach((ref, i) => {
    const g = got[i]!;
    expect(g.length).toBe(ref.length);
    for (let k = 0; k < ref.length; k++) {
      diff = Math.max(diff, Math.abs(ref[k]! - g[k]!));
      scale = Math.max(scale, Math.abs(ref[k]!));
    }
  });
  return diff / scale;
}

describe('a detector on cpu and on wasm', () => {
  const cpuRuns = new Map<string, Run>();
  const cpuRun = async (mode: 'image' | 'patch'): Promise<Run> => {
    if (!cpuRuns.has(mode)) cpuRuns.set(mode, await fitOn('cpu', mode));
    return cpuRuns.get(mode)!;
  };

  for (const mode of ['image', 'patch'] as const) {
    it(`gives scores and score maps within ${FIT_TOLERANCE} relative when fitted for 3 steps with the same seed on each (${mode} mode)`, async () => {
      const cpu = await cpuRun(mode);
      const wasm = await fitOn('wasm', mode);
      const scores = relativeError([cpu.scores], [wasm.scores]);
      const maps = relativeError(cpu.maps, wasm.maps);
      expect(scores).toBeLessThanOrEqual(FIT_TOLERANCE);
      expect(maps).toBeLessThanOrEqual(FIT_TOLERANCE);
      // The backends do round differently: a tolerance of 0 would fail (otherwise this measures nothing).
      expect(scores + maps).toBeGreaterThan(0);
    });

    it(`scores a detector fitted on cpu and loaded on wasm within ${LOAD_TOLERANCE} relative of cpu (${mode} mode)`, async () => {
      const cpu = await cpuRun(mode);
      await select('wasm');
      const before = tf.memory().numTensors;
      const loaded = await CutPasteDetector.load(tf.io.fromMemory(cpu.artifacts!));
      let wasm: Run;
      try {
        wasm = await scoreAll(loaded);
      } finally {
        loaded.dispose();
      }
      expect(tf.memory().numTensors).toBe(before);
      expect(relativeError([cpu.scores], [wasm.scores])).toBeLessThanOrEqual(LOAD_TOLERANCE);
      expect(relativeError(cpu.maps, wasm.maps)).toBeLessThanOrEqual(LOAD_TOLERANCE);
    });
  }
});
