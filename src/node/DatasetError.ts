/**
 * Thrown when a folder of images cannot be used: an unknown layout, a defect image without its mask
 * (or a mask without its image), a missing, unreadable, corrupt or truncated file, or an image and mask
 * of different sizes. `path` is the file or folder at fault; the message names it too.
 *
 * @example
 * try {
 *   await loadMvtecCategory('data/bottle');
 * } catch (error) {
 *   if (error instanceof DatasetError) console.error(`bad file: ${error.path}`);
 * }
 */
export class DatasetError extends Error {
  override readonly name: string = 'DatasetError';
  /** The file or folder at fault (absolute). */
  readonly path: string;

  constructor(message: string, path: string, options?: { cause?: unknown }) {
    super(message, options);
    this.path = path;
  }
}
