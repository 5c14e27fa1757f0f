import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { applyColormap, colormapTable } from '../../src/heatmap/colormap';
import { renderHeatmap } from '../../src/heatmap/renderHeatmap';
import { writeHeatmap } from '../../src/node/writeHeatmap';

const root = mkdtempSync(join(tmpdir(), 'cutpaste-heatmap-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('applyColormap', () => {
  it("matches matplotlib's published end and middle colours", () => {
    // matplotlib: jet(0) = (0, 0, 0.5), jet(1) = (0.5, 0, 0); inferno(0) = #000004, inferno(1) = #fcffa4;
    // turbo(0) = (0.18995, 0.07176, 0.23217), turbo(1) = (0.4796, 0.01583, 0.01055).
    expect(Array.from(applyColormap([0, 1], { colormap: 'jet' }))).toEqual([0, 0, 128, 128, 0, 0]);
    expect(Array.from(applyColormap([0, 1], { colormap: 'inferno' }))).toEqual([0, 0, 4, 252, 255, 164]);
    expect(Array.from(applyColormap([0, 1], { colormap: 'turbo' }))).toEqual([48, 18, 59, 122, 4, 3]);
    // jet at 128/255 from its segment data: red (x − 0.35)/0.31 = 0.490, green 1, blue (0.65 − x)/0.31 = 0.478.
    expect(Array.from(applyColormap([0, 128, 255]).subarray(3, 6))).toEqual([125, 255, 122]);
  });

  it('normalises by the range, clamping outside it; by default the values span the whole map', () => {
    const table = colormapTable('inferno');
    const colour = (k: number): number[] => Array.from(table.subarray(k * 3, k * 3 + 3));
    expect(Array.from(applyColormap([-5, 5, 10, 50], { range: [0, 20], colormap: 'inferno' }))).toEqual([
      ...colour(0),
      ...colour(64),
      ...colour(128),
      ...colour(255),
    ]);
    expect(Array.from(applyColormap([3, 4, 5], { colormap: 'inferno' }))).toEqual([...colour(0), ...colour(128), ...colour(255)]);
    // A constant map has no spread: every value takes the low colour.
    expect(Array.from(applyColormap([7, 7], { colormap: 'inferno' }))).toEqual([...colour(0), ...colour(0)]);
  });

  it('rejects non-finite scores, bad ranges and unknown colour maps', () => {
    expect(() => applyColormap([1, NaN])).toThrow(/^applyColormap: scores must be finite, got NaN at index 1$/);
    expect(() => applyColormap([1], { range: [2, 1] })).toThrow(
      /^applyColormap: options\.range must be \[low, high\] with finite low < high, got \[2, 1\]$/,
    );
    expect(() => applyColormap([1], { colormap: 'viridis' as 'jet' })).toThrow(
      /^applyColormap: options\.colormap must be one of 'jet', 'turbo', 'inferno', got "viridis"$/,
    );
  });
});

describe('renderHeatmap', () => {
  // A 5 × 7 (height × width) gray image and a map with a hot column at x = 6.
  const image = { data: Uint8Array.from({ length: 35 }, (_, i) => i * 7), width: 7, height: 5, channels: 1 as const };
  const map = { data: Float32Array.from({ length: 35 }, (_, i) => (i % 7 === 6 ? 1 : 0)), height: 5, width: 7 };

  it('blends (1 − alpha)·image + alpha·colour, gray images shown as RGB', () => {
    const out = renderHeatmap(image, map, { alpha: 0.25, colormap: 'jet' });
    expect(out).toMatchObject({ width: 7, height: 5, channels: 3 });
    const cold = [0, 0, 128];
    const hot = [128, 0, 0];
    for (const i of [0, 6, 20, 34]) {
      const colour = i % 7 === 6 ? hot : cold;
      expect(Array.from(out.data.subarray(i * 3, i * 3 + 3))).toEqual(colour.map((c) => Math.round(0.75 * i * 7 + 0.25 * c)));
    }
    expect(Array.from(renderHeatmap(image, map, { alpha: 0 }).data.subarray(3, 6))).toEqual([7, 7, 7]);
  });

  it('resizes a smaller map to the image (bilinear) and accepts float images in [0, 1]', () => {
    const small = { data: Float32Array.from([0, 1]), height: 1, width: 2 };
    const float = { data: new Float32Array(5 * 7 * 3).fill(1), width: 7, height: 5 };
    const out = renderHeatmap(float, small, { alpha: 1, colormap: 'inferno' });
    // Column 0 is pure low colour, column 6 pure high colour, on every row.
    for (let y = 0; y < 5; y++) {
      expect(Array.from(out.data.subarray(y * 7 * 3, y * 7 * 3 + 3))).toEqual([0, 0, 4]);
      expect(Array.from(out.data.subarray((y * 7 + 6) * 3, (y * 7 + 6) * 3 + 3))).toEqual([252, 255, 164]);
    }
    const half = renderHeatmap(float, small, { alpha: 0 });
    expect(half.data.every((v) => v === 255)).toBe(true);
  });

  it('draws the 1-px outline of the mask: inner mask pixels keep the overlay', () => {
    const mask = new Uint8Array(35);
    for (let y = 1; y < 4; y++) for (let x = 2; x < 6; x++) mask[y * 7 + x] = 1; // rows 1–3, columns 2–5
    const plain = renderHeatmap(image, map);
    const out = renderHeatmap(image, map, { mask, contourColor: [0, 255, 0] });
    for (let y = 0; y < 5; y++) {
      for (let x = 0; x < 7; x++) {
        const i = (y * 7 + x) * 3;
        const outline = mask[y * 7 + x] === 1 && !(y === 2 && (x === 3 || x === 4));
        expect(Array.from(out.data.subarray(i, i + 3)), `(${x}, ${y})`).toEqual(
          outline ? [0, 255, 0] : Array.from(plain.data.subarray(i, i + 3)),
        );
      }
    }
  });

  it('rejects mismatched masks, images and options with errors naming them', () => {
    expect(() => renderHeatmap(image, map, { mask: new Uint8Array(34) })).toThrow(
      /^renderHeatmap: options\.mask must have length image\.height × image\.width = 35, got 34$/,
    );
    expect(() => renderHeatmap({ ...image, data: new Uint8Array(30) }, map)).toThrow(/^renderHeatmap: image\.data has length 30/);
    expect(() => renderHeatmap(image, { ...map, height: 4 })).toThrow(
      /^renderHeatmap: map\.data must have length map\.height × map\.width = 28, got 35$/,
    );
    expect(() => renderHeatmap(image, map, { alpha: 2 })).toThrow(/^renderHeatmap: options\.alpha must be in \[0, 1\], got 2$/);
    expect(() => renderHeatmap(image, { ...map, data: new Float32Array(35).fill(Infinity) })).toThrow(/scores must be finite/);
  });
});

describe('writeHeatmap', () => {
  it('writes a PNG that decodes to the rendered overlay, creating parent folders', async () => {
    const rgb = { data: Uint8Array.from({ length: 4 * 6 * 3 }, (_, i) => (i * 11) % 256), width: 6, height: 4, channels: 3 as const };
    const scores = { data: Float32Array.from({ length: 2 * 3 }, (_, i) => i), height: 2, width: 3 };
    const options = { range: [0, 10] as [number, number], colormap: 'turbo' as const, alpha: 0.6 };
    const path = join(root, 'deep/er/overlay.png');
    await writeHeatmap(path, rgb, scores, options);
    const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
    expect(info).toMatchObject({ width: 6, height: 4, channels: 3 });
    expect(new Uint8Array(data)).toEqual(renderHeatmap(rgb, scores, options).data);
  });
});

describe('renderHeatmap with the detector threshold: the CLI’s threshold-centred scale', () => {
  const image = { data: new Uint8Array(4 * 3).fill(100), width: 4, height: 1, channels: 3 as const };
  const map = { data: Float32Array.from([5, 10, 15, 40]), width: 4, height: 1 };
  it('a threshold (number or { value }) gives the range [t/2, 1.5 t]; a range still wins', () => {
    const byRange = renderHeatmap(image, map, { range: [5, 15] });
    expect(renderHeatmap(image, map, { threshold: 10 }).data).toEqual(byRange.data);
    expect(renderHeatmap(image, map, { threshold: { value: 10 } }).data).toEqual(byRange.data);
    expect(renderHeatmap(image, map, { threshold: 10, range: [0, 40] }).data).toEqual(renderHeatmap(image, map, { range: [0, 40] }).data);
    expect(renderHeatmap(image, map, { threshold: 10 }).data).not.toEqual(renderHeatmap(image, map).data); // not the map's own min/max
  });
  it('a map that carries the threshold (as maps from predict do) is drawn on that scale without options', () => {
    expect(renderHeatmap(image, { ...map, threshold: 10 }).data).toEqual(renderHeatmap(image, map, { range: [5, 15] }).data);
    expect(renderHeatmap(image, { ...map, threshold: 10 }, { threshold: 20 }).data).toEqual(
      renderHeatmap(image, map, { range: [10, 30] }).data,
    );
  });
  it('refuses a threshold that is not a positive finite number', () => {
    for (const threshold of [0, -1, NaN, { value: Infinity }]) {
      expect(() => renderHeatmap(image, map, { threshold })).toThrow(/options.threshold must be a finite number > 0/);
    }
  });
});
