import { type Rng, createRng, shuffleInPlace } from '../math/random';
import { describeValue } from '../math/validate';
import { type FloatImage, toUint8 } from './canvas';
import { capture } from './capture';
import { defectMask, maskArea } from './defectMask';
import type { KindDefinition, KindRenderer } from './kind';
import { KIND_DEFINITIONS } from './kinds';
import { type ResolvedSyntheticOptions, type SyntheticCategoryOptions, resolveSyntheticOptions } from './syntheticOptions';

/** An 8-bit image: row-major `[height, width, channels]` bytes. */
export interface SyntheticImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
}

/** Label of one test image, known before it is rendered. */
export interface SyntheticTestEntry {
  /** 1 when the image carries a defect. */
  readonly label: 0 | 1;
  /** `'good'` for normal images, otherwise one of the kind's defect types. */
  readonly defectType: string;
}

/** One test image with its label and ground truth. */
export interface SyntheticTestSample extends SyntheticTestEntry {
  readonly image: SyntheticImage;
  /** `[height, width]` bytes: 255 on the defect, 0 elsewhere (all 0 for a normal image). */
  readonly mask: Uint8Array;
}

/** A whole category in memory (see {@link synthesizeCategory}). */
export interface SyntheticDataset {
  readonly options: ResolvedSyntheticOptions;
  readonly train: SyntheticImage[];
  readonly test: SyntheticTestSample[];
}

/** A category whose images are rendered on demand, one at a time (see {@link createSyntheticCategory}). */
export interface SyntheticCategory {
  readonly options: ResolvedSyntheticOptions;
  readonly channels: 1 | 3;
  /** Label and defect type of every test index, without rendering anything. */
  readonly testPlan: readonly SyntheticTestEntry[];
  /** Renders normal training image `index` (0 ≤ index < trainCount). */
  train(index: number): SyntheticImage;
  /** Renders test sample `index` (0 ≤ index < testCount) with its mask. */
  test(index: number): SyntheticTestSample;
  /** Test image `index` exactly as rendered, but without its defect (same lighting and noise). */
  testWithoutDefect(index: number): SyntheticImage;
  /** Renders the training images one by one. */
  trainImages(): Generator<SyntheticImage>;
  /** Renders the test samples one by one. */
  testSamples(): Generator<SyntheticTestSample>;
}

/**
 * A lazily rendered synthetic MVTec-like category. Every image is a pure function of
 * (seed, kind, size, split, index): rendering test image 7 alone gives the same bytes as rendering
 * the whole set. The test set holds `round(testCount × defectFraction)` defective images, spread
 * evenly over the defect types, in a seeded random order.
 *
 * @example
 * const cat = createSyntheticCategory({ kind: 'carpet', seed: 1, trainCount: 100, testCount: 500 });
 * for (const sample of cat.testSamples()) score(sample.image);
 */
export function createSyntheticCategory(options: SyntheticCategoryOptions): SyntheticCategory {
  const resolved = resolveSyntheticOptions(options, 'createSyntheticCategory');
  const { kind, seed, height, width, trainCount, testCount, defectTypes } = resolved;
  const definition: KindDefinition = KIND_DEFINITIONS[kind];
  // Streams are named, not sized: the same seed gives the same product (palette, pattern scale) at any size.
  const tag = `${String(seed)}/${kind}`;
  const renderer: KindRenderer = definition.create(createRng(`${tag}/product`), height, width);

  const defects = Math.round(testCount * resolved.defectFraction);
  const plan: SyntheticTestEntry[] = [];
  for (let i = 0; i < testCount - defects; i++) plan.push({ label: 0, defectType: 'good' });
  for (let i = 0; i < defects; i++) plan.push({ label: 1, defectType: defectTypes[i % defectTypes.length]! });
  shuffleInPlace(plan, createRng(`${tag}/plan`));
  const testPlan = Object.freeze(plan.map((e) => Object.freeze(e)));

  const closeRadius = Math.max(1, Math.round((2 * Math.min(height, width)) / 256));
  const dilateRadius = Math.max(1, Math.round((2 * Math.min(height, width)) / 256));
  const minArea = Math.max(4, Math.round(height * width * 5e-5));
  const severity = 1.6 ** (1 - 2 * resolved.difficulty);
  const fade = Math.min(1, 1.5 - resolved.difficulty);

  const finish = (image: FloatImage, rng: Rng): SyntheticImage => ({
    data: toUint8(capture(image, rng, definition)),
    height,
    width,
    channels: definition.channels,
  });

  const checkIndex = (fn: string, index: number, n: number): void => {
    if (!Number.isInteger(index) || index < 0 || index >= n) {
      throw new RangeError(`SyntheticCategory.${fn}: index must be an integer in [0, ${n - 1}], got ${describeValue(index)}`);
    }
  };

  const renderTest = (index: number, withDefect: boolean): SyntheticTestSample => {
    const entry = testPlan[index]!;
    const base = `${tag}/test/${index}`;
    const sample = renderer.render(createRng(base));
    let image = sample.image;
    let mask: Uint8Array = new Uint8Array(height * width);
    if (entry.label === 1 && withDefect) {
      // Redraw (from the same stream) until the defect is visible; deterministic for the seed.
      const rng = createRng(`${base}/defect`);
      for (let attempt = 0; ; attempt++) {
        const drawn = sample.defect(entry.defectType, rng, severity);
        const defective = 'region' in drawn ? drawn.image : drawn;
        if (fade < 1) {
          const clean = sample.image.data;
          const out = defective.data;
          for (let i = 0; i < out.length; i++) out[i] = clean[i]! + fade * (out[i]! - clean[i]!);
        }
        const candidate = defectMask(sample.image, defective, closeRadius, dilateRadius, 'region' in drawn ? drawn.region : undefined);
        if (maskArea(candidate) >= minArea) {
          image = defective;
          mask = candidate;
          break;
        }
        if (attempt === 50) throw new Error(`synthetic ${kind}: no visible '${entry.defectType}' defect after 50 draws`);
      }
    }
    return { image: finish(image, createRng(`${base}/capture`)), label: entry.label, defectType: entry.defectType, mask };
  };

  const category: SyntheticCategory = {
    options: resolved,
    channels: definition.channels,
    testPlan,
    train(index) {
      checkIndex('train', index, trainCount);
      const base = `${tag}/train/${index}`;
      return finish(renderer.render(createRng(base)).image, createRng(`${base}/capture`));
    },
    test(index) {
      checkIndex('test', index, testCount);
      return renderTest(index, true);
    },
    testWithoutDefect(index) {
      checkIndex('testWithoutDefect', index, testCount);
      return renderTest(index, false).image;
    },
    *trainImages() {
      for (let i = 0; i < trainCount; i++) yield category.train(i);
    },
    *testSamples() {
      for (let i = 0; i < testCount; i++) yield category.test(i);
    },
  };
  return Object.freeze(category);
}

/**
 * Generates a whole synthetic MVTec-like category in memory: normal training images and a labelled
 * test set with exact masks. Deterministic for a seed. For large sets use {@link createSyntheticCategory},
 * which renders one image at a time.
 *
 * @example
 * const { train, test } = synthesizeCategory({ kind: 'wood', seed: 3, trainCount: 20, testCount: 10, imageSize: [96, 128] });
 * train[0].data.length; // 96 * 128 * 3
 * test.filter((s) => s.label === 1).length; // 5
 */
export function synthesizeCategory(options: SyntheticCategoryOptions): SyntheticDataset {
  resolveSyntheticOptions(options, 'synthesizeCategory');
  const category = createSyntheticCategory(options);
  return { options: category.options, train: [...category.trainImages()], test: [...category.testSamples()] };
}
