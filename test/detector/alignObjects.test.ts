import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CutPasteDetector, FeatureDensityDetector, FormatError, OptionError, type CutPasteOptions } from '../../src/index';
import { createSyntheticCategory } from '../../src/synthetic';
import { editDocument, saveToMemory } from '../helpers/artifacts';
import { expectNoLeak } from '../helpers/tensors';
import { TINY_PATCH_ENCODER } from '../helpers/tinyDetectors';
import { objectPoses } from '../../src/ops/pixels/objectPose';

/** A tiny patch detector at 64 px (the pose stage works on any backend: it reads the pixels once). */
const DETECTOR: CutPasteOptions = {
  imageSize: 64,
  encoder: TINY_PATCH_ENCODER,
  headWidths: [16],
  batchSize: 4,
  steps: 2,
  seed: 3,
  fusion: 'none',
};

type Raw = { data: Uint8Array | Float32Array; width: number; height: number; channels: 1 };

/** The image turned by 90° clockwise (x' = H − 1 − y, y' = x). */
function turned(image: Raw): Raw {
  const { width: W, height: H } = image;
  const data = image.data instanceof Uint8Array ? new Uint8Array(W * H) : new Float32Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data[x * H + (H - 1 - y)] = image.data[y * W + x]!;
  return { data, width: H, height: W, channels: 1 };
}

/**
 * `alignObjects`: each image turned and shifted to its object's pose before anything else sees it, the
 * maps brought back onto the image as given.
 */
describe('alignObjects', () => {
  const bolts = createSyntheticCategory({ kind: 'bolt', seed: 4, trainCount: 16, testCount: 4, imageSize: 64 });
  const train = [...bolts.trainImages()] as Raw[];
  const test = [...bolts.testSamples()].map((s) => s.image as Raw);

  it("is 'auto' in patch mode and false in image mode, where nothing else is allowed", async () => {
    const detector = await CutPasteDetector.create({});
    expect(detector.options.alignObjects).toBe('auto');
    detector.dispose();
    const image = await CutPasteDetector.create({ mode: 'image' });
    expect(image.options.alignObjects).toBe(false);
    image.dispose();
    await expect(CutPasteDetector.create({ mode: 'image', alignObjects: 'auto' })).rejects.toThrow(OptionError);
    await expect(CutPasteDetector.create({ alignObjects: 'yes' as never })).rejects.toThrow(/option alignObjects must/);
  });

  it("'auto' aligns bolts at random angles; the maps follow the bolt when the image turns", async () => {
    await expectNoLeak(async () => {
      const detector = await CutPasteDetector.create(DETECTOR);
      const report = await detector.fit(train, { workers: 0 });
      expect(report.objectPose).toMatchObject({ aligned: true, decidedBy: 'poses', found: 1 });
      expect(report.objectPose!.angleSpread).toBeGreaterThan(0.5);
      expect(report.objectPose!.radius).toBeGreaterThan(8);
      expect(report.objectPose!.radius).toBeLessThanOrEqual(32);
      // The bolt turned by 90° is the same bolt in the aligned frame, and the maps come back onto the
      // images as given: the turned image's map is the image's map turned. A map left in the aligned
      // frame would be the same for both, so it must match the turned map better than the map itself.
      const [maps, turnedMaps] = [await detector.scoreMaps(test), await detector.scoreMaps(test.map(turned))];
      const correlation = (a: ArrayLike<number>, b: ArrayLike<number>) => {
        const n = a.length;
        let [ma, mb] = [0, 0];
        for (let p = 0; p < n; p++) [ma, mb] = [ma + a[p]! / n, mb + b[p]! / n];
        let [ab, aa, bb] = [0, 0, 0];
        for (let p = 0; p < n; p++) [ab, aa, bb] = [ab + (a[p]! - ma) * (b[p]! - mb), aa + (a[p]! - ma) ** 2, bb + (b[p]! - mb) ** 2];
        return ab / Math.sqrt(aa * bb);
      };
      maps.forEach((map, i) => {
        const follows = correlation(
          turned({ data: map.data, width: map.width, height: map.height, channels: 1 }).data,
          turnedMaps[i]!.data,
        );
        const stays = correlation(map.data, turnedMaps[i]!.data);
        expect(follows).toBeGreaterThan(0.9);
        expect(follows).toBeGreaterThan(stays + 0.2);
      });
      detector.dispose();
    });
  });

  it('judges an aligned map only where every patch lies in the image: the band along a near border is the map minimum', async () => {
    await expectNoLeak(async () => {
      const detector = await CutPasteDetector.create({ ...DETECTOR, steps: 1 });
      const report = await detector.fit(train, { workers: 0 });
      const radius = report.objectPose!.radius!;
      // Training images too: more bolts, some close to a border.
      const images = [...test, ...train];
      const maps = await detector.scoreMaps(images);
      const scores = await detector.score(images);
      let near = 0;
      images.forEach((image, i) => {
        const pixels = Float32Array.from(image.data, (v) => (image.data instanceof Uint8Array ? v / 255 : v));
        const [pose] = objectPoses({ data: pixels, batch: 1, height: 64, width: 64, channels: 1 });
        const { data } = maps[i]!;
        const low = Math.min(...data);
        expect(scores[i]).toBeGreaterThan(low);
        // The border pixel nearest the centroid, where the frame (radius px about it) overhangs the image.
        const gaps = [pose!.cx, 64 - pose!.cx, pose!.cy, 64 - pose!.cy];
        const side = gaps.indexOf(Math.min(...gaps));
        if (gaps[side]! >= radius) return;
        near++;
        const [x, y] = [
          [0, Math.floor(pose!.cy)],
          [63, Math.floor(pose!.cy)],
          [Math.floor(pose!.cx), 0],
          [Math.floor(pose!.cx), 63],
        ][side]!;
        expect(data[y! * 64 + x!]).toBe(low);
      });
      expect(near).toBeGreaterThan(0);
      detector.dispose();
    });
  });

  it('leaves textures as given: the same scores as with alignObjects false', async () => {
    const carpet = createSyntheticCategory({ kind: 'carpet', seed: 4, trainCount: 8, testCount: 2, imageSize: 64 });
    const images = [...carpet.trainImages()];
    const auto = await CutPasteDetector.create(DETECTOR);
    const off = await CutPasteDetector.create({ ...DETECTOR, alignObjects: false });
    const report = await auto.fit(images, { workers: 0 });
    expect(report.objectPose?.aligned).toBe(false);
    expect((await off.fit(images, { workers: 0 })).objectPose).toBeUndefined();
    expect(Array.from(await auto.score(images.slice(0, 3)))).toEqual(Array.from(await off.score(images.slice(0, 3))));
    auto.dispose();
    off.dispose();
  });

  it('saves and loads the frame: the same scores and report; a doctored save is refused', async () => {
    const detector = await CutPasteDetector.create({ ...DETECTOR, steps: 1 });
    await detector.fit(train, { workers: 0 });
    const before = await detector.score(test);
    const artifacts = await saveToMemory(detector);
    const loaded = await CutPasteDetector.load(tf.io.fromMemory(artifacts));
    expect(Array.from(await loaded.score(test))).toEqual(Array.from(before));
    expect(loaded.fitReport?.objectPose).toEqual(detector.fitReport?.objectPose);
    loaded.dispose();
    detector.dispose();

    const noFrame = editDocument(artifacts, (doc) => delete doc.pose);
    // 'auto' without a frame is a detector that did not align: it loads, and scores differently.
    const unaligned = await CutPasteDetector.load(tf.io.fromMemory(noFrame));
    expect(Array.from(await unaligned.score(test))).not.toEqual(Array.from(before));
    unaligned.dispose();
    const forced = editDocument(noFrame, (doc) => ((doc.options as { alignObjects: unknown }).alignObjects = true));
    await expect(CutPasteDetector.load(tf.io.fromMemory(forced))).rejects.toThrow(/holds no pose frame/);
    const off = editDocument(artifacts, (doc) => ((doc.options as { alignObjects: unknown }).alignObjects = false));
    await expect(CutPasteDetector.load(tf.io.fromMemory(off))).rejects.toThrow(/alignObjects is false/);
    const huge = editDocument(artifacts, (doc) => ((doc.pose as { radius: number }).radius = 33));
    await expect(CutPasteDetector.load(tf.io.fromMemory(huge))).rejects.toBeInstanceOf(FormatError);
    const badReport = editDocument(artifacts, (doc) => ((doc.report as { objectPose: { found: number } }).objectPose.found = 2));
    await expect(CutPasteDetector.load(tf.io.fromMemory(badReport))).rejects.toThrow(/report\.objectPose/);
  });

  it('aligns for FeatureDensityDetector too (training-free), and saves and loads its frame', async () => {
    await expectNoLeak(async () => {
      const options = { imageSize: 64, stages: [1], maxFeatures: 16, seed: 3 } as const;
      const detector = await FeatureDensityDetector.create(options);
      expect(detector.options.alignObjects).toBe('auto');
      const report = await detector.fit(train, { workers: 0 });
      expect(report.objectPose).toMatchObject({ aligned: true, decidedBy: 'poses' });
      const before = await detector.score(test);
      const artifacts = await saveToMemory(detector);
      const loaded = await FeatureDensityDetector.load(tf.io.fromMemory(artifacts));
      expect(Array.from(await loaded.score(test))).toEqual(Array.from(before));
      expect(loaded.fitReport?.objectPose).toEqual(report.objectPose);
      loaded.dispose();
      const off = editDocument(artifacts, (doc) => ((doc.options as { alignObjects: unknown }).alignObjects = false));
      await expect(FeatureDensityDetector.load(tf.io.fromMemory(off))).rejects.toThrow(/alignObjects is false/);
      // Not aligned: a different detector.
      const plain = await FeatureDensityDetector.create({ ...options, alignObjects: false });
      expect((await plain.fit(train, { workers: 0 })).objectPose).toBeUndefined();
      expect(Array.from(await plain.score(test))).not.toEqual(Array.from(before));
      plain.dispose();
      detector.dispose();
    });
  });
});
