import { basename, join, resolve } from 'node:path';
import { DatasetError } from './DatasetError';
import { type ImageDataset, type ImageSample, createImageDataset } from './ImageDataset';
import { resolveBatchSize, resolveChannels, resolveImageSize, resolveMaxPixels } from './imageOptions';
import { DEFAULT_LOAD_BATCH_SIZE, type LoadImagesOptions, imagesIn } from './loadMvtecCategory';
import { readFolder } from './readFolder';

/** Options of {@link loadImageFolder}. */
export interface ImageFolderOptions extends LoadImagesOptions {
  /**
   * Fraction of the normal images (`good/`, or a flat folder's) held out of training and put in the test set (label 0), in [0, 1):
   * evenly spaced in file-name order (no randomness), so the test set has normal images to compare
   * against. Default 0 (every good image trains).
   */
  holdout?: number;
}

/**
 * Lists a folder of your own images, in one of two layouts:
 * - `good/` holds normal images (they train the detector) and every other subfolder holds defective
 *   images of the type named by the folder (label 1);
 * - a flat folder of normal images: image files directly in `dir`, no subfolders and no `good/`
 *   (nothing to test against but the `holdout` images).
 *
 * No masks (`hasMasks: false`). Returns the same lazy {@link ImageDataset} as `loadMvtecCategory`:
 * train = the normal images (minus `holdout`), test = the held-out normal images then each defect folder.
 *
 * @param dir a folder with `good/` and optional `<defect type>/` subfolders, or a folder of normal
 *   images; PNG, JPEG, BMP, TIFF or WebP files
 * @throws DatasetError (naming the path) when there is neither `good/` nor an image file in `dir`, when
 *   `good/` is empty, or when images lie beside subfolders
 * @example
 * const parts = await loadImageFolder('photos', { imageSize: 256, holdout: 0.2 }); // photos/good/, photos/<defect>/ or photos/*.png
 * await detector.fit(await parts.loadTrain());
 * const { images, labels } = await parts.loadTest();
 * const report = await detector.evaluate({ images, labels });
 */
export async function loadImageFolder(dir: string, options: ImageFolderOptions = {}): Promise<ImageDataset> {
  const fn = 'loadImageFolder';
  if (typeof dir !== 'string' || dir.length === 0) throw new TypeError(`${fn}: dir must be a non-empty path string, got ${String(dir)}`);
  const size = resolveImageSize(options.imageSize, fn, 'options.imageSize');
  const channels = resolveChannels(options.channels, fn, 'options.channels');
  const batchSize = resolveBatchSize(options.batchSize, fn, 'options.batchSize', DEFAULT_LOAD_BATCH_SIZE);
  const maxPixels = resolveMaxPixels(options.maxPixels, fn, 'options.maxPixels');
  const holdout = options.holdout ?? 0;
  if (typeof holdout !== 'number' || !(holdout >= 0 && holdout < 1)) {
    throw new RangeError(`${fn}: options.holdout must be a number in [0, 1), got ${String(holdout)}`);
  }
  const root = resolve(dir);
  const top = await readFolder(root, fn, 'image folder');
  const flat = top.images.length > 0 && top.folders.length === 0;
  if (top.images.length > 0 && !flat) {
    const stray = join(root, top.images[0]!);
    throw new DatasetError(
      `${fn}: unexpected image ${stray} beside the folders ${top.folders.join(', ')}: either put normal images in good/ and defective ones in <defect type>/ folders, or keep only image files in ${root} (a flat folder of normal images)`,
      stray,
    );
  }
  const goodDir = flat ? root : join(root, 'good');
  if (!flat && !top.folders.includes('good')) {
    const found = top.folders.length > 0 ? ` (found ${top.folders.join(', ')})` : '';
    throw new DatasetError(
      `${fn}: ${goodDir} is missing: normal images for training go in good/, or directly in ${root} (a flat folder of normal images)${found}`,
      goodDir,
    );
  }
  const good = await imagesIn(goodDir, fn);
  if (good.length === 0) throw new DatasetError(`${fn}: ${goodDir} holds no image files (PNG, JPEG, BMP, TIFF or WebP)`, goodDir);

  const train: ImageSample[] = [];
  const test: ImageSample[] = [];
  good.forEach((path, i) => {
    const heldOut = Math.floor((i + 1) * holdout) > Math.floor(i * holdout);
    (heldOut ? test : train).push({ path, split: heldOut ? 'test' : 'train', defectType: 'good', label: 0, maskPath: null });
  });
  const defectTypes: string[] = [];
  for (const type of flat ? [] : top.folders.filter((f) => f !== 'good')) {
    const images = await imagesIn(join(root, type), fn);
    if (images.length === 0) continue;
    defectTypes.push(type);
    for (const path of images) test.push({ path, split: 'test', defectType: type, label: 1, maskPath: null });
  }
  return createImageDataset({
    fn,
    dir: root,
    name: basename(root),
    hasMasks: false,
    defectTypes,
    train,
    test,
    size,
    channels,
    batchSize,
    maxPixels,
  });
}
