import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../src/node/DatasetError';
import { decodeBmp } from '../../src/node/decodeBmp';
import { resizeBox } from '../../src/node/resizeBox';

interface Fixture {
  box: { height: number; width: number; outHeight: number; outWidth: number; input: number[]; output: number[] }[];
  bmp: { name: string; base64: string; width: number; height: number; channels: 1 | 3; pixels: number[] }[];
}
// Made by test/node/make-node-fixtures.py with Pillow.
const fixture = JSON.parse(readFileSync(new URL('../fixtures/node-images.json', import.meta.url), 'utf8')) as Fixture;

describe('resizeBox', () => {
  it.each(fixture.box.map((c) => [`${c.height}×${c.width} → ${c.outHeight}×${c.outWidth}`, c] as const))(
    'is bit-identical to Pillow Image.BOX for %s',
    (_, c) => {
      const out = resizeBox(Uint8Array.from(c.input), c.height, c.width, c.outHeight, c.outWidth);
      expect(Array.from(out)).toEqual(c.output);
    },
  );

  it('returns a copy when the size does not change', () => {
    const data = Uint8Array.from([1, 2, 3, 4, 5, 6]);
    const out = resizeBox(data, 2, 3, 2, 3);
    expect(out).toEqual(data);
    expect(out).not.toBe(data);
  });

  it('rejects a data length that does not match the size', () => {
    expect(() => resizeBox(new Uint8Array(5), 2, 3, 1, 1)).toThrow(/^resizeBox: data must have length height × width = 6, got 5$/);
    expect(() => resizeBox(new Uint8Array(6), 2, 3, 0, 1)).toThrow(RangeError);
  });
});

describe('decodeBmp', () => {
  it.each(fixture.bmp.map((c) => [c.name, c] as const))('decodes a %s BMP to the pixels Pillow reads', (_, c) => {
    const decoded = decodeBmp(Buffer.from(c.base64, 'base64'), 'x.bmp');
    expect({ width: decoded.width, height: decoded.height, channels: decoded.channels }).toEqual({
      width: c.width,
      height: c.height,
      channels: c.channels,
    });
    expect(Array.from(decoded.data)).toEqual(c.pixels);
  });

  it('names the source when the file is truncated', () => {
    const bytes = Buffer.from(fixture.bmp[0]!.base64, 'base64');
    const cut = bytes.subarray(0, bytes.length - 4);
    expect(() => decodeBmp(cut, 'scan.bmp')).toThrow(DatasetError);
    expect(() => decodeBmp(cut, 'scan.bmp')).toThrow(/^decodeBmp: scan\.bmp is truncated: pixel data needs \d+ bytes, the file has \d+$/);
  });

  it('rejects RLE compression, unknown bit depths and non-BMP data with clear messages', () => {
    const bytes = Buffer.from(fixture.bmp[1]!.base64, 'base64'); // 8-bit palette
    const rle = Buffer.from(bytes);
    rle.writeUInt32LE(1, 30);
    expect(() => decodeBmp(rle, 'a.bmp')).toThrow(/uses RLE8 compression, which is not supported; re-save it uncompressed or as PNG/);
    const depth = Buffer.from(bytes);
    depth.writeUInt16LE(12, 28);
    expect(() => decodeBmp(depth, 'a.bmp')).toThrow(/unsupported bit depth 12 \(allowed: 1, 4, 8, 16, 24, 32\)/);
    expect(() => decodeBmp(Buffer.from('not an image at all, just text'), 'a.bmp')).toThrow(/a\.bmp is not a BMP file/);
  });
});
