/**
 * Heatmap overlays: a score map coloured from blue (normal) through green and yellow to red
 * (anomalous), blended over the image on a canvas.
 */
import type { RawImage, ScoreMap } from 'cutpaste';
import { toRgba } from './images';

/** Colour stops of the scale, low to high: deep blue, cyan, green, yellow, red. */
const STOPS: readonly (readonly [number, number, number])[] = [
  [48, 18, 160],
  [32, 160, 230],
  [60, 200, 90],
  [250, 210, 40],
  [220, 30, 30],
];

/** The scale's colour at `t` in [0, 1] (clamped), linear between stops. */
export function heatColor(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [STOPS[i]!, STOPS[i + 1]!];
  return [0, 1, 2].map((c) => Math.round(a[c]! + (b[c]! - a[c]!) * f)) as [number, number, number];
}

/** The CSS gradient of the scale, for the legend. */
export function heatGradient(): string {
  return `linear-gradient(90deg, ${STOPS.map((s) => `rgb(${s.join(' ')})`).join(', ')})`;
}

/**
 * Draws `image` with `map` blended over it: a map value `v` is coloured at `(v − low) / (high − low)`,
 * and the hotter it is the more opaque (alpha 0.15 to 0.75), so normal regions stay readable.
 */
export function drawOverlay(canvas: HTMLCanvasElement, image: RawImage, map: ScoreMap, low: number, high: number): void {
  const { width, height } = image;
  if (map.width !== width || map.height !== height)
    throw new RangeError(`map ${map.width}×${map.height} does not match image ${width}×${height}`);
  canvas.width = width;
  canvas.height = height;
  const rgba = toRgba(image);
  const span = Math.max(high - low, 1e-9);
  for (let p = 0; p < width * height; p++) {
    const t = Math.min(1, Math.max(0, (map.data[p]! - low) / span));
    const alpha = 0.15 + 0.6 * t;
    const color = heatColor(t);
    for (let c = 0; c < 3; c++) rgba[p * 4 + c] = rgba[p * 4 + c]! * (1 - alpha) + color[c]! * alpha;
  }
  canvas.getContext('2d')!.putImageData(new ImageData(rgba, width, height), 0, 0);
}
