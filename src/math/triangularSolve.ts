import { checkFiniteArray, checkLength, checkMatrix, checkPositiveInteger, describeValue } from './validate';

function checkFactor(fn: string, lower: unknown, dimension: number): Float64Array {
  checkPositiveInteger(fn, 'dimension', dimension);
  if (!(lower instanceof Float64Array)) {
    throw new TypeError(`${fn}: lower must be a Float64Array (a Cholesky factor), got ${describeValue(lower)}`);
  }
  checkMatrix(fn, 'lower', lower, dimension, dimension);
  for (let i = 0; i < dimension; i++) {
    const v = lower[i * dimension + i]!;
    if (v === 0) throw new RangeError(`${fn}: lower must have a non-zero diagonal, got lower[${i}][${i}] = 0`);
  }
  return lower;
}

/**
 * Solves `L·x = b` by forward substitution (L lower-triangular, row-major `[d, d]`; entries above the
 * diagonal are ignored). Returns a new Float64Array `[d]`.
 *
 * @example
 * solveLower(new Float64Array([2, 0, 1, 1]), 2, [2, 3]); // [1, 2]
 */
export function solveLower(lower: Float64Array, dimension: number, b: ArrayLike<number>): Float64Array {
  const fn = 'solveLower';
  checkFactor(fn, lower, dimension);
  checkLength(fn, 'b', b, dimension, `dimension = ${dimension}`);
  checkFiniteArray(fn, 'b', b);
  const x = new Float64Array(dimension);
  for (let i = 0; i < dimension; i++) {
    const li = i * dimension;
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= lower[li + k]! * x[k]!;
    x[i] = s / lower[li + i]!;
  }
  return x;
}

/**
 * Solves `Lᵀ·x = b` by back substitution with the lower factor L (row-major `[d, d]`), so that
 * `solveLowerTransposed(L, d, solveLower(L, d, b))` solves `(L·Lᵀ)·x = b`. Returns a new Float64Array `[d]`.
 *
 * @example
 * solveLowerTransposed(new Float64Array([2, 0, 1, 1]), 2, [4, 2]); // [1, 2]
 */
export function solveLowerTransposed(lower: Float64Array, dimension: number, b: ArrayLike<number>): Float64Array {
  const fn = 'solveLowerTransposed';
  checkFactor(fn, lower, dimension);
  checkLength(fn, 'b', b, dimension, `dimension = ${dimension}`);
  checkFiniteArray(fn, 'b', b);
  const x = Float64Array.from(b);
  // Column-oriented: once x[i] is known, remove its contribution from the rows above (row i of L is contiguous).
  for (let i = dimension - 1; i >= 0; i--) {
    const li = i * dimension;
    const xi = x[i]! / lower[li + i]!;
    x[i] = xi;
    for (let k = 0; k < i; k++) x[k]! -= lower[li + k]! * xi;
  }
  return x;
}
