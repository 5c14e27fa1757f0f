import { auPro } from '../math/auPro';
import { f1Max } from '../math/f1Max';
import { resizeBilinear } from '../math/resizeBilinear';
import { rocAuc } from '../math/rocAuc';
import { countImages, type ImagesInput } from './input';
import type { Evaluation, ScoreMap, TestSet } from './types';

type Run = (images: ImagesInput, maps: boolean) => Promise<{ scores: Float32Array; maps?: ScoreMap[] }>;

/**
 * Scores a labelled test set (or a stream of them) with `run` and computes image AUROC, the F1-max
 * threshold, and — when masks are given — pixel AUROC and AUPRO (paper-notes.md definitions) at the
 * masks' resolution. Pixel metrics need every image (and mask) at one size; images of other sizes are
 * resized to the first image's size for those two metrics.
 */
export async function evaluateDetector(
  testSet: TestSet | AsyncIterable<TestSet>,
  run: Run,
  detector = 'CutPasteDetector',
): Promise<Evaluation> {
  const fn = `${detector}.evaluate`;
  const batches: AsyncIterable<TestSet> | TestSet[] = isAsyncIterable(testSet) ? testSet : [testSet];
  const scores: number[] = [];
  const labels: number[] = [];
  const maps: Float32Array[] = [];
  const masks: Uint8Array[] = [];
  let size: [number, number] | undefined;
  let withMasks: boolean | undefined;
  let seconds = 0;
  for await (const batch of batches) {
    if (typeof batch !== 'object' || batch === null)
      throw new TypeError(`${fn}: testSet must be { images, labels, masks? }, got ${String(batch)}`);
    const count = countImages(batch.images, fn);
    if (!batch.labels || batch.labels.length !== count) {
      throw new RangeError(`${fn}: labels must have one entry per image (${count}), got ${batch.labels?.length}`);
    }
    const hasMasks = batch.masks !== undefined;
    if (withMasks !== undefined && hasMasks !== withMasks) throw new TypeError(`${fn}: either every batch has masks or none`);
    withMasks = hasMasks;
    if (hasMasks && batch.masks!.length !== count) {
      throw new RangeError(`${fn}: masks must have one entry (or null) per image (${count}), got ${batch.masks!.length}`);
    }
    const start = performance.now();
    const result = await run(batch.images, hasMasks);
    seconds += (performance.now() - start) / 1000;
    scores.push(...result.scores);
    for (let i = 0; i < count; i++) {
      const label = batch.labels[i];
      if (label !== 0 && label !== 1 && label !== true && label !== false) {
        throw new TypeError(`${fn}: labels[${i}] must be 0, 1, true or false, got ${String(label)}`);
      }
      labels.push(label === true || label === 1 ? 1 : 0);
      if (!hasMasks) continue;
      const map = result.maps![i]!;
      const mask = batch.masks![i];
      if (mask && mask.length !== map.height * map.width) {
        throw new RangeError(
          `${fn}: masks[${i}] has length ${mask.length}, expected the image's height × width = ${map.height * map.width}`,
        );
      }
      size ??= [map.height, map.width];
      const binary = new Uint8Array(map.height * map.width);
      if (mask) for (let p = 0; p < binary.length; p++) binary[p] = mask[p]! > 0 ? 1 : 0;
      const same = map.height === size[0] && map.width === size[1];
      maps.push(same ? map.data : resizeBilinear(map.data, map.height, map.width, size[0], size[1]));
      masks.push(same ? binary : nearestMask(binary, map.height, map.width, size[0], size[1]));
    }
  }
  if (scores.length === 0) throw new RangeError(`${fn}: the test set is empty`);
  const defective = labels.reduce((n, l) => n + l, 0);
  if (defective === 0 || defective === labels.length) {
    throw new RangeError(
      `${fn}: labels must contain both normal (0) and defective (1) images for AUROC, got only ${defective === 0 ? 0 : 1} (${labels.length} images)`,
    );
  }
  if (withMasks && !masks.some((m) => m.includes(1))) {
    throw new RangeError(
      `${fn}: masks must mark at least one defect pixel (value > 0) for pixel AUROC and AUPRO, got none in ${masks.length} masks`,
    );
  }
  const imageScores = Float32Array.from(scores);
  const evaluation: Evaluation = {
    imageAuroc: rocAuc(imageScores, labels),
    f1Max: f1Max(imageScores, labels),
    scores: imageScores,
    seconds,
  };
  if (withMasks && size) {
    const pixels = size[0] * size[1];
    const allScores = new Float32Array(maps.length * pixels);
    const allLabels = new Uint8Array(maps.length * pixels);
    maps.forEach((m, i) => allScores.set(m, i * pixels));
    masks.forEach((m, i) => allLabels.set(m, i * pixels));
    evaluation.pixelAuroc = rocAuc(allScores, allLabels);
    evaluation.auPro = auPro(maps, masks, size[0], size[1]);
  }
  return evaluation;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<TestSet> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

function nearestMask(mask: Uint8Array, h: number, w: number, outH: number, outW: number): Uint8Array {
  const out = new Uint8Array(outH * outW);
  for (let y = 0; y < outH; y++) {
    const sy = Math.min(h - 1, Math.floor(((y + 0.5) * h) / outH));
    for (let x = 0; x < outW; x++) out[y * outW + x] = mask[sy * w + Math.min(w - 1, Math.floor(((x + 0.5) * w) / outW))]!;
  }
  return out;
}
