/**
 * Output folders of `cutpaste evaluate --out` and `writeReport`: a folder that holds anything
 * (dotfiles included) is refused without `force`; the files are written once, at the end, each through
 * a temporary file renamed into place — and a new folder is filled under a temporary name and renamed
 * as a whole — so a failing run writes nothing and a reader never sees a half-written file.
 */
import { mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** Why an output folder is refused, for the caller to word as its own error. */
export type OutputFolderRefusal = { readonly kind: 'file' } | { readonly kind: 'not-empty'; readonly entries: readonly string[] };

/**
 * Checks, before any work, that files may be written to `dir`: it does not exist, or is a folder that is
 * empty (or `force`).
 *
 * @param refuse builds the error thrown for a refusal (the caller's wording)
 * @returns the absolute folder
 * @example
 * const out = await checkOutputFolder('report', false, (r) => new Error(r.kind === 'file' ? 'a file' : 'not empty'));
 */
export async function checkOutputFolder(dir: string, force: boolean, refuse: (refusal: OutputFolderRefusal) => Error): Promise<string> {
  const target = resolve(dir);
  const info = await stat(target).catch(() => null);
  if (info === null) return target;
  if (!info.isDirectory()) throw refuse({ kind: 'file' });
  const entries = await readdir(target);
  if (entries.length > 0 && !force) throw refuse({ kind: 'not-empty', entries });
  return target;
}

/** The first entries of a refused folder, for a message: `a, b, c, …`. */
export function listEntries(entries: readonly string[]): string {
  return `${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}`;
}

/**
 * Writes `files` (relative path with `/` → text or bytes) into `dir` as described above; subfolders
 * of the paths are created.
 */
export async function writeOutputFiles(dir: string, files: Readonly<Record<string, string | Uint8Array>>): Promise<void> {
  const write = async (root: string, name: string, content: string | Uint8Array, flag?: string): Promise<void> => {
    const path = join(root, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content, flag ? { flag } : {});
  };
  const exists = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!exists) {
    await mkdir(dirname(dir), { recursive: true });
    const temp = await mkdtemp(join(dirname(dir), `.${basename(dir)}.writing-`));
    try {
      for (const [name, content] of Object.entries(files)) await write(temp, name, content);
      await rename(temp, dir);
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      throw error;
    }
    return;
  }
  const names = Object.keys(files);
  const temps = names.map((name) => join(dirname(name), `.${basename(name)}.${process.pid}.tmp`));
  try {
    for (const [i, name] of names.entries()) await write(dir, temps[i]!, files[name]!, 'wx');
    for (const [i, name] of names.entries()) await rename(join(dir, temps[i]!), join(dir, name));
  } catch (error) {
    await Promise.all(temps.map((t) => rm(join(dir, t), { force: true })));
    throw error;
  }
}
