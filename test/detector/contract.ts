/**
 * The detector contract: what every `AnomalyDetector` of this library promises, as one suite that each
 * detector runs (test/detector/contract.test.ts). A new detector passes it before it is registered.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, StateError, type AnomalyDetector, type DetectorFitReport } from '../../src/index';
import { loadDetector } from '../../src/index';
import { defectImages, stripeImages } from '../helpers/textures';
import { saveToMemory } from '../helpers/artifacts';
import { expectNoLeak } from '../helpers/tensors';

/** A detector kind under test: how to make a small one quickly. */
export interface ContractSubject {
  name: string;
  /** The class `loadDetector` must return for its saves. */
  type: { readonly prototype: AnomalyDetector };
  /** A new, unfitted detector for `[height, width]` images with `channels` channels. */
  create(): Promise<AnomalyDetector>;
  size: readonly [number, number];
  channels: 1 | 3;
}

export function detectorContract(subject: ContractSubject): void {
  const [H, W] = subject.size;
  const C = subject.channels;
  describe(`${subject.name}: the detector contract`, () => {
    let train: tf.Tensor4D;
    let normal: tf.Tensor4D;
    let defective: { images: tf.Tensor4D; masks: Uint8Array[] };
    let detector: AnomalyDetector;
    let report: DetectorFitReport;
    beforeAll(async () => {
      train = stripeImages(12, H, W, C, 1);
      normal = stripeImages(6, H, W, C, 2);
      defective = defectImages(6, H, W, C, 3);
      detector = await subject.create();
      report = await detector.fit(train, { workers: 0 });
    });
    afterAll(() => {
      detector.dispose();
      tf.dispose([train, normal, defective.images]);
    });

    it('refuses every scoring call before fit with StateError, and says it is not fitted', async () => {
      const d = await subject.create();
      expect(d.isFitted).toBe(false);
      expect(d.threshold).toBeUndefined();
      await expect(d.score(normal)).rejects.toBeInstanceOf(StateError);
      await expect(d.predict(normal)).rejects.toBeInstanceOf(StateError);
      await expect(saveToMemory(d)).rejects.toBeInstanceOf(StateError);
      d.dispose();
    });

    it('fit reports the common part and sets a provisional threshold from out-of-fold scores', () => {
      expect(detector.isFitted).toBe(true);
      expect(report.images).toBe(12);
      expect(report.seconds).toBeGreaterThan(0);
      expect(['image', 'shared', 'per-location']).toContain(report.density);
      expect(detector.fitReport).toEqual(report);
      expect(detector.threshold?.method).toBe('fit');
      expect(Number.isFinite(detector.threshold!.value)).toBe(true);
    });

    it('scores defective images above normal ones (image AUROC ≥ 0.8 on obvious defects) and evaluates pixels too', async () => {
      const labels = [...new Array<number>(6).fill(0), ...new Array<number>(6).fill(1)];
      const images = tf.concat([normal, defective.images]);
      try {
        const masks = [...new Array<null>(6).fill(null), ...defective.masks];
        const evaluation = await detector.evaluate({ images, labels, masks });
        expect(evaluation.imageAuroc).toBeGreaterThanOrEqual(0.8);
        expect(evaluation.pixelAuroc).toBeGreaterThan(0.5);
        expect(evaluation.scores).toHaveLength(12);
      } finally {
        images.dispose();
      }
    });

    it("a score does not depend on the other images of the call, and maps come at each image's own size", async () => {
      const all = await detector.score(normal);
      const one = await detector.score(tf.slice(normal, [2, 0, 0, 0], [1, -1, -1, -1]));
      expect(one[0]).toBeCloseTo(all[2]!, 3);
      const pixels = await normal.data();
      const small = { data: Float32Array.from(pixels.subarray(0, H * W * C)), height: H, width: W, channels: C };
      const maps = await detector.scoreMaps([small]);
      expect([maps[0]!.height, maps[0]!.width]).toEqual([H, W]);
    });

    it('predict gives verdicts at the threshold and the normalised score (1 = the boundary)', async () => {
      const predictions = await detector.predict(defective.images);
      const t = detector.threshold!.value;
      for (const p of predictions) {
        if (p.map) expect(p.map.threshold).toBe(t); // renderHeatmap centres its colours on it
        expect(p.isAnomalous).toBe(p.score >= t);
        expect(p.normalizedScore).toBeCloseTo(p.score / t, 5);
      }
    });

    it('calibrate, calibrateWithLabels and setThreshold set the threshold and say how', async () => {
      const d = await subject.create();
      await d.fit(train, { workers: 0 });
      expect((await d.calibrate(normal, { quantile: 1 })).method).toBe('quantile');
      expect(d.threshold!.value).toBeCloseTo(Math.max(...(await d.score(normal))), 4);
      const labels = [...new Array<number>(6).fill(0), ...new Array<number>(6).fill(1)];
      const both = tf.concat([normal, defective.images]);
      expect((await d.calibrateWithLabels(both, labels)).method).toBe('f1-max');
      both.dispose();
      d.setThreshold(3);
      expect(d.threshold).toEqual({ value: 3, method: 'manual' });
      expect(() => d.setThreshold(NaN)).toThrow(RangeError);
      d.dispose();
    });

    it('save → loadDetector gives the same kind of detector with the same scores, threshold and report', async () => {
      const copy = await loadDetector(tf.io.fromMemory(await saveToMemory(detector)));
      try {
        expect(copy).toBeInstanceOf(subject.type as never);
        expect(copy.kind).toBe(detector.kind);
        expect(Array.from(await copy.score(normal))).toEqual(Array.from(await detector.score(normal)));
        expect(copy.threshold).toEqual(detector.threshold);
        expect(copy.fitReport).toEqual(detector.fitReport);
      } finally {
        copy.dispose();
      }
    });

    it('an aborted fit throws AbortError and leaves the detector as it was', async () => {
      const before = await detector.score(normal);
      const controller = new AbortController();
      const onProgress = (p: { stage: string }) => p.stage === 'embed' && controller.abort();
      await expect(detector.fit(train, { workers: 0, signal: controller.signal, onProgress })).rejects.toBeInstanceOf(AbortError);
      expect(Array.from(await detector.score(normal))).toEqual(Array.from(before));
    });

    it('a second fit while one runs is refused; scoring during fit is refused', async () => {
      const d = await subject.create();
      const fit = d.fit(train, { workers: 0 });
      await expect(d.fit(train, { workers: 0 })).rejects.toBeInstanceOf(StateError);
      await expect(d.score(normal)).rejects.toBeInstanceOf(StateError);
      await fit;
      d.dispose();
    });

    it('create → fit → score → save → dispose leaves no tensor behind, and later calls throw StateError', async () => {
      await expectNoLeak(async () => {
        const d = await subject.create();
        await d.fit(train, { workers: 0 });
        await d.predict(normal);
        await saveToMemory(d);
        d.dispose();
        await expect(d.score(normal)).rejects.toBeInstanceOf(StateError);
      });
    });
  });
}
