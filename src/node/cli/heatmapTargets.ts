import { randomBytes } from 'node:crypto';
import { lstat, realpath, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { isMarkedHeatmap } from '../heatmapMark';
import { UsageError } from './UsageError';

/**
 * Where `cutpaste score --heatmaps` (and `--masks`, by the same rules and names) may write, decided
 * before anything is scored:
 * - the heatmap folder is neither an input folder nor inside one, and no heatmap lands in one (real
 *   paths, links followed), so no heatmap can replace an image that is still to be read;
 * - each image's heatmap is `<its name with extension>.png` (`x.jpg` → `x.jpg.png`, `x.png` →
 *   `x.png.png`) in the image's folder mirrored below the inputs' common folder, so distinct images get
 *   distinct names;
 * - an existing file is replaced only when it is a heatmap written by cutpaste (the PNG text chunk of
 *   `writeHeatmap`); anything else — another image, a link, a folder — is refused.
 */

/** The real path of `path`, or of its nearest existing ancestor joined with the rest. */
async function realpathOrAncestor(path: string): Promise<string> {
  const real = await realpath(path).catch(() => null);
  if (real !== null) return real;
  const parent = dirname(path);
  return parent === path ? path : join(await realpathOrAncestor(parent), basename(path));
}

const isWithin = (path: string, folder: string): boolean =>
  path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);

/**
 * The real input folders: each folder argument, and the folder of each file argument.
 *
 * @param inputs the IMAGES arguments, absolute
 * @param inputFolders which of them are folders
 */
export async function realInputFolders(inputs: readonly string[], inputFolders: ReadonlySet<string>): Promise<string[]> {
  return [...new Set(await Promise.all(inputs.map((input) => realpath(inputFolders.has(input) ? input : dirname(input)))))];
}

/** The files a flag writes, for its errors: `--heatmaps` heatmaps, `--masks` masks. */
const noun = (flag: string): string => (flag === '--masks' ? 'mask' : 'heatmap');

/**
 * Refuses a heatmap folder that is, or is inside, an input folder.
 *
 * @param flag the option that names the folder (`--heatmaps`, `--masks`)
 * @throws UsageError naming the input folder
 */
export async function checkHeatmapFolder(
  option: string,
  heatmapDir: string,
  folders: readonly string[],
  command: string,
  flag = '--heatmaps',
): Promise<void> {
  const real = await realpathOrAncestor(heatmapDir);
  const folder = folders.find((f) => isWithin(real, f));
  if (folder !== undefined) {
    throw new UsageError(
      `${flag} ${option}: is ${real === folder ? '' : 'inside '}the input folder ${folder}; ${noun(flag)}s there could replace the images being scored: choose a folder outside the inputs`,
      command,
    );
  }
}

/** The heatmap file of each image: `<heatmapDir>/<path below base>.png`. */
export function heatmapPaths(heatmapDir: string, base: string, files: readonly string[]): string[] {
  return files.map((file) => join(heatmapDir, `${relative(base, file)}.png`));
}

/** Whether `path` may be written: nothing is there, or a heatmap cutpaste wrote. */
async function replaceable(path: string): Promise<boolean> {
  const info = await lstat(path).catch(() => null);
  return info === null || (info.isFile() && (await isMarkedHeatmap(path)));
}

/**
 * Refuses heatmap paths inside an input folder (a heatmap folder above the inputs mirrors their
 * folders into themselves) or taken by anything but an earlier cutpaste heatmap.
 *
 * @throws UsageError naming the first such path
 */
export async function checkHeatmapTargets(
  option: string,
  targets: readonly string[],
  folders: readonly string[],
  command: string,
  flag = '--heatmaps',
): Promise<void> {
  const realDirs = new Map<string, string>();
  for (const target of new Set(targets)) {
    const dir = dirname(target);
    if (!realDirs.has(dir)) realDirs.set(dir, await realpathOrAncestor(dir));
    const folder = folders.find((f) => isWithin(realDirs.get(dir)!, f));
    if (folder !== undefined) {
      throw new UsageError(
        `${flag} ${option}: the ${noun(flag)} ${target} would lie in the input folder ${folder}; choose a folder that does not hold the inputs`,
        command,
      );
    }
    if (!(await replaceable(target))) {
      throw new UsageError(
        `${flag} ${option}: ${target} exists and is not a ${noun(flag)} written by cutpaste; it is never replaced: move it away or choose another folder`,
        command,
      );
    }
  }
}

/**
 * Writes one heatmap through a hidden temporary sibling with a random name, renamed over `target` (a
 * link there is replaced, never followed), checking again that `target` is still free or ours.
 *
 * @param write writes the PNG to the path it is given
 * @throws Error when `target` was taken by another file since {@link checkHeatmapTargets}
 */
export async function writeHeatmapFile(target: string, write: (path: string) => Promise<void>): Promise<void> {
  // An unguessable name: a link planted at a predictable one would make `write` follow it.
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}-${randomBytes(8).toString('hex')}.tmp`);
  await write(temp);
  try {
    if (!(await replaceable(target)))
      throw new Error(`${resolve(target)} appeared while scoring and is not a heatmap written by cutpaste; it was not replaced`);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
