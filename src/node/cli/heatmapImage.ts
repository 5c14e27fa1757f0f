import type { LoadedImage } from 'cutpaste/node';
import type { Library } from './library';

/**
 * Largest heatmap `cutpaste score --heatmaps` draws, in pixels: 2²⁴ = 16,777,216 (4096 × 4096).
 * Larger images get a heatmap scaled down to this many pixels (aspect ratio kept): the score map has
 * the model's resolution (`--image-size`, at most 4096 × 4096), so a larger overlay shows no more of
 * it, and drawing one costs about 13 bytes per pixel (the image, the resized map, the colours and the
 * overlay).
 */
export const HEATMAP_MAX_PIXELS = 2 ** 24;

/**
 * The size a heatmap of a `width × height` image is drawn at: the image's own size up to
 * {@link HEATMAP_MAX_PIXELS}, else scaled down to fit it with the same aspect ratio.
 *
 * @returns `[height, width]`
 * @example
 * heatmapSize(8000, 6000); // [3547, 4729]
 */
export function heatmapSize(width: number, height: number): [number, number] {
  if (width * height <= HEATMAP_MAX_PIXELS) return [height, width];
  const scale = Math.sqrt(HEATMAP_MAX_PIXELS / (width * height));
  return [Math.max(1, Math.floor(height * scale)), Math.max(1, Math.floor(width * scale))];
}

/**
 * Reads the image a heatmap is drawn over, at {@link heatmapSize} (its header is read first, so a large
 * file is resized while it is decoded and never held at full size).
 *
 * @param maxPixels the reader's limit (`--max-pixels`); undefined: the library's default
 */
export async function readHeatmapImage(lib: Library, file: string, maxPixels: number | undefined): Promise<LoadedImage> {
  const { width, height } = await lib.readImageSize(file);
  return lib.readImage(file, { size: heatmapSize(width, height), ...(maxPixels === undefined ? {} : { maxPixels }) });
}
