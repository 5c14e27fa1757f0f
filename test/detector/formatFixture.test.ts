// Detectors saved in format version 1 (test/fixtures/model-v1/, written once by make-model-v1.ts on the
// cpu backend) keep loading, with their options, threshold and fit report as saved, and keep scoring
// as they did when saved. A later format version must keep this test passing on the same files.
import * as tf from '@tensorflow/tfjs-core';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CutPasteDetector, FormatError, type RawImage } from '../../src/index';
import { fileSystemHandler } from '../../src/node/fileSystemHandler';
import { backendName, expectNoLeak } from '../helpers/tensors';
import expected from '../fixtures/model-v1/expected.json';

const FIXTURE = fileURLToPath(new URL('../fixtures/model-v1/', import.meta.url));

/**
 * Allowed relative error, max |got − saved| / max |saved| over one model's scores (and over its map
 * means and maxima). On cpu, the backend the fixture was made on, today's code reproduces the saved
 * numbers bit for bit (error 0); 1e-5 leaves room for a reordered float32 sum, not for a changed
 * algorithm. On other backends: the cross-backend scoring tolerance of
 * test/kernels/crossBackendDetector.kernels.test.ts, 3e-4 (measured on these files with wasm: ≤ 5e-6; see
 * docs/backends.md, "Reproducibility").
 */
const TOLERANCE = expected.backend === backendName() ? 1e-5 : 3e-4;

const images: RawImage[] = expected.images.map((im) => ({
  width: im.width,
  height: im.height,
  channels: im.channels as 3,
  data: new Uint8Array(Buffer.from(im.data, 'base64')),
}));

type Saved = (typeof expected.models)['image'];
const models = Object.entries(expected.models) as [string, Saved][];

function relativeError(saved: number[], got: ArrayLike<number>): number {
  expect(got.length).toBe(saved.length);
  const scale = Math.max(1e-12, ...saved.map(Math.abs));
  return Math.max(...saved.map((s, i) => Math.abs(s - got[i]!))) / scale;
}

describe('detector format version 1 fixture', () => {
  it('holds format version 1 documents written by cutpaste 0.1.0', async () => {
    expect(expected.formatVersion).toBe(1);
    for (const [name] of models) {
      const json = JSON.parse(await readFile(`${FIXTURE}${name}/model.json`, 'utf8')) as { userDefinedMetadata: { cutpaste: unknown } };
      expect(json.userDefinedMetadata.cutpaste).toMatchObject({ format: 'cutpaste.detector', formatVersion: 1, library: '0.1.0' });
    }
  });

  for (const [name, saved] of models) {
    it(`loads the ${name} detector with its options, threshold and fit report as saved, and scores as it did`, async () => {
      await expectNoLeak(async () => {
        const detector = await CutPasteDetector.load(fileSystemHandler(`${FIXTURE}${name}`));
        try {
          // Options added after format version 1 load with their defaults; fusion with 'none' and
          // alignObjects with false (those saves have no companion and no pose frame), pasteCentre with
          // 1 (they were trained pasting anywhere), featureStages with 'last' (they scored the last stage).
          expect(JSON.parse(JSON.stringify(detector.options))).toEqual({
            pasteFrom: 'crop',
            rotate: false,
            redrawInvisible: false,
            pasteCentre: 1,
            featureStages: 'last',
            fusion: 'none',
            alignObjects: false,
            ...saved.options,
          });
          expect(detector.threshold).toEqual(saved.threshold);
          expect(detector.fitReport).toEqual(saved.fitReport);
          const scores = await detector.score(images);
          expect(relativeError(saved.scores, scores)).toBeLessThanOrEqual(TOLERANCE);
          const maps = await detector.scoreMaps(images);
          expect(maps.map((m) => [m.height, m.width])).toEqual(saved.maps.map((m) => [m.height, m.width]));
          const mean = (m: { data: Float32Array }) => m.data.reduce((a, b) => a + b, 0) / m.data.length;
          const max = (m: { data: Float32Array }) => m.data.reduce((a, b) => Math.max(a, b), -Infinity);
          expect(
            relativeError(
              saved.maps.map((m) => m.mean),
              maps.map(mean),
            ),
          ).toBeLessThanOrEqual(TOLERANCE);
          expect(
            relativeError(
              saved.maps.map((m) => m.max),
              maps.map(max),
            ),
          ).toBeLessThanOrEqual(TOLERANCE);
          if (expected.backend === backendName()) {
            expect(maps.map((m) => m.data.indexOf(max(m)))).toEqual(saved.maps.map((m) => m.argmax));
          }
          const verdicts = await detector.predict(images);
          expect(verdicts.map((v) => v.isAnomalous)).toEqual(saved.scores.map((s) => s >= saved.threshold.value));
        } finally {
          detector.dispose();
        }
      });
    });
  }

  it('is refused, naming the version, when its document claims format version 0 or 2', async () => {
    const artifacts = await fileSystemHandler(`${FIXTURE}image`).load();
    const doc = (artifacts.userDefinedMetadata as { cutpaste: Record<string, unknown> }).cutpaste;
    const before = tf.memory().numTensors;
    for (const version of [0, 2]) {
      const changed = { ...artifacts, userDefinedMetadata: { cutpaste: { ...doc, formatVersion: version } } };
      const load = CutPasteDetector.load(tf.io.fromMemory(changed));
      await expect(load).rejects.toBeInstanceOf(FormatError);
      await expect(CutPasteDetector.load(tf.io.fromMemory(changed))).rejects.toThrow(
        new RegExp(`format version ${version} is not supported; this library \\(cutpaste [^)]+\\) reads version 1`),
      );
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
