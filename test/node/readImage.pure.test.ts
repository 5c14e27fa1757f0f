import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetError } from '../../src/node/DatasetError';
import { readImage, readMask } from '../../src/node/readImage';

const root = mkdtempSync(join(tmpdir(), 'cutpaste-read-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const fixture = JSON.parse(readFileSync(new URL('../fixtures/node-images.json', import.meta.url), 'utf8')) as {
  lanczos: { height: number; width: number; outHeight: number; outWidth: number; input: number[]; output: number[] };
  bmp: { name: string; base64: string; width: number; height: number; channels: 1 | 3; pixels: number[] }[];
};

/** Deterministic 8-bit pixels, `height × width × channels`. */
function pattern(height: number, width: number, channels: number, seed = 1): Uint8Array {
  const data = new Uint8Array(height * width * channels);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + seed * 101 + ((i * i) % 13)) % 256;
  return data;
}

async function writePng(
  name: string,
  data: Uint8Array | Uint16Array,
  width: number,
  height: number,
  channels: 1 | 2 | 3 | 4,
): Promise<string> {
  const path = join(root, name);
  let image = sharp(data, { raw: { width, height, channels } });
  if (data instanceof Uint16Array) image = image.toColourspace(channels === 1 ? 'grey16' : 'rgb16');
  else if (channels === 1) image = image.toColourspace('b-w');
  writeFileSync(path, await image.png().toBuffer());
  return path;
}

describe('readImage', () => {
  it('reads 8-bit RGB and gray PNGs to their exact pixels at native size (non-square)', async () => {
    const rgb = pattern(7, 11, 3);
    const gray = pattern(9, 4, 1, 2);
    expect(await readImage(await writePng('rgb.png', rgb, 11, 7, 3))).toEqual({ data: rgb, width: 11, height: 7, channels: 3 });
    expect(await readImage(await writePng('gray.png', gray, 4, 9, 1))).toEqual({ data: gray, width: 4, height: 9, channels: 1 });
  });

  it('reduces 16-bit gray and RGB PNGs to 8 bits as round(v / 257)', async () => {
    const gray16 = Uint16Array.from({ length: 3 * 5 }, (_, i) => (i * 4567 + 89) % 65536);
    const rgb16 = Uint16Array.from({ length: 2 * 3 * 3 }, (_, i) => (i * 3851 + 7) % 65536);
    const g = await readImage(await writePng('gray16.png', gray16, 5, 3, 1));
    const c = await readImage(await writePng('rgb16.png', rgb16, 3, 2, 3));
    expect(g).toMatchObject({ width: 5, height: 3, channels: 1 });
    expect(Array.from(g.data)).toEqual(Array.from(gray16, (v) => Math.round(v / 257)));
    expect(c).toMatchObject({ width: 3, height: 2, channels: 3 });
    expect(Array.from(c.data)).toEqual(Array.from(rgb16, (v) => Math.round(v / 257)));
  });

  it('drops alpha from RGBA and gray+alpha PNGs', async () => {
    const rgba = pattern(3, 4, 4);
    const image = await readImage(await writePng('rgba.png', rgba, 4, 3, 4));
    expect(image.channels).toBe(3);
    expect(Array.from(image.data)).toEqual(Array.from(rgba).filter((_, i) => i % 4 !== 3));
  });

  it('converts between gray and RGB on request (BT.601 luma)', async () => {
    const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
    const path = await writePng('luma.png', rgb, 2, 2, 3);
    const gray = await readImage(path, { channels: 1 });
    expect(Array.from(gray.data)).toEqual([76, 150, 29, Math.round(0.299 * 10 + 0.587 * 20 + 0.114 * 30)]);
    const back = await readImage(await writePng('g2.png', Uint8Array.from([7, 200]), 2, 1, 1), { channels: 3 });
    expect(Array.from(back.data)).toEqual([7, 7, 7, 200, 200, 200]);
  });

  it('reads JPEGs, gray and colour, close to the encoded pixels', async () => {
    const smooth = new Uint8Array(16 * 24 * 3);
    for (let y = 0; y < 16; y++)
      for (let x = 0; x < 24; x++) for (let c = 0; c < 3; c++) smooth[(y * 24 + x) * 3 + c] = 40 + x * 5 + y * 3 + c * 20;
    const path = join(root, 'smooth.jpg');
    writeFileSync(
      path,
      await sharp(smooth, { raw: { width: 24, height: 16, channels: 3 } })
        .jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
        .toBuffer(),
    );
    const image = await readImage(path);
    expect(image).toMatchObject({ width: 24, height: 16, channels: 3 });
    let error = 0;
    for (let i = 0; i < smooth.length; i++) error = Math.max(error, Math.abs(image.data[i]! - smooth[i]!));
    expect(error).toBeLessThanOrEqual(3);
    const grayPath = join(root, 'gray.jpg');
    writeFileSync(
      grayPath,
      await sharp(
        smooth.filter((_, i) => i % 3 === 0),
        { raw: { width: 24, height: 16, channels: 1 } },
      )
        .toColourspace('b-w')
        .jpeg()
        .toBuffer(),
    );
    expect(await readImage(grayPath)).toMatchObject({ width: 24, height: 16, channels: 1 });
  });

  it('applies the EXIF orientation of a JPEG (a 90° turn swaps width and height)', async () => {
    const path = join(root, 'turned.jpg');
    writeFileSync(
      path,
      await sharp(pattern(10, 30, 3), { raw: { width: 30, height: 10, channels: 3 } })
        .jpeg()
        .withMetadata({ orientation: 6 })
        .toBuffer(),
    );
    expect(await readImage(path)).toMatchObject({ width: 10, height: 30 });
  });

  it('reads BMP files through the built-in decoder and resizes them', async () => {
    const c = fixture.bmp.find((b) => b.name.startsWith('24-bit'))!;
    const path = join(root, 'scan.bmp');
    writeFileSync(path, Buffer.from(c.base64, 'base64'));
    const image = await readImage(path);
    expect(Array.from(image.data)).toEqual(c.pixels);
    expect(await readImage(path, { size: [6, 10] })).toMatchObject({ width: 10, height: 6, channels: 3 });
  });

  it('resizes with Lanczos-3 to [height, width], within 1 gray level on average of Pillow LANCZOS', async () => {
    const { lanczos: l } = fixture;
    const path = await writePng('lanczos.png', Uint8Array.from(l.input), l.width, l.height, 3);
    const image = await readImage(path, { size: [l.outHeight, l.outWidth] });
    expect(image).toMatchObject({ width: l.outWidth, height: l.outHeight, channels: 3 });
    let sum = 0;
    let max = 0;
    for (let i = 0; i < l.output.length; i++) {
      const d = Math.abs(image.data[i]! - l.output[i]!);
      sum += d;
      max = Math.max(max, d);
    }
    expect(sum / l.output.length).toBeLessThan(1);
    expect(max).toBeLessThanOrEqual(12);
    // A number is a square size.
    expect(await readImage(path, { size: 5 })).toMatchObject({ width: 5, height: 5 });
  });

  it('throws a DatasetError naming the path for missing, corrupt and truncated files', async () => {
    const png = await sharp(pattern(40, 50, 3), { raw: { width: 50, height: 40, channels: 3 } })
      .png()
      .toBuffer();
    const jpg = await sharp(pattern(40, 50, 3), { raw: { width: 50, height: 40, channels: 3 } })
      .jpeg()
      .toBuffer();
    const cases: [string, Buffer | null, RegExp][] = [
      ['missing.png', null, /missing\.png does not exist$/],
      ['text.png', Buffer.from('this is not an image'), /text\.png is not a readable image/],
      ['cut.png', png.subarray(0, Math.floor(png.length / 2)), /cut\.png is not a readable image/],
      ['cut.jpg', jpg.subarray(0, Math.floor(jpg.length / 2)), /cut\.jpg is not a readable image/],
      ['header.png', png.subarray(0, 20), /header\.png is not a readable image/],
    ];
    for (const [name, bytes, message] of cases) {
      const path = join(root, name);
      if (bytes) writeFileSync(path, bytes);
      const error = await readImage(path).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(DatasetError);
      expect((error as DatasetError).message, name).toMatch(message);
      expect((error as DatasetError).path, name).toBe(path);
    }
    mkdirSync(join(root, 'folder.png'));
    await expect(readImage(join(root, 'folder.png'))).rejects.toThrow(/folder\.png is a folder, not an image file/);
  });

  it('rejects invalid options with RangeErrors naming them', async () => {
    await expect(readImage('x.png', { size: 0 })).rejects.toThrow(
      /^readImage: options\.size must be an integer in \[1, 65535\] or \[height, width\] of such integers, got 0$/,
    );
    await expect(readImage('x.png', { size: [3, 2.5] })).rejects.toThrow(RangeError);
    await expect(readImage('x.png', { channels: 4 as 3 })).rejects.toThrow(
      /^readImage: options\.channels must be 1 \(gray\) or 3 \(RGB\), got 4$/,
    );
  });
});

describe('readMask', () => {
  it('binarises at 128 and resizes by area average (non-square)', async () => {
    // 4 × 6 mask: the left half white; a 2 × 3 resize averages 2 × 2 blocks.
    const mask = Uint8Array.from(
      [255, 255, 255, 0, 0, 0, 255, 255, 200, 0, 0, 0, 255, 255, 0, 0, 0, 0, 255, 255, 0, 0, 0, 100].map((v) => v),
    );
    const path = await writePng('mask.png', mask, 6, 4, 1);
    const native = await readMask(path);
    expect(native).toMatchObject({ width: 6, height: 4 });
    expect(Array.from(native.data)).toEqual(Array.from(mask, (v) => (v >= 128 ? 255 : 0)));
    const small = await readMask(path, { size: [2, 3] });
    // Block means: [255, (255+0+200+0)/4 = 113.75, 0], [255, 0, 25] → threshold 128.
    expect(Array.from(small.data)).toEqual([255, 0, 0, 255, 0, 0]);
  });

  it('counts a colour mask pixel as defect by its brightest channel', async () => {
    const path = await writePng('red-mask.png', Uint8Array.from([200, 0, 0, 0, 0, 0]), 2, 1, 3);
    expect(Array.from((await readMask(path)).data)).toEqual([255, 0]);
  });
});
