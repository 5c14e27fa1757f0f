import type { Library } from './library';
import type { SkippedFile } from './paths';

/** What `score` passes to `readImage`: the model's size and `--max-pixels`. */
export type ReadOptions = NonNullable<Parameters<Library['readImage']>[1]>;

/** An image file read for scoring, with its index in the listing (heatmap names are by index). */
export interface ScorableImage {
  readonly file: string;
  readonly index: number;
  readonly image: Awaited<ReturnType<Library['readImage']>>;
}

/** Lines of skipped files shown on stderr before the rest are counted. */
const SHOWN = 5;

/**
 * Reads `files[start .. start + count)` at once. A file the reader refuses with a `DatasetError`
 * (corrupt, truncated, empty, not an image, over `maxPixels`, gone since it was listed) is appended to
 * `unreadable` with the reader's reason, and the others are returned in order; any other error
 * (sharp missing, out of memory) is thrown, since it would fail every file alike.
 *
 * @example
 * const unreadable: SkippedFile[] = [];
 * const chunk = await readScorable(lib, files, 0, 8, { size: [256, 256] }, unreadable);
 */
export async function readScorable(
  lib: Library,
  files: readonly string[],
  start: number,
  count: number,
  options: ReadOptions,
  unreadable: SkippedFile[],
): Promise<ScorableImage[]> {
  const chunk = files.slice(start, start + count);
  const read = await Promise.all(
    chunk.map((file) =>
      lib.readImage(file, options).then(
        (image) => ({ image }),
        (error: unknown) => {
          if (!(error instanceof lib.DatasetError)) throw error;
          return { reason: unreadableReason(error) };
        },
      ),
    ),
  );
  const images: ScorableImage[] = [];
  read.forEach((r, i) => {
    const file = chunk[i]!;
    if ('image' in r) images.push({ file, index: start + i, image: r.image });
    else unreadable.push({ file, reason: r.reason });
  });
  return images;
}

/**
 * The reader's message without its `readImage: <path> is ` prefix (the file is named beside it):
 * `not a readable image (…)`, `empty (0 bytes), not an image`, `8000×8000 (width × height) = … over the
 * limit of …`.
 */
function unreadableReason(error: Error & { path: string }): string {
  const prefix = `readImage: ${error.path} `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length).replace(/^is /, '') : error.message;
}

/**
 * The skipped entries as indented lines (each starting with a line break), the first five and then
 * how many more (`--json` lists every one).
 *
 * @example
 * stderr.write(`skipped 2 files:${skippedLines(skipped, (s) => `${s.file}: ${s.reason}`)}\n`);
 */
export function skippedLines<T>(entries: readonly T[], line: (entry: T) => string): string {
  const shown = entries
    .slice(0, SHOWN)
    .map((e) => `\n  ${line(e)}`)
    .join('');
  return entries.length > SHOWN ? `${shown}\n  … and ${entries.length - SHOWN} more (--json lists every one)` : shown;
}
