import { colorJitterPixels } from '../ops/pixels/colorJitterPixels';
import { gatherImages } from '../ops/pixels/gatherImages';
import type { PixelBatch } from '../ops/pixels/pixelBatch';
import { randomCropsPixels } from '../ops/pixels/randomCropsPixels';
import { randomDihedralPixels } from '../ops/pixels/randomDihedralPixels';
import { randomTranslatePixels } from '../ops/pixels/randomTranslatePixels';
import type { Rng } from '../math/random';
import type { ResolvedTrainOptions } from './options';
import { pretextPixels, type PretextPixels } from './pretext';
import { visibleCopiesOf } from './pretextProbe';

/**
 * One step's pretext batch, built in JS from the dataset (sample → crop (and source crop) → turn →
 * translate → jitter → CutPaste/Scar, rng draws in that order), to be uploaded as one tensor (or split between threads).
 * Patch level: the scars keep the dataset images' pixel scale (min(height, width) / 256), not the crop's.
 * With `redrawInvisible`, an original whose augmented copies do not all differ visibly from it (a crop
 * of plain background with plain background pasted in) is drawn again, crop and augmentations, up to
 * {@link INVISIBLE_REDRAWS} times. Internal (exported for tests).
 */
export function nextBatch(dataset: PixelBatch, indices: number[], o: ResolvedTrainOptions, rng: Rng): PretextPixels {
  const batch = drawBatch(dataset, indices, o, rng);
  if (!o.redrawInvisible) return batch;
  for (let attempt = 0; attempt < INVISIBLE_REDRAWS; attempt++) {
    const redo = originalsWithInvisibleCopies(batch);
    if (redo.length === 0) break;
    replaceOriginals(
      batch,
      indices.length,
      redo,
      drawBatch(
        dataset,
        redo.map((i) => indices[i]!),
        o,
        rng,
      ),
    );
  }
  return batch;
}

/** Most redraws of an original whose copies do not differ visibly (`redrawInvisible`). */
export const INVISIBLE_REDRAWS = 8;

function drawBatch(dataset: PixelBatch, indices: number[], o: ResolvedTrainOptions, rng: Rng): PretextPixels {
  let x = gatherImages(dataset, indices);
  let source: PixelBatch | undefined;
  if (o.level === 'patch') {
    const whole = x;
    x = randomCropsPixels(whole, o.patchSize, rng);
    if (o.pasteFrom === 'image') source = randomCropsPixels(whole, o.patchSize, rng);
  }
  if (o.rotate) x = randomDihedralPixels(x, rng);
  if (o.translate > 0) x = randomTranslatePixels(x, { maxShift: o.translate, rng });
  if (o.colorJitter > 0) {
    const j = o.colorJitter;
    colorJitterPixels(x, { brightness: j, contrast: j, saturation: j, hue: j, rng, out: x.data });
  }
  const scarScale = o.level === 'patch' ? Math.min(dataset.height, dataset.width) / 256 : undefined;
  return pretextPixels(x, o.variant, rng, { scarScale, centre: o.pasteCentre, ...(source ? { source } : {}) });
}

/** The originals (indices into the batch's first `n` images) with at least one copy that does not differ visibly. */
function originalsWithInvisibleCopies(batch: PretextPixels): number[] {
  const sources = batch.sources!;
  const visible = visibleCopiesOf(batch.images, batch.labels, sources);
  const bad = new Set<number>();
  visible.forEach((v, j) => {
    if (!v) bad.add(sources[j]!);
  });
  return [...bad].sort((a, b) => a - b);
}

/** Writes `fresh` (a batch drawn for the originals `redo`, in that order) over those originals and their copies in `batch` (`n` originals). */
function replaceOriginals(batch: PretextPixels, n: number, redo: number[], fresh: PretextPixels): void {
  const size = batch.images.height * batch.images.width * batch.images.channels;
  const m = redo.length;
  const sources = batch.sources!;
  const freshSources = fresh.sources!;
  for (let p = 0; p < fresh.labels.length; p++) {
    const k = Math.floor(p / m);
    const original = redo[freshSources[p]!]!;
    // The position of that original's copy of class k in the batch (classes of several augmentations shuffle it).
    let j = original;
    if (k > 0) for (j = k * n; sources[j] !== original; j++);
    batch.images.data.set(fresh.images.data.subarray(p * size, (p + 1) * size), j * size);
  }
}
