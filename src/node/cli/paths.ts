import { readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadLibrary } from './library';
import { IMAGE_EXTENSIONS, readFolder } from '../readFolder';
import { UsageError } from './UsageError';

/**
 * How a data folder is laid out: an MVTec AD category (`train/good`), a folder with `good/`, or a flat
 * folder holding the normal images directly.
 */
export type DataLayout = 'mvtec' | 'folder' | 'flat';

async function isDirectory(path: string): Promise<boolean | null> {
  const info = await stat(path).catch(() => null);
  return info === null ? null : info.isDirectory();
}

/**
 * Resolves a folder given by an option, or throws a UsageError when it does not exist or is a file.
 *
 * @example
 * const root = await existingFolder('mvtec', '--data', 'evaluate');
 */
export async function existingFolder(path: string, option: string, command: string): Promise<string> {
  const full = resolve(path);
  const dir = await isDirectory(full);
  if (dir === null) throw new UsageError(`${option} ${path}: no such folder`, command);
  if (!dir) throw new UsageError(`${option} ${path}: is a file, expected a folder`, command);
  return full;
}

/**
 * Which loader reads `dir`, in this order: `train/good/` → MVTec AD category (`loadMvtecCategory`);
 * `good/` → image folder; image files directly in `dir` → flat folder of normal images (both
 * `loadImageFolder`). Image files are listed by the library's rule (`readFolder`).
 *
 * @throws UsageError when none applies, saying what was looked for and what is there (with a hint
 *   when it is an MVTec AD root)
 */
export async function detectLayout(dir: string, option: string, command: string): Promise<DataLayout> {
  if (await isDirectory(join(dir, 'train', 'good'))) return 'mvtec';
  if (await isDirectory(join(dir, 'good'))) return 'folder';
  const entries = await readFolder(dir, `cutpaste ${command}`, 'folder');
  if (entries.images.length > 0 && entries.folders.length === 0) return 'flat';
  const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
  if (entries.images.length > 0) {
    throw new UsageError(
      `${option} ${dir}: holds ${count(entries.images.length, 'image file')} (${entries.images[0]}${entries.images.length > 1 ? ', …' : ''}) beside subfolders (${entries.folders.join(', ')}) and no good/: a flat folder of normal images must hold image files only; or move the normal images into good/`,
      command,
    );
  }
  const categories = await listCategories(dir);
  const hint =
    categories.length > 0 ? `; it looks like an MVTec AD root: pass one category, e.g. ${option} ${join(dir, categories[0]!)}` : '';
  const found = `found ${count(entries.folders.length, 'subfolder')}, ${count(entries.others.length, 'other file')} and no image file`;
  throw new UsageError(
    `${option} ${dir}: expected an MVTec AD category (train/good/), a folder with good/ (normal images) or a folder holding image files (${[...IMAGE_EXTENSIONS].join(', ')}) directly; ${found}${hint}`,
    command,
  );
}

/** The subfolders of `root` that hold `train/good` (MVTec AD categories), sorted. */
export async function listCategories(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const e of entries) {
    if (e.isDirectory() && !e.name.startsWith('.') && (await isDirectory(join(root, e.name, 'train', 'good')))) found.push(e.name);
  }
  return found.sort();
}

/**
 * Checks, before a long fit, that a model can be saved to `out`, by the rule the library's save
 * applies (`replaceableFolder`, which `fileSystemHandler` calls): it does not exist, is empty, or
 * holds a model this library saved and `force` is set. Anything else (a dotfile, a foreign `*.bin`, a
 * `model.json` of another tool) is refused here, before training, not after it.
 *
 * @throws UsageError naming the folder and what to do
 */
export async function checkModelTarget(out: string, force: boolean, command: string): Promise<string> {
  const full = resolve(out);
  const dir = await isDirectory(full);
  if (dir === null) return full;
  if (!dir) throw new UsageError(`--out ${out}: is a file, expected a folder to save the model in`, command);
  const { replaceableFolder } = await loadLibrary(); // the library's own copy: loaded only once the line parsed
  const state = await replaceableFolder(full, `--out ${out}`).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== undefined) throw error; // the folder cannot be read: a runtime error
    throw new UsageError(error.message, command);
  });
  if (state === 'ours' && !force) throw new UsageError(`--out ${out}: already holds a saved model; pass --force to replace it`, command);
  return full;
}

/** A path `cutpaste score` did not score, and why (as its JSON `skipped` lists them). */
export interface SkippedFile {
  readonly file: string;
  /** `a broken symbolic link`, `not an image file name: …`, `not a readable image (…)`, … */
  readonly reason: string;
}

/** What {@link expandImagePaths} found: the image files, and what it left out of folders and why. */
export interface ImageListing {
  readonly files: string[];
  /** Each entry of the folders that was not read. Hidden entries are left out silently. */
  readonly skipped: SkippedFile[];
}

/**
 * The image files under `dir` and its subfolders, by the library's listing rule (`readFolder`: linked
 * files and folders count as what they point to; hidden entries skipped), natural name order per
 * folder, files first. A folder reached twice (a link cycle) is listed once.
 */
async function imagesBelow(dir: string, listing: ImageListing, seen: Set<string>): Promise<void> {
  const real = await realpath(dir);
  if (seen.has(real)) {
    listing.skipped.push({ file: dir, reason: 'a folder already listed, reached again through a symbolic link' });
    return;
  }
  seen.add(real);
  const entries = await readFolder(dir, 'cutpaste score', 'folder');
  listing.files.push(...entries.images.map((name) => join(dir, name)));
  for (const { name, reason } of entries.skipped) listing.skipped.push({ file: join(dir, name), reason });
  for (const name of entries.others)
    listing.skipped.push({ file: join(dir, name), reason: `not an image file name: ${[...IMAGE_EXTENSIONS].join(', ')}` });
  for (const name of entries.folders) await imagesBelow(join(dir, name), listing, seen);
}

/**
 * Expands the IMAGES arguments of `score`: files are kept (whatever their extension: the reader
 * decides), folders become the image files in them and their subfolders (natural name order: `2.png`
 * before `10.png`; an MVTec AD `test/` folder gives every test image), listed by the same rule as the
 * training folders of `fit`; what a folder holds besides is reported in `skipped`.
 *
 * @throws UsageError for a path that does not exist or a folder without image files
 */
export async function expandImagePaths(paths: readonly string[], command: string): Promise<ImageListing> {
  const listing: ImageListing = { files: [], skipped: [] };
  for (const path of paths) {
    const full = resolve(path);
    const dir = await isDirectory(full);
    if (dir === null) throw new UsageError(`${path}: no such file or folder`, command);
    if (!dir) {
      listing.files.push(full);
      continue;
    }
    const before = listing.files.length;
    await imagesBelow(full, listing, new Set());
    if (listing.files.length === before)
      throw new UsageError(`${path}: the folder holds no image files (${[...IMAGE_EXTENSIONS].join(', ')})`, command);
  }
  return listing;
}
