/**
 * Writes synthetic categories to disk in MVTec AD's layout (Node only; PNG encoding by the optional
 * `sharp` package, loaded on first use).
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { AbortError } from 'cutpaste';
import { type SyntheticCategoryOptions, type SyntheticImage, createSyntheticCategory, resolveSyntheticOptions } from 'cutpaste/synthetic';

/** Options of {@link generateSyntheticCategory}: the category's options plus how to write it. */
export interface GenerateSyntheticOptions extends SyntheticCategoryOptions {
  /** Replace `outDir` if it already exists and is not empty (the old folder is removed last). Default false. */
  readonly overwrite?: boolean;
  /** Called after each written image with the number done and the total. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Stops the run: the partial output is removed and an `AbortError` is thrown. */
  readonly signal?: AbortSignal;
}

/** What {@link generateSyntheticCategory} wrote. */
export interface SyntheticCategorySummary {
  /** The category folder (absolute path). */
  readonly dir: string;
  readonly kind: string;
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
  /** Number of `train/good` images. */
  readonly train: number;
  /** Number of test images per folder of `test/` (`good` and each defect type present). */
  readonly test: Readonly<Record<string, number>>;
  /** Every written file, relative to `dir`, in writing order (images, then masks of each image). */
  readonly files: readonly string[];
  /** Wall-clock seconds spent rendering and encoding. */
  readonly seconds: number;
}

/** The part of `sharp` this module uses. */
interface SharpPipeline {
  toColourspace(space: 'b-w'): SharpPipeline;
  png(options?: { compressionLevel?: number }): { toBuffer(): Promise<Buffer> };
}
type SharpModule = (input: Uint8Array, options: { raw: { width: number; height: number; channels: 1 | 3 } }) => SharpPipeline;

let sharpPromise: Promise<SharpModule> | undefined;

/** Loads `sharp` lazily; a clear error when the optional dependency is not installed. */
export async function loadSharp(caller: string): Promise<SharpModule> {
  sharpPromise ??= import('sharp').then(
    (m) => ((m as { default?: unknown }).default ?? m) as SharpModule,
    (error: unknown) => {
      sharpPromise = undefined;
      throw new Error(
        `${caller}: the optional dependency 'sharp' is needed to read and write image files; install it with \`npm install sharp\``,
        { cause: error },
      );
    },
  );
  return sharpPromise;
}

/**
 * Generates a synthetic category (see `synthesizeCategory` in `cutpaste`) and writes it in MVTec AD's
 * layout: `train/good/000.png`, `test/good/…`, `test/<defect>/000.png` and
 * `ground_truth/<defect>/000_mask.png` (8-bit, 0/255). Images are lossless PNG (grayscale kinds as
 * 1-channel PNG). The category is written into a temporary sibling folder and renamed into place, so an
 * interrupted run never leaves a half-written `outDir`.
 *
 * @example
 * const summary = await generateSyntheticCategory('data/carpet', { kind: 'carpet', seed: 1, trainCount: 100, testCount: 60 });
 * summary.test; // { good: 30, color: 6, cut: 6, … }
 */
export async function generateSyntheticCategory(outDir: string, options: GenerateSyntheticOptions): Promise<SyntheticCategorySummary> {
  const fn = 'generateSyntheticCategory';
  if (typeof outDir !== 'string' || outDir.length === 0) {
    throw new TypeError(`${fn}: outDir must be a non-empty path string, got ${String(outDir)}`);
  }
  const resolved = resolveSyntheticOptions(options, fn);
  const overwrite = options.overwrite ?? false;
  if (typeof overwrite !== 'boolean') throw new TypeError(`${fn}: options.overwrite must be a boolean, got ${String(overwrite)}`);
  const dir = resolve(outDir);
  if (!overwrite && existsSync(dir) && (await readdir(dir)).length > 0) {
    throw new Error(`${fn}: ${dir} already exists and is not empty; pass { overwrite: true } to replace it`);
  }
  const sharp = await loadSharp(fn);
  const started = performance.now();
  const category = createSyntheticCategory(options);
  const { trainCount, testCount } = resolved;
  const digits = Math.max(3, String(Math.max(trainCount, testCount) - 1).length);
  const name = (i: number): string => String(i).padStart(digits, '0');

  await mkdir(dirname(dir), { recursive: true });
  const temp = join(dirname(dir), `.${basename(dir)}.partial-${process.pid}-${Date.now().toString(36)}`);
  const files: string[] = [];
  const counts: Record<string, number> = { good: 0 };
  const total = trainCount + testCount;
  let done = 0;
  // Rendering runs on this thread while up to 4 PNG encodings run in sharp's worker threads.
  const pending: Promise<void>[] = [];
  const write = async (
    relative: string,
    image: SyntheticImage | { data: Uint8Array; width: number; height: number; channels: 1 },
  ): Promise<void> => {
    files.push(relative);
    let pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
    if (image.channels === 1) pipeline = pipeline.toColourspace('b-w');
    const done = pipeline
      .png({ compressionLevel: 6 })
      .toBuffer()
      .then((png) => writeFile(join(temp, relative), png));
    done.catch(() => undefined); // observed later (awaited or settled); never an unhandled rejection
    pending.push(done);
    if (pending.length >= 4) await pending.shift();
  };
  const step = (): void => {
    done++;
    options.onProgress?.(done, total);
    if (options.signal?.aborted) throw new AbortError(`${fn} was aborted`);
  };
  try {
    if (options.signal?.aborted) throw new AbortError(`${fn} was aborted`);
    await mkdir(join(temp, 'train/good'), { recursive: true });
    await mkdir(join(temp, 'test/good'), { recursive: true });
    for (const type of new Set(category.testPlan.filter((e) => e.label === 1).map((e) => e.defectType))) {
      await mkdir(join(temp, 'test', type), { recursive: true });
      await mkdir(join(temp, 'ground_truth', type), { recursive: true });
    }
    for (let i = 0; i < trainCount; i++) {
      await write(`train/good/${name(i)}.png`, category.train(i));
      step();
    }
    // Within each test folder, files are numbered 000, 001, … in test-index order.
    const next: Record<string, number> = {};
    for (let i = 0; i < testCount; i++) {
      const sample = category.test(i);
      const k = next[sample.defectType] ?? 0;
      next[sample.defectType] = k + 1;
      counts[sample.defectType] = k + 1;
      await write(`test/${sample.defectType}/${name(k)}.png`, sample.image);
      if (sample.label === 1) {
        const mask = { data: sample.mask, width: sample.image.width, height: sample.image.height, channels: 1 as const };
        await write(`ground_truth/${sample.defectType}/${name(k)}_mask.png`, mask);
      }
      step();
    }
    await Promise.all(pending.splice(0));
    if (existsSync(dir)) {
      const trash = `${temp}.old`;
      await rename(dir, trash);
      await rename(temp, dir);
      await rm(trash, { recursive: true, force: true });
    } else {
      await rename(temp, dir);
    }
  } catch (error) {
    await Promise.allSettled(pending);
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    kind: resolved.kind,
    height: resolved.height,
    width: resolved.width,
    channels: category.channels,
    train: trainCount,
    test: counts,
    files,
    seconds: (performance.now() - started) / 1000,
  };
}
