import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { UsageError } from './UsageError';

/** How a data folder is laid out: an MVTec AD category (`train/good`) or a folder with `good/`. */
export type DataLayout = 'mvtec' | 'folder';

/** File extensions taken from a folder (lower case, with the dot): those of the library's loaders. */
export const IMAGE_FILE_EXTENSIONS = Object.freeze(['.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff', '.webp']);

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
 * Which loader reads `dir`: `train/good` → MVTec AD category; `good/` → image folder.
 *
 * @throws UsageError when the folder has neither layout (with a hint when it is an MVTec AD root)
 */
export async function detectLayout(dir: string, option: string, command: string): Promise<DataLayout> {
  if (await isDirectory(join(dir, 'train', 'good'))) return 'mvtec';
  if (await isDirectory(join(dir, 'good'))) return 'folder';
  const categories = await listCategories(dir);
  const hint = categories.length > 0 ? `; it looks like an MVTec AD root: pass one category, e.g. ${option} ${join(dir, categories[0]!)}` : '';
  throw new UsageError(`${option} ${dir}: expected an MVTec AD category (train/good/) or a folder with good/ (normal images)${hint}`, command);
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
 * Checks, before a long fit, that a model can be saved to `out`: it does not exist, is empty, or
 * holds a saved model and `force` is set. A folder with other files is never replaced.
 *
 * @throws UsageError naming the folder and what to do
 */
export async function checkModelTarget(out: string, force: boolean, command: string): Promise<string> {
  const full = resolve(out);
  const dir = await isDirectory(full);
  if (dir === null) return full;
  if (!dir) throw new UsageError(`--out ${out}: is a file, expected a folder to save the model in`, command);
  const entries = (await readdir(full)).filter((e) => !e.startsWith('.'));
  if (entries.length === 0) return full;
  const isModel = entries.includes('model.json') && entries.every((e) => e === 'model.json' || e.endsWith('.bin'));
  if (!isModel) throw new UsageError(`--out ${out}: the folder holds other files (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}); choose a new or empty folder`, command);
  if (!force) throw new UsageError(`--out ${out}: already holds a saved model; pass --force to replace it`, command);
  return full;
}

/** The image files under `dir` and its subfolders (hidden entries skipped), natural name order per folder, files first. */
async function imagesBelow(dir: string): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.'));
  const byName = (a: { name: string }, b: { name: string }): number => a.name.localeCompare(b.name, 'en', { numeric: true });
  const files = entries.filter((e) => e.isFile() && IMAGE_FILE_EXTENSIONS.includes(extname(e.name).toLowerCase())).sort(byName).map((e) => join(dir, e.name));
  for (const sub of entries.filter((e) => e.isDirectory()).sort(byName)) files.push(...(await imagesBelow(join(dir, sub.name))));
  return files;
}

/**
 * Expands the IMAGES arguments of `score`: files are kept (whatever their extension: the reader
 * decides), folders become the image files in them and their subfolders (natural name order: `2.png`
 * before `10.png`; an MVTec AD `test/` folder gives every test image).
 *
 * @throws UsageError for a path that does not exist or a folder without image files
 */
export async function expandImagePaths(paths: readonly string[], command: string): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    const full = resolve(path);
    const dir = await isDirectory(full);
    if (dir === null) throw new UsageError(`${path}: no such file or folder`, command);
    if (!dir) {
      out.push(full);
      continue;
    }
    const files = await imagesBelow(full);
    if (files.length === 0) throw new UsageError(`${path}: the folder holds no image files (${IMAGE_FILE_EXTENSIONS.join(', ')})`, command);
    out.push(...files);
  }
  return out;
}
