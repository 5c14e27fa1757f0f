import { checkRows } from './validate';

/** A dense row-major matrix: `data[r * cols + c]`. */
export interface FlatMatrix {
  /** Row-major values, length `rows × cols`. */
  readonly data: Float64Array;
  /** Number of rows. */
  readonly rows: number;
  /** Number of columns. */
  readonly cols: number;
}

/**
 * Copies an array of equal-length rows into one row-major Float64Array, validating as it goes
 * (equal lengths, finite values, at least `minRows` rows; `expectedCols` fixes the row length).
 *
 * @example
 * rowsToMatrix('fit', 'rows', [[1, 2], [3, 4]]); // { data: Float64Array [1, 2, 3, 4], rows: 2, cols: 2 }
 */
export function rowsToMatrix(fn: string, arg: string, rows: readonly ArrayLike<number>[], minRows = 1, expectedCols?: number): FlatMatrix {
  const shape = checkRows(fn, arg, rows, minRows, expectedCols);
  const data = new Float64Array(shape.rows * shape.cols);
  for (let r = 0; r < shape.rows; r++) {
    const row = rows[r]!;
    if (ArrayBuffer.isView(row)) {
      data.set(row, r * shape.cols);
    } else {
      const offset = r * shape.cols;
      for (let c = 0; c < shape.cols; c++) data[offset + c] = row[c]!;
    }
  }
  return { data, rows: shape.rows, cols: shape.cols };
}
