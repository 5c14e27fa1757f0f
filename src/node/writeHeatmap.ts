import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type HeatmapOptions, type RawImage, renderHeatmap } from 'cutpaste';
import type { ScoreGrid } from 'cutpaste/advanced';
import { markHeatmapPng } from './heatmapMark';
import { importSharp } from './sharp';

/**
 * Writes a heatmap overlay as a PNG (parent folders are created): the score map in colour over the
 * image, with the ground-truth mask's outline when `options.mask` is given (see `renderHeatmap` for
 * the blending, resizing and colour range). Colours are normalised per image unless `options.range`
 * is fixed: for a set of images compared side by side pass the same range to each (for instance
 * `[0, 2 * detector.threshold!.value]`, which puts the threshold in the middle of the colour map). The PNG
 * carries a text chunk `Software: cutpaste heatmap`, by which `cutpaste score --heatmaps` recognises
 * the files it may replace.
 *
 * @param path the PNG file to write (overwritten)
 * @param image the scored image, at any size (`{ data, width, height, channels }`)
 * @param map its score map (`{ data, height, width }`), resized to the image when the sizes differ
 * @example
 * const [map] = await detector.scoreMaps([image]);
 * await writeHeatmap('out/000.png', image, map!, { mask, range: [0, 2 * detector.threshold!.value], colormap: 'turbo' });
 */
export async function writeHeatmap(path: string, image: RawImage, map: ScoreGrid, options: HeatmapOptions = {}): Promise<void> {
  const fn = 'writeHeatmap';
  if (typeof path !== 'string' || path.length === 0) throw new TypeError(`${fn}: path must be a non-empty string, got ${String(path)}`);
  const overlay = renderHeatmap(image, map, options);
  const sharp = await importSharp(fn);
  const png = await sharp(overlay.data, { raw: { width: overlay.width, height: overlay.height, channels: 3 } })
    .png({ compressionLevel: 6 })
    .toBuffer();
  const target = resolve(path);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, markHeatmapPng(png));
}
