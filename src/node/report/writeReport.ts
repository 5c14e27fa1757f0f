/**
 * Writes the HTML report to a folder: `index.html` and the PNGs it shows (each image, its mask, its
 * heatmap), encoded with sharp from the pixels in the data.
 */
import { join } from 'node:path';
import { renderHeatmap, type RawImage } from 'cutpaste';
import { checkOutputFolder, listEntries, writeOutputFiles } from '../outputFolder';
import { importSharp } from '../sharp';
import { REPORT_HTML_FILE, type ReportData, reportImageFiles } from './ReportData';
import { renderReport } from './renderReport';

/** Options of {@link writeReport}. */
export interface WriteReportOptions {
  /** Write into a folder that holds files, replacing the report's files there (others stay). Default false. */
  readonly force?: boolean;
}

/** A constant score map: with `alpha: 0`, `renderHeatmap` returns the image itself as RGB (checked, 0–255). */
const FLAT = Object.freeze({ data: [0], width: 1, height: 1 });

/**
 * Writes the report of `data` (see `renderReport`) into `dir`: `index.html` and `images/0001.png`,
 * `images/0001-mask.png` (a mask, white = defect), `images/0001-map.png` (the heatmap, coloured as
 * `data.heatmap` says), … at each image's own size. Like `cutpaste evaluate --out`, a folder that holds
 * anything is refused unless `force`; the files are written at the end, a new folder under a temporary
 * name renamed into place, so a failing call leaves nothing half-written. Needs the optional `sharp`.
 *
 * @param dir the report's folder (created with its parents)
 * @returns the path of the written `index.html`
 * @throws TypeError/RangeError for malformed data (before anything is written); Error for a folder that
 *   is a file or holds files without `force`
 * @example
 * const [map] = await detector.scoreMaps([image]);
 * await writeReport('report', { title: 'my parts', images: [{ name: 'a.png', score, image, map }], threshold: detector.threshold });
 */
export async function writeReport(dir: string, data: ReportData, options: WriteReportOptions = {}): Promise<string> {
  const fn = 'writeReport';
  if (typeof dir !== 'string' || dir.length === 0) throw new TypeError(`${fn}: dir must be a non-empty string, got ${String(dir)}`);
  const html = renderReport(data); // checks data
  const target = await checkOutputFolder(dir, options.force ?? false, (refusal) =>
    refusal.kind === 'file'
      ? new Error(`${fn}: ${dir} is a file; expected a folder for the report`)
      : new Error(
          `${fn}: refusing to write into ${dir}: it holds files (${listEntries(refusal.entries)}); choose a new or empty folder, or pass { force: true } to replace the report's files there`,
        ),
  );
  const sharp = await importSharp(fn);
  const png = (pixels: Uint8Array, width: number, height: number, channels: 1 | 3): Promise<Buffer> => {
    const pipeline = sharp(pixels, { raw: { width, height, channels } });
    return (channels === 1 ? pipeline.toColourspace('b-w') : pipeline).png({ compressionLevel: 6 }).toBuffer();
  };
  const heatmapOptions = {
    colormap: data.heatmap?.colormap ?? 'turbo',
    alpha: data.heatmap?.alpha ?? 0.5,
    ...(data.heatmap?.range ? { range: data.heatmap.range } : {}),
  };
  const files: Record<string, string | Uint8Array> = {};
  for (const [i, im] of data.images.entries()) {
    const paths = reportImageFiles(i, im);
    const shown = renderHeatmap(im.image, FLAT, { alpha: 0 });
    files[paths.image] = await png(shown.data, shown.width, shown.height, 3);
    if (paths.mask !== undefined)
      files[paths.mask] = await png(maskPixels(im.mask!, im.image, `${fn}: data.images[${i}].mask`), shown.width, shown.height, 1);
    if (paths.heatmap !== undefined) {
      const overlay = renderHeatmap(im.image, im.map!, heatmapOptions);
      files[paths.heatmap] = await png(overlay.data, overlay.width, overlay.height, 3);
    }
  }
  files[REPORT_HTML_FILE] = html;
  await writeOutputFiles(target, files);
  return join(target, REPORT_HTML_FILE);
}

/** A mask (> 0 = defect) as 0/255 grey pixels; RangeError unless it has the image's `height × width` values. */
function maskPixels(mask: ArrayLike<number>, image: RawImage, name: string): Uint8Array {
  const pixels = image.width * image.height;
  if (typeof mask !== 'object' || mask.length !== pixels) {
    throw new RangeError(
      `${name} must have the image's height × width = ${image.height} × ${image.width} = ${pixels} values, got ${String(mask?.length)}`,
    );
  }
  const out = new Uint8Array(pixels);
  for (let i = 0; i < pixels; i++) out[i] = mask[i]! > 0 ? 255 : 0;
  return out;
}
