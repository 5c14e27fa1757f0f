import { basename, extname, join, resolve } from 'node:path';
import { DatasetError } from './DatasetError';
import { type ImageDataset, type ImageSample, createImageDataset } from './ImageDataset';
import { type ImageSize, resolveBatchSize, resolveChannels, resolveImageSize, resolveMaxPixels } from './imageOptions';
import { readFolder } from './readFolder';

/** Options of {@link loadMvtecCategory} and {@link loadImageFolder}. */
export interface LoadImagesOptions {
  /**
   * Size every image is resized to: `n` for n × n or `[height, width]` (Lanczos-3, aspect ratio not
   * kept; masks by area average, then threshold 128). Default: each file's own size.
   */
  imageSize?: ImageSize;
  /** 1 (gray) or 3 (RGB). Default: each file's own (gray files → 1, colour → 3). */
  channels?: 1 | 3;
  /** Default images per batch of `testBatches()`/`trainBatches()`. Default 32. */
  batchSize?: number;
  /**
   * Largest accepted image or mask file, in pixels (width × height from its header, checked before
   * decoding); a larger file throws `ImageTooLargeError` when it is read. Default
   * {@link DEFAULT_MAX_PIXELS} (2²⁵ = 33,554,432). With `imageSize` images are resized while they are
   * decoded, so large files cost little memory; masks are always read at their own size.
   */
  maxPixels?: number;
}

/** Default of `LoadImagesOptions.batchSize`. */
export const DEFAULT_LOAD_BATCH_SIZE = 32;

const LAYOUT =
  'expected <category>/train/good/*.png, <category>/test/<good|defect>/*.png and optionally <category>/ground_truth/<defect>/<name>_mask.png';

/**
 * Lists one category of MVTec AD (or any dataset in its layout) and returns a lazy
 * {@link ImageDataset}: `train/good/*` are the training images; `test/good/*` (label 0) and
 * `test/<defect>/*` (label 1, defect type = folder name) the test images; each defect image is paired
 * with `ground_truth/<defect>/<name>_mask.<ext>` (or `<name>.<ext>`). Without a `ground_truth` folder
 * the category loads for image-level use only (`hasMasks: false`, masks null). Image files: PNG, JPEG,
 * BMP, TIFF, WebP; 8- or 16-bit, gray, RGB or RGBA (alpha dropped). Hidden and non-image files are
 * ignored. Listing happens now; pixels are read by `loadTrain()` / `testBatches()`.
 *
 * @param dir the category folder, e.g. `mvtec/bottle`
 * @throws DatasetError (naming the path) when `train/good` is missing or empty, a defect image has no
 *   mask or a mask has no image, or the layout is not MVTec's; reading a missing, corrupt or truncated
 *   file later throws a DatasetError naming that file
 * @example
 * const bottle = await loadMvtecCategory('mvtec/bottle', { imageSize: 256 });
 * await detector.fit(await bottle.loadTrain());
 * for await (const batch of bottle.testBatches({ batchSize: 16 })) {
 *   const scores = await detector.score(batch.images);
 * }
 */
export async function loadMvtecCategory(dir: string, options: LoadImagesOptions = {}): Promise<ImageDataset> {
  const fn = 'loadMvtecCategory';
  if (typeof dir !== 'string' || dir.length === 0) throw new TypeError(`${fn}: dir must be a non-empty path string, got ${String(dir)}`);
  const size = resolveImageSize(options.imageSize, fn, 'options.imageSize');
  const channels = resolveChannels(options.channels, fn, 'options.channels');
  const batchSize = resolveBatchSize(options.batchSize, fn, 'options.batchSize', DEFAULT_LOAD_BATCH_SIZE);
  const maxPixels = resolveMaxPixels(options.maxPixels, fn, 'options.maxPixels');
  const root = resolve(dir);
  const top = await readFolder(root, fn, 'category folder');

  if (!top.folders.includes('train')) {
    const categories: string[] = [];
    for (const folder of top.folders) {
      const inner = await readFolder(join(root, folder), fn, 'folder').catch(() => null);
      if (inner?.folders.includes('train')) categories.push(folder);
    }
    const hint =
      categories.length > 0
        ? `; it looks like a dataset root holding the categories ${categories.join(', ')}: pass one of them`
        : `; ${LAYOUT}`;
    throw new DatasetError(`${fn}: ${root} is not an MVTec AD category: it has no train/good folder${hint}`, root);
  }

  const trainDir = join(root, 'train');
  const trainEntries = await readFolder(trainDir, fn, 'folder');
  if (!trainEntries.folders.includes('good')) {
    throw new DatasetError(
      `${fn}: ${join(trainDir, 'good')} is missing: training needs normal images in train/good (${LAYOUT})`,
      join(trainDir, 'good'),
    );
  }
  const strays = [...trainEntries.folders.filter((f) => f !== 'good'), ...trainEntries.images];
  if (strays.length > 0) {
    throw new DatasetError(
      `${fn}: unexpected ${join(trainDir, strays[0]!)}: train/ may only hold good/ (training images are all normal)`,
      join(trainDir, strays[0]!),
    );
  }
  const goodDir = join(trainDir, 'good');
  const train = (await imagesIn(goodDir, fn)).map((path): ImageSample => ({
    path,
    split: 'train',
    defectType: 'good',
    label: 0,
    maskPath: null,
  }));
  if (train.length === 0) throw new DatasetError(`${fn}: ${goodDir} holds no image files (PNG, JPEG, BMP, TIFF or WebP)`, goodDir);

  const test: ImageSample[] = [];
  const defectTypes: string[] = [];
  const hasMasks = top.folders.includes('ground_truth');
  const testDir = join(root, 'test');
  const gtDir = join(root, 'ground_truth');
  const testEntries = top.folders.includes('test')
    ? await readFolder(testDir, fn, 'folder')
    : { folders: [], images: [], others: [], skipped: [] };
  if (testEntries.images.length > 0) {
    const stray = join(testDir, testEntries.images[0]!);
    throw new DatasetError(`${fn}: unexpected image ${stray}: test images belong in test/good or test/<defect type>`, stray);
  }
  const gtEntries = hasMasks ? await readFolder(gtDir, fn, 'folder') : { folders: [], images: [], others: [], skipped: [] };
  if (gtEntries.images.length > 0) {
    const stray = join(gtDir, gtEntries.images[0]!);
    throw new DatasetError(`${fn}: unexpected image ${stray}: masks belong in ground_truth/<defect type>/<name>_mask.png`, stray);
  }
  for (const folder of gtEntries.folders) {
    if (folder !== 'good' && !testEntries.folders.includes(folder)) {
      throw new DatasetError(
        `${fn}: masks in ${join(gtDir, folder)} have no images: ${join(testDir, folder)} is missing`,
        join(gtDir, folder),
      );
    }
  }

  const ordered = testEntries.folders.includes('good') ? ['good', ...testEntries.folders.filter((f) => f !== 'good')] : testEntries.folders;
  for (const type of ordered) {
    const images = await imagesIn(join(testDir, type), fn);
    if (type === 'good') {
      for (const path of images) test.push({ path, split: 'test', defectType: 'good', label: 0, maskPath: null });
      continue;
    }
    if (images.length === 0) continue;
    defectTypes.push(type);
    const masks = hasMasks ? await pairMasks(images, join(gtDir, type), gtEntries.folders.includes(type), fn) : null;
    images.forEach((path, i) => test.push({ path, split: 'test', defectType: type, label: 1, maskPath: masks?.[i] ?? null }));
  }

  return createImageDataset({
    fn,
    dir: root,
    name: basename(root),
    hasMasks,
    defectTypes,
    train,
    test,
    size,
    channels,
    batchSize,
    maxPixels,
  });
}

/** Absolute paths of the image files of a folder (no subfolders, no image-named entries that are not files). */
export async function imagesIn(dir: string, fn: string): Promise<string[]> {
  const entries = await readFolder(dir, fn, 'folder');
  if (entries.folders.length > 0) {
    const nested = join(dir, entries.folders[0]!);
    throw new DatasetError(`${fn}: unexpected folder ${nested}: image folders must hold image files only`, nested);
  }
  const [unreadable] = entries.skipped;
  if (unreadable) {
    const path = join(dir, unreadable.name);
    throw new DatasetError(`${fn}: ${path} is ${unreadable.reason}, not an image file`, path);
  }
  return entries.images.map((name) => join(dir, name));
}

/** The mask path of each image (`<stem>_mask.<ext>` or `<stem>.<ext>`); every mask must have an image. */
async function pairMasks(images: string[], maskDir: string, exists: boolean, fn: string): Promise<string[]> {
  if (!exists) {
    throw new DatasetError(
      `${fn}: ${images[0]} has no mask: the folder ${maskDir} is missing (every defect image needs ground_truth/<defect>/<name>_mask.png)`,
      images[0]!,
    );
  }
  const byStem = new Map<string, string>();
  for (const path of await imagesIn(maskDir, fn)) {
    const name = basename(path, extname(path));
    const stem = name.endsWith('_mask') ? name.slice(0, -'_mask'.length) : name;
    const other = byStem.get(stem);
    if (other) throw new DatasetError(`${fn}: two masks for the image ${stem}: ${other} and ${path}`, path);
    byStem.set(stem, path);
  }
  const paired = images.map((image) => {
    const stem = basename(image, extname(image));
    const mask = byStem.get(stem);
    if (!mask) {
      throw new DatasetError(`${fn}: ${image} has no mask: expected ${join(maskDir, `${stem}_mask.png`)}`, image);
    }
    byStem.delete(stem);
    return mask;
  });
  const [orphan] = byStem.values();
  if (orphan) {
    throw new DatasetError(
      `${fn}: mask ${orphan} has no image: expected ${join(maskDir, '..', '..', 'test', basename(maskDir), `${basename(orphan, extname(orphan)).replace(/_mask$/, '')}.png`)}`,
      orphan,
    );
  }
  return paired;
}
