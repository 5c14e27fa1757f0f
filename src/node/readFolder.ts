import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { DatasetError } from './DatasetError';

/** File extensions read as images (lower case, with the dot). */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff', '.webp']);

/** An entry with an image file name that is not read, and why (for messages). */
export interface SkippedEntry {
  readonly name: string;
  /** What it is instead: `a broken symbolic link`, `a FIFO`, `a symbolic link to a device`, … */
  readonly reason: string;
}

/**
 * A folder's entries: image files and subfolders, natural order (`2.png` before `10.png`); hidden
 * entries skipped. Symbolic links count as what they point to, so a linked image is read like a file.
 */
export interface FolderEntries {
  images: string[];
  folders: string[];
  /** Other files (not images, not hidden), for error messages. */
  others: string[];
  /** Entries named like images that are not readable files: broken links, FIFOs, sockets, devices. */
  skipped: SkippedEntry[];
}

const collator = new Intl.Collator('en', { numeric: true });

/** True for an image file name (by extension, case-insensitive). */
export function isImageName(name: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(name).toLowerCase());
}

/** What an entry is, after following a symbolic link: 'file', 'folder', or what else it is ('a FIFO', 'a broken symbolic link', …). */
async function kindOf(dir: string, entry: Dirent): Promise<string> {
  if (!entry.isSymbolicLink()) {
    if (entry.isFile()) return 'file';
    if (entry.isDirectory()) return 'folder';
    return specialKind(entry);
  }
  const target = await stat(join(dir, entry.name)).catch(() => null);
  if (target === null) return 'a broken symbolic link';
  if (target.isFile()) return 'file';
  if (target.isDirectory()) return 'folder';
  return `a symbolic link to ${specialKind(target)}`;
}

function specialKind(e: { isFIFO(): boolean; isSocket(): boolean; isBlockDevice(): boolean; isCharacterDevice(): boolean }): string {
  return e.isFIFO() ? 'a FIFO' : e.isSocket() ? 'a socket' : e.isBlockDevice() || e.isCharacterDevice() ? 'a device' : 'not a regular file';
}

/**
 * Lists a folder; `DatasetError` naming it when it is missing or not a folder. The one rule every
 * listing of image files follows (the loaders, `cutpaste score`): an image is an entry with an image
 * extension that is a regular file or a symbolic link to one; folders (linked or not) are folders;
 * names starting with `.` are skipped; image-named entries that cannot be read as files are in `skipped`.
 */
export async function readFolder(dir: string, fn: string, what: string): Promise<FolderEntries> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'is not a folder' : `cannot be read (${code ?? String(error)})`;
    throw new DatasetError(`${fn}: ${what} ${dir} ${why}`, dir, { cause: error });
  }
  const result: FolderEntries = { images: [], folders: [], others: [], skipped: [] };
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const kind = await kindOf(dir, entry);
    if (kind === 'folder') result.folders.push(entry.name);
    else if (!isImageName(entry.name)) result.others.push(entry.name);
    else if (kind === 'file') result.images.push(entry.name);
    else result.skipped.push({ name: entry.name, reason: kind });
  }
  result.images.sort(collator.compare);
  result.folders.sort(collator.compare);
  result.others.sort(collator.compare);
  result.skipped.sort((a, b) => collator.compare(a.name, b.name));
  return result;
}
