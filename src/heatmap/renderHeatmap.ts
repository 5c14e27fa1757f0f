import { resizeBilinear } from '../math/resizeBilinear';
import type { RawImage } from '../detector/input';
import { type ColormapOptions, applyColormap, resolveColormap, resolveRange } from './colormap';
import { heatmapRange } from './heatmapRange';

/** The threshold-centred range of `threshold` (a number or `{ value }`); `undefined` when none is given. */
function thresholdRange(threshold: HeatmapOptions['threshold'], fn: string): [number, number] | undefined {
  if (threshold === undefined) return undefined;
  const value = typeof threshold === 'number' ? threshold : threshold?.value;
  const range = heatmapRange(value);
  if (!range) throw new RangeError(`${fn}: options.threshold must be a finite number > 0 or { value } of one, got ${String(value)}`);
  return range;
}

/** A score map, row-major `[height, width]`: a detector `ScoreMap`, or any array of numbers. */
export interface ScoreGrid {
  data: ArrayLike<number>;
  height: number;
  width: number;
  /** A detector's threshold (maps from `predict` carry it): the default colour range centres on it. */
  threshold?: number;
}

/** Options of {@link renderHeatmap} and `writeHeatmap`. */
export interface HeatmapOptions extends ColormapOptions {
  /** Weight of the colour map over the image, in [0, 1]. Default 0.5. */
  alpha?: number;
  /** Ground-truth mask at the image's size (`height × width`, > 0 = defect): its outline is drawn 1 px wide. */
  mask?: ArrayLike<number>;
  /** Outline colour `[r, g, b]` (0–255). Default white `[255, 255, 255]`. */
  contourColor?: readonly [number, number, number];
  /**
   * The detector's threshold (`detector.threshold`, or its value; default: the map's own `threshold`,
   * which maps from `predict` carry): without `range`, colours span `[threshold / 2, 1.5 × threshold]`
   * (`heatmapRange`), the CLI's scale: the threshold sits mid-scale and colours compare across images.
   * Without any, each map spans its own min/max.
   */
  threshold?: number | { readonly value: number };
}

/** An RGB image, row-major `height × width × 3`, 0–255. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3;
}

/**
 * Renders a score map over its image: the map is resized to the image (bilinear, half-pixel centres)
 * when the sizes differ, coloured with `applyColormap` (normalised by `range`; else, given the
 * detector's `threshold`, by the CLI's threshold-centred range `[threshold / 2, 1.5 × threshold]`;
 * else by the map's own min/max), blended as
 * `(1 − alpha)·image + alpha·colour`, and the mask's outline (mask pixels with a 4-neighbour outside
 * the mask or on the image border) is painted in `contourColor`. Pure JavaScript.
 *
 * @returns a new RGB image at the image's size
 * @throws TypeError/RangeError naming the argument for malformed images, maps, masks or options
 * @example
 * const [prediction] = await detector.predict([image]);
 * // its map carries the threshold, which sits mid-scale, as in the CLI's heatmaps
 * const overlay = renderHeatmap(image, prediction!.map!, { mask });
 * // a map from scoreMaps does not: pass it, e.g. { threshold: detector.threshold }
 */
export function renderHeatmap(image: RawImage, map: ScoreGrid, options: HeatmapOptions = {}): RgbImage {
  const fn = 'renderHeatmap';
  const { width, height } = image ?? {};
  const data = image?.data;
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray || data instanceof Float32Array)) {
    throw new TypeError(
      `${fn}: image.data must be a Uint8Array, Uint8ClampedArray or Float32Array, got ${data === undefined ? 'undefined' : Object.prototype.toString.call(data)}`,
    );
  }
  for (const [name, value] of [
    ['image.width', width],
    ['image.height', height],
    ['map.width', map?.width],
    ['map.height', map?.height],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${fn}: ${name} must be an integer ≥ 1, got ${String(value)}`);
  }
  const pixels = width * height;
  const channels = image.channels ?? data.length / pixels;
  if ((channels !== 1 && channels !== 3 && channels !== 4) || data.length !== pixels * channels) {
    throw new RangeError(
      `${fn}: image.data has length ${data.length}, expected height × width × channels (${height} × ${width} × 1, 3 or 4)`,
    );
  }
  if (map.data === null || typeof map.data !== 'object' || map.data.length !== map.height * map.width) {
    throw new RangeError(`${fn}: map.data must have length map.height × map.width = ${map.height * map.width}, got ${map.data?.length}`);
  }
  const alpha = options.alpha ?? 0.5;
  if (typeof alpha !== 'number' || !(alpha >= 0 && alpha <= 1))
    throw new RangeError(`${fn}: options.alpha must be in [0, 1], got ${String(alpha)}`);
  const colormap = resolveColormap(options.colormap, fn, 'options.colormap');
  const contour = options.contourColor ?? [255, 255, 255];
  if (!Array.isArray(contour) || contour.length !== 3 || !contour.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)) {
    throw new RangeError(`${fn}: options.contourColor must be [r, g, b] with integers in [0, 255], got ${String(contour)}`);
  }
  const mask = options.mask;
  if (mask !== undefined && (mask === null || typeof mask !== 'object' || mask.length !== pixels)) {
    throw new RangeError(
      `${fn}: options.mask must have length image.height × image.width = ${pixels}, got ${mask === null ? 'null' : mask.length}`,
    );
  }

  const scores = map.height === height && map.width === width ? map.data : resizeBilinear(map.data, map.height, map.width, height, width);
  const [low, high] = resolveRange(map.data, options.range ?? thresholdRange(options.threshold ?? map.threshold, fn), fn, 'options.range');
  // A constant map (no range given) takes the colour map's low end, as applyColormap does.
  const colours = applyColormap(scores, { range: high > low ? [low, high] : [low, low + 1], colormap });
  const scale = data instanceof Float32Array ? 255 : 1;
  const out = new Uint8Array(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    for (let c = 0; c < 3; c++) {
      const v = data[i * channels + (channels === 1 ? 0 : c)]! * scale;
      out[i * 3 + c] = Math.round((1 - alpha) * Math.min(255, Math.max(0, v)) + alpha * colours[i * 3 + c]!);
    }
  }
  if (mask) {
    const inside = (x: number, y: number): boolean => x >= 0 && y >= 0 && x < width && y < height && mask[y * width + x]! > 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (!inside(x, y)) continue;
        if (inside(x - 1, y) && inside(x + 1, y) && inside(x, y - 1) && inside(x, y + 1)) continue;
        out.set(contour, (y * width + x) * 3);
      }
    }
  }
  return { data: out, width, height, channels: 3 };
}
