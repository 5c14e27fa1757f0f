import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { DatasetError } from './DatasetError';

/** File extensions read as images (lower case, with the dot). */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff', '.webp']);

/** A folder's entries: image files and subfolders, natural order (`2.png` before `10.png`); hidden entries skipped. */
export interface FolderEntries {
  images: string[];
  folders: string[];
  /** Other files (not images, not hidden), for error messages. */
  others: string[];
}

const collator = new Intl.Collator('en', { numeric: true });

/** True for an image file name (by extension, case-insensitive). */
export function isImageName(name: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(name).toLowerCase());
}

/** Lists a folder; `DatasetError` naming it when it is missing or not a folder. */
export async function readFolder(dir: string, fn: string, what: string): Promise<FolderEntries> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'is not a folder' : `cannot be read (${code ?? String(error)})`;
    throw new DatasetError(`${fn}: ${what} ${dir} ${why}`, dir, { cause: error });
  }
  const result: FolderEntries = { images: [], folders: [], others: [] };
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const isDirectory = entry.isSymbolicLink()
      ? await stat(join(dir, entry.name)).then((s) => s.isDirectory(), () => false)
      : entry.isDirectory();
    if (isDirectory) result.folders.push(entry.name);
    else if (isImageName(entry.name)) result.images.push(entry.name);
    else result.others.push(entry.name);
  }
  result.images.sort(collator.compare);
  result.folders.sort(collator.compare);
  result.others.sort(collator.compare);
  return result;
}
