import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CutPasteDetector, FormatError, OptionError, type CutPasteOptions, type RawImage } from '../../src/index';
import { createSyntheticCategory } from '../../src/synthetic';
import { editDocument, saveToMemory } from '../helpers/artifacts';
import { expectNoLeak } from '../helpers/tensors';
import { TINY_PATCH_ENCODER } from '../helpers/tinyDetectors';

/** A tiny patch detector at 64 px; `steps` differ between detectors that must share their companion. */
const DETECTOR = {
  imageSize: 64,
  encoder: TINY_PATCH_ENCODER,
  headWidths: [16],
  batchSize: 4,
  seed: 2,
  fusion: 'feature-density',
} as const;

/**
 * Fits a detector, saves it and loads the save: the loaded one must give the same scores, companion
 * report and threshold. Returns the save, for doctoring.
 */
async function fitSaveAndReload(options: CutPasteOptions, train: RawImage[], test: RawImage[]): Promise<tf.io.ModelArtifacts> {
  const detector = await CutPasteDetector.create(options);
  await detector.fit(train, { workers: 0 });
  const before = await detector.score(test);
  const artifacts = await saveToMemory(detector);
  const loaded = await CutPasteDetector.load(tf.io.fromMemory(artifacts));
  expect(Array.from(await loaded.score(test))).toEqual(Array.from(before));
  expect(loaded.fitReport?.companion).toEqual(detector.fitReport?.companion);
  expect(loaded.threshold).toEqual(detector.threshold);
  loaded.dispose();
  detector.dispose();
  return artifacts;
}

/**
 * `fusion: 'feature-density'`: an untrained multi-stage feature density beside CutPaste's patch
 * density, each map divided by the spread of its own out-of-fold training scores, the two summed.
 */
describe("fusion: 'feature-density'", () => {
  const category = createSyntheticCategory({ kind: 'board', seed: 5, trainCount: 16, testCount: 4, imageSize: 64 });
  const train = [...category.trainImages()];
  const test = [...category.testSamples()].map((s) => s.image);

  it("is not the fast patch default (that is 'auto' at every size); image mode and the paper preset fuse nothing", async () => {
    const defaultOf = async (options: CutPasteOptions) => {
      const detector = await CutPasteDetector.create(options);
      detector.dispose();
      return detector.options.fusion;
    };
    expect(await defaultOf({})).toBe('auto');
    expect(await defaultOf({ imageSize: [256, 320] })).toBe('auto');
    expect(await defaultOf({ imageSize: [255, 320] })).toBe('auto');
    expect(await defaultOf({ imageSize: 64 })).toBe('auto');
    expect(await defaultOf({ imageSize: 128, fusion: 'feature-density' })).toBe('feature-density');
    expect(await defaultOf({ mode: 'image' })).toBe('none');
    expect(await defaultOf({ preset: 'paper' })).toBe('none');
    await expect(CutPasteDetector.create({ mode: 'image', fusion: 'feature-density' })).rejects.toThrow(OptionError);
    await expect(CutPasteDetector.create({ mode: 'image', fusion: 'feature-density+colour' })).rejects.toThrow(OptionError);
    await expect(CutPasteDetector.create({ mode: 'image', fusion: 'colour' })).rejects.toThrow(OptionError);
    await expect(CutPasteDetector.create({ mode: 'image', fusion: 'auto' })).rejects.toThrow(OptionError);
    await expect(CutPasteDetector.create({ fusion: 'both' as never })).rejects.toThrow(/option fusion must/);
  });

  it("sums each scorer's map divided by its spread: the companion's part does not depend on CutPaste's training", async () => {
    await expectNoLeak(async () => {
      const residuals: Float32Array[][] = [];
      for (const steps of [1, 3]) {
        const own = await CutPasteDetector.create({ ...DETECTOR, steps, fusion: 'none' });
        const fused = await CutPasteDetector.create({ ...DETECTOR, steps });
        await own.fit(train, { workers: 0 });
        const report = await fused.fit(train, { workers: 0 });
        const { companion } = report;
        expect(companion?.own.sd).toBeGreaterThan(0);
        expect(companion?.other?.sd).toBeGreaterThan(0);
        expect(['shared', 'per-location']).toContain(companion?.density);
        const [ownMaps, fusedMaps, scores] = [await own.scoreMaps(test), await fused.scoreMaps(test), await fused.score(test)];
        // The image score is the fused map's maximum (the threshold applies to its pixels).
        fusedMaps.forEach((map, i) => expect(scores[i]).toBeCloseTo(Math.max(...map.data), 4));
        // fused − own/σ is the companion's scaled map: the same whatever CutPaste learnt; scores stay ≥ 0.
        residuals.push(fusedMaps.map((map, i) => map.data.map((v, p) => v - ownMaps[i]!.data[p]! / companion!.own.sd)));
        expect(Math.min(...scores)).toBeGreaterThanOrEqual(0);
        expect(fused.threshold!.value).toBeGreaterThan(0);
        own.dispose();
        fused.dispose();
      }
      // Training changed CutPaste's part, and the companion's part stayed put.
      residuals[0]!.forEach((map, i) => {
        let largest = 0;
        for (let p = 0; p < map.length; p++) largest = Math.max(largest, Math.abs(map[p]! - residuals[1]![i]![p]!));
        expect(largest).toBeLessThan(1e-3);
      });
    });
  });

  it('saves and loads the companion: the same scores, report and threshold; a doctored save is refused', async () => {
    const artifacts = await fitSaveAndReload({ ...DETECTOR, steps: 1 }, train, test);

    const withoutCompanion = editDocument(artifacts, (doc) => delete doc.companion);
    await expect(CutPasteDetector.load(tf.io.fromMemory(withoutCompanion))).rejects.toThrow(/holds no companion/);
    const otherEncoder = editDocument(artifacts, (doc) => ((doc.companion as { fingerprint: number }).fingerprint *= 1.01));
    await expect(CutPasteDetector.load(tf.io.fromMemory(otherEncoder))).rejects.toThrow(/rebuilt from seed/);
    const noFusion = editDocument(artifacts, (doc) => ((doc.options as { fusion: string }).fusion = 'none'));
    await expect(CutPasteDetector.load(tf.io.fromMemory(noFusion))).rejects.toBeInstanceOf(FormatError);
    const badStatistics = editDocument(artifacts, (doc) => ((doc.companion as { own: { sd: number } }).own.sd = 0));
    await expect(CutPasteDetector.load(tf.io.fromMemory(badStatistics))).rejects.toThrow(/companion\.own/);
    const colourWanted = editDocument(artifacts, (doc) => ((doc.options as { fusion: string }).fusion = 'feature-density+colour'));
    await expect(CutPasteDetector.load(tf.io.fromMemory(colourWanted))).rejects.toThrow(/companion\.colour is missing/);
  });
});

/**
 * `fusion: 'feature-density+colour'`: a third scorer, each patch's colour mean and deviation per
 * channel on CutPaste's own grid with its own density, its map divided by its spread and added.
 */
describe("fusion: 'feature-density+colour'", () => {
  const category = createSyntheticCategory({ kind: 'pill', seed: 3, trainCount: 16, testCount: 4, imageSize: 64 });
  const train = [...category.trainImages()];
  const samples = [...category.testSamples()];
  const test = samples.map((s) => s.image);

  it("adds the colour scorer's scaled map to the two-scorer fusion; a stain raises it where the stain is", async () => {
    await expectNoLeak(async () => {
      const two = await CutPasteDetector.create({ ...DETECTOR, steps: 1 });
      const three = await CutPasteDetector.create({ ...DETECTOR, steps: 1, fusion: 'feature-density+colour' });
      await two.fit(train, { workers: 0 });
      const report = await three.fit(train, { workers: 0 });
      const colour = report.companion?.colour;
      expect(colour?.stats.sd).toBeGreaterThan(0);
      expect(['shared', 'per-location']).toContain(colour?.density);
      expect(two.fitReport?.companion?.colour).toBeUndefined();
      // The same seed and steps train the same CutPaste network and companion: the difference is the colour part.
      expect(report.companion?.own).toEqual(two.fitReport?.companion?.own);
      const [twoMaps, threeMaps, scores] = [await two.scoreMaps(test), await three.scoreMaps(test), await three.score(test)];
      threeMaps.forEach((map, i) => {
        expect(scores[i]).toBeCloseTo(Math.max(...map.data), 4);
        // The colour part is a Mahalanobis distance over its spread: ≥ 0 everywhere.
        for (let p = 0; p < map.data.length; p++) expect(map.data[p]! - twoMaps[i]!.data[p]!).toBeGreaterThan(-1e-4);
      });

      // A dark stain on a normal image: the colour part of the map is far higher on it than in the
      // corner no patch over the stain reaches (32 px patches: rows 32–63, columns 0–31 see none of it).
      const normal = train[0]!;
      const stained = { ...normal, data: Uint8Array.from(normal.data) };
      const [y0, x0] = [8, 36];
      for (let y = y0; y < y0 + 16; y++)
        for (let x = x0; x < x0 + 16; x++)
          for (let c = 0; c < 3; c++) stained.data[(y * 64 + x) * 3 + c] = Math.round(stained.data[(y * 64 + x) * 3 + c]! * 0.4);
      const parts = await Promise.all([two.scoreMaps([stained]), three.scoreMaps([stained])]);
      const colourPart = parts[1][0]!.data.map((v, p) => v - parts[0][0]!.data[p]!);
      const largest = (ys: number[], xs: number[]) => {
        let m = -Infinity;
        for (let y = ys[0]!; y < ys[1]!; y++) for (let x = xs[0]!; x < xs[1]!; x++) m = Math.max(m, colourPart[y * 64 + x]!);
        return m;
      };
      const onStain = largest([y0, y0 + 16], [x0, x0 + 16]);
      const corner = largest([48, 64], [0, 16]);
      expect(onStain).toBeGreaterThan(5 * corner);
      two.dispose();
      three.dispose();
    });
  });

  it('saves and loads the colour scorer: the same scores, report and threshold; a doctored save is refused', async () => {
    const artifacts = await fitSaveAndReload({ ...DETECTOR, steps: 1, fusion: 'feature-density+colour' }, train, test);

    const withoutColour = editDocument(artifacts, (doc) => delete (doc.companion as { colour?: unknown }).colour);
    await expect(CutPasteDetector.load(tf.io.fromMemory(withoutColour))).rejects.toThrow(/companion\.colour is missing/);
    const twoScorers = editDocument(artifacts, (doc) => ((doc.options as { fusion: string }).fusion = 'feature-density'));
    await expect(CutPasteDetector.load(tf.io.fromMemory(twoScorers))).rejects.toThrow(/companion\.colour is there/);
    const badStatistics = editDocument(artifacts, (doc) => ((doc.companion as { colour: { stats: { sd: number } } }).colour.stats.sd = -1));
    await expect(CutPasteDetector.load(tf.io.fromMemory(badStatistics))).rejects.toThrow(/companion\.colour must be/);
  });
});

/**
 * `fusion: 'colour'`: the colour scorer alone beside CutPaste's density (the default below 256 px),
 * no untrained encoder.
 */
describe("fusion: 'colour'", () => {
  const category = createSyntheticCategory({ kind: 'tile', seed: 4, trainCount: 16, testCount: 4, imageSize: 64 });
  const train = [...category.trainImages()];
  const test = [...category.testSamples()].map((s) => s.image);

  it("adds only the colour scorer's scaled map: what it adds equals the three-scorer fusion's colour part", async () => {
    await expectNoLeak(async () => {
      const own = await CutPasteDetector.create({ ...DETECTOR, steps: 1, fusion: 'none' });
      const colour = await CutPasteDetector.create({ ...DETECTOR, steps: 1, fusion: 'colour' });
      const three = await CutPasteDetector.create({ ...DETECTOR, steps: 1, fusion: 'feature-density+colour' });
      const two = await CutPasteDetector.create({ ...DETECTOR, steps: 1 });
      for (const d of [own, colour, three, two]) await d.fit(train, { workers: 0 });
      const report = colour.fitReport!.companion!;
      expect(report.other).toBeUndefined();
      expect(report.density).toBeUndefined();
      expect(report.colour).toEqual(three.fitReport?.companion?.colour);
      expect(report.own).toEqual(three.fitReport?.companion?.own);
      const [ownMaps, colourMaps, threeMaps, twoMaps, scores] = [
        await own.scoreMaps(test),
        await colour.scoreMaps(test),
        await three.scoreMaps(test),
        await two.scoreMaps(test),
        await colour.score(test),
      ];
      colourMaps.forEach((map, i) => {
        expect(scores[i]).toBeCloseTo(Math.max(...map.data), 4);
        for (let p = 0; p < map.data.length; p++) {
          const added = map.data[p]! - ownMaps[i]!.data[p]! / report.own.sd;
          expect(added).toBeGreaterThan(-1e-4);
          // The three-scorer map is the two-scorer one plus the same colour part.
          expect(threeMaps[i]!.data[p]! - twoMaps[i]!.data[p]!).toBeCloseTo(added, 3);
        }
      });
      expect(colour.threshold!.value).toBeGreaterThan(0);
      for (const d of [own, colour, three, two]) d.dispose();
    });
  });

  it('saves and loads it without an encoder; a save whose parts contradict its options is refused', async () => {
    const artifacts = await fitSaveAndReload({ ...DETECTOR, steps: 1, fusion: 'colour' }, train, test);
    const document = (artifacts.userDefinedMetadata as { cutpaste: { companion: object } }).cutpaste;
    expect(Object.keys(document.companion).sort()).toEqual(['colour', 'own']);
    const withFeatures = editDocument(artifacts, (doc) => ((doc.options as { fusion: string }).fusion = 'feature-density+colour'));
    await expect(CutPasteDetector.load(tf.io.fromMemory(withFeatures))).rejects.toThrow(/companion\.encoder is missing/);
    const featuresOnly = editDocument(artifacts, (doc) => ((doc.options as { fusion: string }).fusion = 'feature-density'));
    await expect(CutPasteDetector.load(tf.io.fromMemory(featuresOnly))).rejects.toBeInstanceOf(FormatError);
    const withoutColour = editDocument(artifacts, (doc) => delete (doc.companion as { colour?: unknown }).colour);
    await expect(CutPasteDetector.load(tf.io.fromMemory(withoutColour))).rejects.toThrow(/companion\.colour is missing/);
    // The saved report's companion must name its scorers: neither, or a feature density's statistics without its density, is refused.
    type Saved = { report: { companion: Record<string, unknown> } };
    const noScorer = editDocument(artifacts, (doc) => delete (doc as unknown as Saved).report.companion.colour);
    await expect(CutPasteDetector.load(tf.io.fromMemory(noScorer))).rejects.toThrow(/report\.companion/);
    const halfFeatures = editDocument(artifacts, (doc) => ((doc as unknown as Saved).report.companion.other = { mean: 1, sd: 1 }));
    await expect(CutPasteDetector.load(tf.io.fromMemory(halfFeatures))).rejects.toThrow(/report\.companion/);
    const strayChoice = editDocument(artifacts, (doc) => ((doc as unknown as Saved).report.companion.densityChoice = 1));
    await expect(CutPasteDetector.load(tf.io.fromMemory(strayChoice))).rejects.toBeInstanceOf(FormatError);
    const describesFeatures = editDocument(artifacts, (doc) =>
      Object.assign((doc as unknown as Saved).report.companion, { density: 'shared', other: { mean: 1, sd: 1 } }),
    );
    await expect(CutPasteDetector.load(tf.io.fromMemory(describesFeatures))).rejects.toThrow(/does not describe the scorers/);
    const nullColour = editDocument(artifacts, (doc) => ((doc.companion as { colour: unknown }).colour = null));
    await expect(CutPasteDetector.load(tf.io.fromMemory(nullColour))).rejects.toThrow(/companion\.colour must be/);
  });

  it('saves its windows; the featurizer is rebuilt from them, and saves without them meant the patch alone', async () => {
    const artifacts = await fitSaveAndReload({ ...DETECTOR, steps: 1, fusion: 'colour' }, train, test);
    type Colour = { colour: { scales?: unknown; density: { dimension?: number } } };
    const document = (artifacts.userDefinedMetadata as { cutpaste: { companion: Colour } }).cutpaste;
    expect(document.companion.colour.scales).toEqual([0.5, 1, 2]);
    for (const scales of [[3], [], 'all', [1, 'x'], [1, 1], null, Array(9).fill(1)]) {
      const bad = editDocument(artifacts, (doc) => ((doc.companion as Colour).colour.scales = scales));
      await expect(CutPasteDetector.load(tf.io.fromMemory(bad))).rejects.toThrow(
        /companion\.colour\.scales must be 1 to 8 distinct numbers in \(0, 2\]/,
      );
    }
    // Without scales the featurizer is the patch's alone (12 features), which the saved density (36) does not fit.
    const unscaled = editDocument(artifacts, (doc) => delete (doc.companion as Colour).colour.scales);
    await expect(CutPasteDetector.load(tf.io.fromMemory(unscaled))).rejects.toThrow(
      /colour\.density does not fit the scorer's features \(12 on/,
    );
    const twoScales = editDocument(artifacts, (doc) => ((doc.companion as Colour).colour.scales = [1, 2]));
    await expect(CutPasteDetector.load(tf.io.fromMemory(twoScales))).rejects.toThrow(
      /colour\.density does not fit the scorer's features \(24 on/,
    );
  });
});

/**
 * `fusion: 'auto'` (the fast patch default): the colour scorer, and the untrained feature density too
 * when `alignObjects` aligned the training images; a save's pose frame says which it fused.
 */
describe("fusion: 'auto'", () => {
  const bolts = createSyntheticCategory({ kind: 'bolt', seed: 4, trainCount: 16, testCount: 4, imageSize: 64 });
  const tiles = createSyntheticCategory({ kind: 'tile', seed: 4, trainCount: 16, testCount: 4, imageSize: 64 });
  const AUTO = { ...DETECTOR, steps: 1, fusion: 'auto' } as const;

  it('fuses both scorers where the objects were aligned and the colour scorer alone where they were not: the same scores as naming them', async () => {
    await expectNoLeak(async () => {
      const cases = [
        { category: bolts, aligned: true, named: 'feature-density+colour' },
        { category: tiles, aligned: false, named: 'colour' },
      ] as const;
      for (const { category, aligned, named } of cases) {
        const train = [...category.trainImages()];
        const test = [...category.testSamples()].map((s) => s.image);
        const auto = await CutPasteDetector.create(AUTO);
        const explicit = await CutPasteDetector.create({ ...AUTO, fusion: named });
        const report = await auto.fit(train, { workers: 0 });
        await explicit.fit(train, { workers: 0 });
        expect(report.objectPose?.aligned).toBe(aligned);
        expect(report.companion?.other !== undefined).toBe(aligned);
        expect(report.companion?.colour).toBeDefined();
        expect(report.companion).toEqual(explicit.fitReport?.companion);
        expect(Array.from(await auto.score(test))).toEqual(Array.from(await explicit.score(test)));
        auto.dispose();
        explicit.dispose();
      }
    });
  });

  it('saves and loads both kinds; a save whose pose frame contradicts its scorers is refused', async () => {
    const aligned = await fitSaveAndReload(
      AUTO,
      [...bolts.trainImages()],
      [...bolts.testSamples()].map((s) => s.image),
    );
    const noFrame = editDocument(aligned, (doc) => delete doc.pose);
    await expect(CutPasteDetector.load(tf.io.fromMemory(noFrame))).rejects.toThrow(
      /companion\.encoder is there but options\.fusion is 'auto' \(here 'colour': the save did not align its objects\)/,
    );
    const plain = await fitSaveAndReload(
      AUTO,
      [...tiles.trainImages()],
      [...tiles.testSamples()].map((s) => s.image),
    );
    const framed = editDocument(plain, (doc) => (doc.pose = { radius: 20 }));
    await expect(CutPasteDetector.load(tf.io.fromMemory(framed))).rejects.toThrow(
      /companion\.encoder is missing: options\.fusion is 'auto' \(here 'feature-density\+colour': the save aligned its objects\)/,
    );
  });
});
