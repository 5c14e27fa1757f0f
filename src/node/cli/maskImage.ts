import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ScoreMap } from 'cutpaste/node';
import { markHeatmapPng } from '../heatmapMark';
import { importSharp } from '../sharp';
import type { Library } from './library';

/**
 * The predicted defect mask of a score map at `[height, width]`: 255 where the map, resized
 * bilinearly as heatmaps resize it (`renderHeatmap`), is `>= threshold`, else 0. An image's score is
 * its map's maximum, so the image threshold applies to the pixels: an image is anomalous exactly
 * when its mask has a white pixel (up to the resizing's smoothing).
 *
 * @example
 * maskPixels(lib, { data: Float32Array.of(1, 5), height: 1, width: 2 }, 3, [1, 2]); // Uint8Array [0, 255]
 */
export function maskPixels(
  lib: Pick<Library, 'resizeBilinear'>,
  map: ScoreMap,
  threshold: number,
  [height, width]: readonly [number, number],
): Uint8Array {
  const scores =
    map.height === height && map.width === width ? map.data : lib.resizeBilinear(map.data, map.height, map.width, height, width);
  const out = new Uint8Array(height * width);
  for (let i = 0; i < out.length; i++) out[i] = scores[i]! >= threshold ? 255 : 0;
  return out;
}

/**
 * Writes {@link maskPixels} as a greyscale PNG carrying the heatmap mark (`heatmapMark.ts`), so a
 * later `--masks` run may replace it and nothing else.
 */
export async function writeMask(
  lib: Pick<Library, 'resizeBilinear'>,
  path: string,
  map: ScoreMap,
  threshold: number,
  size: readonly [number, number],
): Promise<void> {
  const sharp = await importSharp('cutpaste score --masks');
  const [height, width] = size;
  const png = await sharp(maskPixels(lib, map, threshold, size), { raw: { width, height, channels: 1 } })
    .toColourspace('b-w')
    .png({ compressionLevel: 6 })
    .toBuffer();
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, markHeatmapPng(png), { flag: 'wx' });
}
