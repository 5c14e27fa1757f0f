import { DatasetError } from './DatasetError';

/**
 * Thrown when an image file's header declares more pixels than the reader's `maxPixels` allows
 * (default {@link DEFAULT_MAX_PIXELS}). The check reads only the header, so nothing was decoded. A
 * {@link DatasetError}: `path` is the file; `width`, `height` and `maxPixels` say by how much it is over.
 *
 * @example
 * try {
 *   await readImage('scan.png', { size: 256 });
 * } catch (error) {
 *   if (error instanceof ImageTooLargeError) console.error(`${error.path}: ${error.width}×${error.height}`);
 * }
 */
export class ImageTooLargeError extends DatasetError {
  override readonly name = 'ImageTooLargeError';
  /** The file's width in pixels, from its header. */
  readonly width: number;
  /** The file's height in pixels, from its header. */
  readonly height: number;
  /** The limit it exceeds (width × height must be ≤ maxPixels). */
  readonly maxPixels: number;

  constructor(fn: string, path: string, width: number, height: number, maxPixels: number) {
    const n = (v: number): string => v.toLocaleString('en-US');
    super(
      `${fn}: ${path} is ${width}×${height} (width × height) = ${n(width * height)} pixels, over the limit of ${n(maxPixels)}; ` +
        'raise maxPixels (CLI: --max-pixels) to read it',
      path,
    );
    this.width = width;
    this.height = height;
    this.maxPixels = maxPixels;
  }
}
