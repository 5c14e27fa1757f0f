/**
 * Bad input to the pure (tfjs-free) functions of `cutpaste` that test/errors.pure.test.ts does not
 * cover: the seeded generator, covariance and Cholesky helpers, region labelling, score spreading,
 * the Gaussian densities, the synthetic categories and the pixel-batch augmentations. Every row must
 * throw a typed error whose message names the function, the argument and what is allowed.
 * See docs/errors.md.
 */
import { describe, expect, it } from 'vitest';
import { createSyntheticCategory, resolveSyntheticOptions, synthesizeCategory } from '../../src/data/index';
import { GaussianDensity, LocationDensity, locationAlignment, resolveGaussianDensityOptions } from '../../src/density/index';
import {
  cholesky,
  createRng,
  empiricalCovarianceMatrix,
  labelRegions,
  NotPositiveDefiniteError,
  shrunkCovariance,
  solveLower,
  solveLowerTransposed,
  spreadScores,
} from '../../src/math/index';
import { colorJitterPixels } from '../../src/ops/pixels/colorJitterPixels';
import { concatImages } from '../../src/ops/pixels/concatImages';
import { cutoutPixels } from '../../src/ops/pixels/cutoutPixels';
import { cutPastePixels, cutPastePixelsWithMask } from '../../src/ops/pixels/cutPastePixels';
import { cutPasteScarPixels } from '../../src/ops/pixels/cutPasteScarPixels';
import { gatherImages } from '../../src/ops/pixels/gatherImages';
import { createPixelBatch } from '../../src/ops/pixels/pixelBatch';
import { randomCropsPixels } from '../../src/ops/pixels/randomCropsPixels';
import { randomTranslatePixels } from '../../src/ops/pixels/randomTranslatePixels';
import { scarPixels } from '../../src/ops/pixels/scarPixels';

type ErrorClass = abstract new (...args: never[]) => Error;
type Row = [what: string, call: () => unknown, kind: ErrorClass, message: RegExp];

const rng = createRng(0);
const batch = createPixelBatch({ batch: 2, height: 6, width: 8, channels: 3 }); // non-square
const memory = new Float32Array(600);
const shared = createPixelBatch({ batch: 2, height: 6, width: 8, channels: 3 }, memory.subarray(0, 288));
const grid = { rows: 1, cols: 1, patchHeight: 4, patchWidth: 4, strideY: 1, strideX: 1, height: 4, width: 8 };
const gde = GaussianDensity.fit([
  [1, 2],
  [3, 4],
  [5, 7],
]);
const location = LocationDensity.fit(
  Float32Array.from({ length: 24 }, (_, i) => Math.sin(i * 1.7)),
  4,
  2,
  3,
);
const withNaN = (() => {
  const a = location.toArrays();
  a.means[0] = NaN;
  return a;
})();

const rows: Row[] = [
  // math
  ['an infinite seed', () => createRng(Infinity), RangeError, /^createRng: seed must be a finite number or a string, got Infinity$/],
  ['an object as seed', () => createRng({} as never), TypeError, /^createRng: seed must be a finite number or a string, got an object$/],
  [
    'one row for a covariance',
    () => empiricalCovarianceMatrix(new Float64Array(3), 1, 3),
    RangeError,
    /^empiricalCovarianceMatrix: rows must be at least 2 to estimate a covariance, got 1$/,
  ],
  [
    'a shrinkage of 2',
    () => shrunkCovariance(new Float64Array(4), 2, 2),
    RangeError,
    /^shrunkCovariance: shrinkage must be a number in \[0, 1\], got 2$/,
  ],
  [
    'a plain array as covariance',
    () => shrunkCovariance([1, 0, 0, 1] as never, 2, 0.1),
    TypeError,
    /^shrunkCovariance: covariance must be a Float64Array, got Array\(4\)$/,
  ],
  [
    'a matrix that is not positive definite',
    () => cholesky(new Float64Array([1, 2, 2, 1]), 2),
    NotPositiveDefiniteError,
    /^cholesky: matrix must be symmetric positive definite, but the pivot of row 1 is -3/,
  ],
  [
    'an asymmetric matrix',
    () => cholesky(new Float64Array([1, 2, 3, 1]), 2),
    RangeError,
    /^cholesky: matrix must be symmetric, got matrix\[1\]\[0\] = 3 but matrix\[0\]\[1\] = 2$/,
  ],
  [
    'a matrix of the wrong length',
    () => cholesky(new Float64Array(3), 2),
    RangeError,
    /^cholesky: matrix must have length rows × cols = 2 × 2 = 4, got length 3$/,
  ],
  [
    'a zero on the diagonal',
    () => solveLower(new Float64Array([0, 0, 0, 1]), 2, [1, 2]),
    RangeError,
    /^solveLower: lower must have a non-zero diagonal, got lower\[0\]\[0\] = 0$/,
  ],
  [
    'a right-hand side of the wrong length',
    () => solveLower(new Float64Array([1, 0, 0, 1]), 2, [1]),
    RangeError,
    /^solveLower: b must have length dimension = 2, got length 1$/,
  ],
  [
    'a plain array as factor',
    () => solveLowerTransposed([1] as never, 1, [1]),
    TypeError,
    /^solveLowerTransposed: lower must be a Float64Array \(a Cholesky factor\), got Array\(1\)$/,
  ],
  [
    'a NaN in a mask',
    () => labelRegions([0, NaN], 1, 2),
    RangeError,
    /^labelRegions: mask\[1\] must be a number \(> 0 = defect\), got NaN$/,
  ],
  [
    'a mask of the wrong length',
    () => labelRegions([0, 1, 1], 1, 2),
    RangeError,
    /^labelRegions: mask must have length height × width = 1 × 2 = 2, got length 3$/,
  ],
  [
    'a patch grid larger than the image',
    () => spreadScores([1], { ...grid, patchHeight: 8, patchWidth: 8 }, 1),
    RangeError,
    /^spreadScores: a 1×1 grid of 8×8 patches at stride 1×1 does not fit a 4×8 image$/,
  ],
  ['a sigma of 0', () => spreadScores([1], grid, 0), RangeError, /^spreadScores: sigma must be a finite number > 0, got 0$/],
  ['a NaN patch score', () => spreadScores([NaN], grid, 1), RangeError, /^spreadScores: scores\[0\] must be a finite number, got NaN$/],
  [
    'a grid of 0 rows',
    () => spreadScores([], { ...grid, rows: 0 }, 1),
    RangeError,
    /^spreadScores: grid\.rows must be a positive integer, got 0$/,
  ],
  // density
  [
    'a feature matrix of the wrong length',
    () => GaussianDensity.fitMatrix(new Float32Array(5), 2, 3),
    RangeError,
    /^GaussianDensity\.fitMatrix: data must have length rows × cols = 2 × 3 = 6, got length 5$/,
  ],
  [
    'a NaN feature',
    () => GaussianDensity.fitMatrix(new Float32Array([1, 2, NaN, 4]), 2, 2),
    RangeError,
    /^GaussianDensity\.fitMatrix: data must hold finite numbers only, got NaN at row 1, column 0 \(index 2\)$/,
  ],
  [
    'a shrinkage of 2',
    () =>
      GaussianDensity.fit(
        [
          [1, 2],
          [3, 4],
          [5, 7],
        ],
        { shrinkage: 2 },
      ),
    RangeError,
    /^GaussianDensity\.fit: options\.shrinkage must be a number in \[0, 1\], got 2$/,
  ],
  [
    'an unknown density option',
    () => resolveGaussianDensityOptions({ shrink: 0.1 } as never),
    TypeError,
    /^GaussianDensity\.fit: unknown option "shrink"; allowed: shrinkage, l2Normalize$/,
  ],
  [
    'rows of another dimension than fitted',
    () => gde.score([[1, 2, 3]]),
    RangeError,
    /^GaussianDensity\.score: rows\[0\] must have length 2 \(the fitted dimension\), got length 3$/,
  ],
  [
    'a score matrix of the wrong length',
    () => gde.scoreMatrix(new Float32Array(3), 2),
    RangeError,
    /^GaussianDensity\.scoreMatrix: data must have length rows × cols = 2 × 2 = 4, got length 3$/,
  ],
  [
    'JSON of another format',
    () => GaussianDensity.fromJSON({ format: 'x' }),
    TypeError,
    /^GaussianDensity\.fromJSON: json\.format must be 'cutpaste\.GaussianDensity', got "x"$/,
  ],
  [
    'JSON of another version',
    () => GaussianDensity.fromJSON({ ...gde.toJSON(), version: 2 }),
    RangeError,
    /^GaussianDensity\.fromJSON: json\.version must be 1 \(the only version this library reads\), got 2$/,
  ],
  [
    'one image for a location density',
    () => LocationDensity.fit(new Float32Array(6), 1, 2, 3),
    RangeError,
    /^LocationDensity\.fit: images must be at least 2 to fit a density, got 1$/,
  ],
  [
    'a negative ridge',
    () => LocationDensity.fit(new Float32Array(12), 2, 2, 3, { ridge: -1 }),
    RangeError,
    /^LocationDensity\.fit: options\.ridge must be a finite number ≥ 0, got -1$/,
  ],
  [
    'location features of the wrong length',
    () => location.score(new Float32Array(5), 1),
    RangeError,
    /^LocationDensity\.score: data must have length rows × cols = 2 × 3 = 6, got length 5$/,
  ],
  [
    'saved means of the wrong length',
    () => LocationDensity.fromArrays({ ...location.toArrays(), means: new Float32Array(2) }),
    RangeError,
    /^LocationDensity\.fromArrays: arrays\.means must have length 6, got 2$/,
  ],
  [
    'a NaN saved mean',
    () => LocationDensity.fromArrays(withNaN),
    RangeError,
    /^LocationDensity\.fromArrays: arrays\.means\[0\] is NaN; values must be finite$/,
  ],
  [
    '0 images to align',
    () => locationAlignment(new Float32Array(0), 0, 2, 3, true),
    RangeError,
    /^locationAlignment: images must be a positive integer, got 0$/,
  ],
  [
    'alignment features of the wrong length',
    () => locationAlignment(new Float32Array(5), 1, 2, 3, true),
    RangeError,
    /^locationAlignment: data must have length rows × cols = 2 × 3 = 6, got length 5$/,
  ],
  [
    'a non-boolean l2Normalize',
    () => locationAlignment(new Float32Array(6), 1, 2, 3, 1 as never),
    TypeError,
    /^locationAlignment: l2Normalize must be a boolean, got 1$/,
  ],
  // data
  [
    'an unknown synthetic kind',
    () => createSyntheticCategory({ kind: 'glass' as never }),
    RangeError,
    /^createSyntheticCategory: options\.kind must be one of 'carpet', 'grid', 'leather', 'tile', 'wood', 'pill', 'bolt', 'board', 'ceramic', got "glass"$/,
  ],
  [
    'a synthetic size of 8',
    () => createSyntheticCategory({ kind: 'carpet', imageSize: 8 }),
    RangeError,
    /^createSyntheticCategory: options\.imageSize must be an integer in \[32, 4096\] or \[height, width\] of such integers, got 8$/,
  ],
  [
    'a negative image count',
    () => createSyntheticCategory({ kind: 'carpet', trainCount: -1 }),
    RangeError,
    /^createSyntheticCategory: options\.trainCount must be an integer in \[0, 1000000\], got -1$/,
  ],
  [
    'an image index past the end',
    () => createSyntheticCategory({ kind: 'carpet', trainCount: 2, imageSize: 32 }).train(5),
    RangeError,
    /^SyntheticCategory\.train: index must be an integer in \[0, 1\], got 5$/,
  ],
  [
    'no options',
    () => synthesizeCategory(null as never),
    TypeError,
    /^synthesizeCategory: options must be an object with at least \{ kind \}, got null$/,
  ],
  [
    'a difficulty of 2',
    () => resolveSyntheticOptions({ kind: 'carpet', difficulty: 2 }),
    RangeError,
    /^synthesizeCategory: options\.difficulty must be a number in \[0, 1\], got 2$/,
  ],
  // pixel batches
  [
    'a batch of 0 images',
    () => createPixelBatch({ batch: 0, height: 1, width: 1, channels: 3 }),
    RangeError,
    /^createPixelBatch: shape\.batch must be a positive integer, got 0$/,
  ],
  [
    'pixels of the wrong length',
    () => createPixelBatch({ batch: 1, height: 1, width: 1, channels: 3 }, new Float32Array(2)),
    RangeError,
    /^createPixelBatch: data must have length batch · height · width · channels = 3, got 2$/,
  ],
  [
    'an image index out of range',
    () => gatherImages(batch, [2]),
    RangeError,
    /^gatherImages: indices\[0\] must be an integer in \[0, 1\], got 2$/,
  ],
  [
    'no image indices',
    () => gatherImages(batch, []),
    RangeError,
    /^gatherImages: indices must be a non-empty array of image indices, got \[\]$/,
  ],
  [
    'batches of different sizes',
    () => concatImages([batch, createPixelBatch({ batch: 1, height: 6, width: 7, channels: 3 })]),
    RangeError,
    /^concatImages: parts\[1\] is 6 × 7 × 3 \(height × width × channels\); parts\[0\] is 6 × 8 × 3: all parts must match$/,
  ],
  ['no batches', () => concatImages([]), TypeError, /^concatImages: parts must be a non-empty array of PixelBatch, got \[\]$/],
  [
    'a batch without its shape',
    () => cutPastePixels({ data: new Float32Array(3) } as never),
    RangeError,
    /^cutPastePixels: images\.batch must be a positive integer, got undefined$/,
  ],
  [
    '4 channels',
    () => cutPastePixels(createPixelBatch({ batch: 1, height: 4, width: 4, channels: 4 })),
    RangeError,
    /^cutPastePixels: images must have 1 or 3 channels, got 4$/,
  ],
  [
    'an output array of the wrong length',
    () => cutPastePixels(batch, { out: new Float32Array(5), rng }),
    RangeError,
    /^cutPastePixels: options\.out must have length 288 \(the output's size\), got 5$/,
  ],
  [
    'an output overlapping the input',
    () => cutPastePixels(shared, { out: memory.subarray(1, 289), rng }),
    RangeError,
    /^cutPastePixels: options\.out must not overlap the input's data \(except by being exactly the same array, to work in place\)$/,
  ],
  [
    'an area of 0',
    () => cutPastePixelsWithMask(batch, { area: [0, 1] }),
    RangeError,
    /^cutPastePixelsWithMask: options\.area must be \[min, max\] with 0 < min ≤ max ≤ 1, got \[0, 1\]$/,
  ],
  [
    'a reversed scar width',
    () => cutPasteScarPixels(batch, { width: [2, 1] }),
    RangeError,
    /^cutPasteScarPixels: options\.width must be \[min, max\] with 0 < min ≤ max < Infinity, got \[2, 1\]$/,
  ],
  [
    'a fill colour of 2',
    () => cutoutPixels(batch, { color: 2 } as never),
    RangeError,
    /^cutoutPixels: options\.color must be \[min, max\] with 0 ≤ min ≤ max ≤ 1, got 2$/,
  ],
  [
    'an angle of 1000°',
    () => scarPixels(batch, { angle: [0, 1000] }),
    RangeError,
    /^scarPixels: options\.angle must be \[min, max\] with -180 ≤ min ≤ max ≤ 180, got \[0, 1000\]$/,
  ],
  [
    'a hue of 0.6',
    () => colorJitterPixels(batch, { hue: 0.6 }),
    RangeError,
    /^colorJitterPixels: options\.hue must be a number in \[0, 0\.5\], got 0\.6$/,
  ],
  [
    'a negative shift',
    () => randomTranslatePixels(batch, { maxShift: -1 }),
    RangeError,
    /^randomTranslatePixels: options\.maxShift must be a number in \[0, 1\), got -1$/,
  ],
  [
    'a crop taller than the images',
    () => randomCropsPixels(batch, [7, 4], rng),
    RangeError,
    /^randomCropsPixels: size \[7, 4\] must fit in the images \(height 6, width 8\)$/,
  ],
];

describe('the pure core functions refuse bad input', () => {
  for (const [what, call, kind, message] of rows) {
    it(`refuse ${what} with a ${kind.name}`, () => {
      let caught: unknown;
      try {
        call();
      } catch (error) {
        caught = error;
      }
      expect(caught, 'the call was not refused').toBeInstanceOf(kind);
      expect((caught as Error).message).toMatch(message);
    });
  }
});
