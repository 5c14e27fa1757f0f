import { mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './UsageError';

/**
 * The `--out` folder of `cutpaste evaluate`. Like `fit --out`, a folder that holds anything (dotfiles
 * included) is refused without `--force`; the result files are written once, at the end, each through
 * a temporary file renamed into place — and a new folder is filled under a temporary name and renamed
 * as a whole — so a failing run writes nothing and a reader never sees a half-written file.
 */

/**
 * Checks, before any work, that results may be written to `out`.
 *
 * @returns the absolute folder
 * @throws UsageError for a file, or a folder holding entries without `force`
 */
export async function checkResultsFolder(out: string, force: boolean, command: string): Promise<string> {
  const target = resolve(out);
  const info = await stat(target).catch(() => null);
  if (info === null) return target;
  if (!info.isDirectory()) throw new UsageError(`--out ${out}: is a file, expected a folder for the result files`, command);
  const entries = await readdir(target);
  if (entries.length > 0 && !force) {
    throw new UsageError(
      `--out ${out}: the folder holds files (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}); choose a new or empty folder, or pass --force to replace the result files there`,
      command,
    );
  }
  return target;
}

/** Writes `files` (name → text) into `dir` as described above. */
export async function writeResultFiles(dir: string, files: Readonly<Record<string, string>>): Promise<void> {
  const exists = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (!exists) {
    await mkdir(dirname(dir), { recursive: true });
    const temp = await mkdtemp(join(dirname(dir), `.${basename(dir)}.writing-`));
    try {
      for (const [name, text] of Object.entries(files)) await writeFile(join(temp, name), text);
      await rename(temp, dir);
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      throw error;
    }
    return;
  }
  const temps = Object.keys(files).map((name) => join(dir, `.${name}.${process.pid}.tmp`));
  try {
    for (const [i, text] of Object.values(files).entries()) await writeFile(temps[i]!, text, { flag: 'wx' });
    for (const [i, name] of Object.keys(files).entries()) await rename(temps[i]!, join(dir, name));
  } catch (error) {
    await Promise.all(temps.map((t) => rm(t, { force: true })));
    throw error;
  }
}
