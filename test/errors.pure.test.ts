import { describe, expect, it } from 'vitest';
import { GaussianDensity } from '../src/density/index';
import {
  auPro,
  f1Max,
  gaussianBlur,
  gaussianKernel1d,
  ledoitWolf,
  ledoitWolfMatrix,
  resizeBilinear,
  rocAuc,
  rocCurve,
} from '../src/math/index';

type Case = [title: string, call: () => unknown, kind: typeof TypeError | typeof RangeError, message: RegExp];

const map = new Float32Array(6); // 2 × 3
const mask = [0, 1, 0, 0, 0, 0];

// Every message names the function, the argument, the value received and what is allowed.
const cases: Case[] = [
  [
    'rows of unequal length',
    () => ledoitWolf([[1, 2], [3]]),
    RangeError,
    /^ledoitWolf: rows\[1\] must have length 2 \(the length of rows\[0\]\), got length 1$/,
  ],
  [
    'a NaN in a row (row and column named)',
    () =>
      ledoitWolf([
        [1, 2],
        [3, NaN],
      ]),
    RangeError,
    /^ledoitWolf: rows\[1\]\[1\] must be a finite number, got NaN$/,
  ],
  [
    'an Infinity in a flat matrix (row and column named)',
    () => ledoitWolfMatrix(new Float64Array([1, 2, Infinity, 4]), 2, 2),
    RangeError,
    /^ledoitWolfMatrix: data must hold finite numbers only, got Infinity at row 1, column 0 \(index 2\)$/,
  ],
  [
    'a string in a row',
    () =>
      ledoitWolf([
        [1, 2],
        [3, '4' as unknown as number],
      ]),
    TypeError,
    /^ledoitWolf: rows\[1\]\[1\] must be a finite number, got "4"$/,
  ],
  ['rows that are not an array', () => ledoitWolf(5 as never), TypeError, /^ledoitWolf: rows must be an array of rows/],
  ['fewer than 2 rows for a covariance', () => ledoitWolf([[1, 2]]), RangeError, /^ledoitWolf: rows must contain at least 2 rows, got 1$/],
  [
    'fewer than 2 rows for a density',
    () => GaussianDensity.fit([[1, 2]]),
    RangeError,
    /^GaussianDensity.fit: rows must contain at least 2 rows, got 1$/,
  ],
  [
    'a flat matrix whose length is not rows × cols',
    () => ledoitWolfMatrix(new Float32Array(5), 2, 2),
    RangeError,
    /^ledoitWolfMatrix: data must have length rows × cols = 2 × 2 = 4, got length 5$/,
  ],
  [
    'a non-integer column count',
    () => ledoitWolfMatrix(new Float32Array(5), 2, 2.5),
    RangeError,
    /^ledoitWolfMatrix: cols must be a positive integer, got 2.5$/,
  ],
  [
    'labels of one class only (AUC)',
    () => rocAuc([1, 2, 3], [0, 0, 0]),
    RangeError,
    /^rocAuc: labels must contain both classes \(0 and 1\), got only 0 \(3 labels\)$/,
  ],
  [
    'labels of one class only (ROC curve)',
    () => rocCurve([1, 2], [true, true]),
    RangeError,
    /^rocCurve: labels must contain both classes \(0 and 1\), got only 1 \(2 labels\)$/,
  ],
  ['labels of one class only (F1)', () => f1Max([1, 2], [1, 1]), RangeError, /^f1Max: labels must contain both classes/],
  [
    'masks without any defect (AUPRO)',
    () => auPro([map], [new Array(6).fill(0)], 2, 3),
    RangeError,
    /^auPro: masks must contain at least one defect pixel \(value > 0\), got none in 1 masks$/,
  ],
  [
    'a label that is not 0/1/boolean',
    () => rocAuc([1, 2, 3], [0, 1, 2]),
    TypeError,
    /^rocAuc: labels\[2\] must be 0, 1, false or true, got 2$/,
  ],
  ['a string label', () => f1Max([1, 2], [0, '1' as never]), TypeError, /^f1Max: labels\[1\] must be 0, 1, false or true, got "1"$/],
  [
    'scores and labels of different lengths',
    () => rocAuc([1, 2, 3], [0, 1]),
    RangeError,
    /^rocAuc: labels must have the same length as scores \(3\), got length 2$/,
  ],
  [
    'a NaN score (index named)',
    () => rocAuc(new Float32Array([0.5, NaN]), [0, 1]),
    RangeError,
    /^rocAuc: scores\[1\] must be a finite number, got NaN$/,
  ],
  [
    'an infinite score',
    () => rocCurve([0.5, -Infinity], [0, 1]),
    RangeError,
    /^rocCurve: scores\[1\] must be a finite number, got -Infinity$/,
  ],
  [
    'a map whose length is not height × width (blur)',
    () => gaussianBlur(new Float32Array(7), 2, 3, 1),
    RangeError,
    /^gaussianBlur: map must have length height × width = 2 × 3 = 6, got length 7$/,
  ],
  [
    'a map whose length is not height × width (resize)',
    () => resizeBilinear(new Float32Array(5), 2, 3, 4, 4),
    RangeError,
    /^resizeBilinear: map must have length height × width = 2 × 3 = 6, got length 5$/,
  ],
  [
    'a map whose length is not height × width (AUPRO)',
    () => auPro([map], [mask], 3, 3),
    RangeError,
    /^auPro: maps\[0\] must have length height × width = 3 × 3 = 9, got length 6$/,
  ],
  [
    'a NaN in a map',
    () => gaussianBlur(new Float32Array([0, 0, NaN, 0, 0, 0]), 2, 3, 1),
    RangeError,
    /^gaussianBlur: map\[2\] must be a finite number, got NaN$/,
  ],
  [
    'a negative sigma',
    () => gaussianBlur(map, 2, 3, -1),
    RangeError,
    /^gaussianBlur: sigma must be a finite number >= 0 \(pixels\), got -1$/,
  ],
  [
    'a non-finite sigma',
    () => gaussianKernel1d(Infinity),
    RangeError,
    /^gaussianKernel1d: sigma must be a finite number >= 0 \(pixels\), got Infinity$/,
  ],
  ['a NaN sigma', () => gaussianKernel1d(NaN), RangeError, /got NaN$/],
  [
    'a sigma that is not a number',
    () => gaussianBlur(map, 2, 3, '1' as never),
    TypeError,
    /^gaussianBlur: sigma must be a finite number >= 0 \(pixels\), got "1"$/,
  ],
  ['a negative radius', () => gaussianKernel1d(1, -2), RangeError, /^gaussianKernel1d: radius must be an integer >= 0, got -2$/],
  ['a zero height', () => gaussianBlur(map, 0, 3, 1), RangeError, /^gaussianBlur: height must be a positive integer, got 0$/],
  [
    'a non-integer width',
    () => resizeBilinear(map, 2, 3, 4, 1.5),
    RangeError,
    /^resizeBilinear: outWidth must be a positive integer, got 1.5$/,
  ],
  [
    'a size that is not a number',
    () => resizeBilinear(map, 2, '3' as never, 4, 4),
    TypeError,
    /^resizeBilinear: width must be a positive integer, got "3"$/,
  ],
];

describe('bad input', () => {
  for (const [title, call, kind, message] of cases) {
    it(`is refused with a ${kind.name} for ${title}`, () => {
      let caught: unknown;
      try {
        call();
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(kind);
      expect((caught as Error).message).toMatch(message);
    });
  }
});
