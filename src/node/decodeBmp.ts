import { DatasetError } from './DatasetError';
import { resolveMaxPixels } from './imageOptions';
import { ImageTooLargeError } from './ImageTooLargeError';

/** Pixels decoded from a BMP file, row-major `height × width × channels`, 0–255, top row first. */
export interface DecodedBmp {
  data: Uint8Array;
  width: number;
  height: number;
  /** 1 when every palette entry is gray, else 3 (alpha is dropped). */
  channels: 1 | 3;
}

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;
const COMPRESSION_NAMES: Record<number, string> = { 1: 'RLE8', 2: 'RLE4', 4: 'JPEG', 5: 'PNG' };

/** The fields of a BMP header that decoding needs. */
interface BmpHeader {
  pixelOffset: number;
  headerSize: number;
  /** A 12-byte `BITMAPCOREHEADER`. */
  core: boolean;
  width: number;
  height: number;
  topDown: boolean;
  bpp: number;
  compression: number;
}

/**
 * Reads and checks a BMP header (no pixels are touched).
 *
 * @throws DatasetError (`decodeBmp: <source> …`) when it is not a BMP, or is truncated or unsupported
 */
export function readBmpHeader(bytes: Uint8Array, source: string): BmpHeader {
  const fail = (what: string): never => {
    throw new DatasetError(`decodeBmp: ${source} ${what}`, source);
  };
  if (bytes.length < 26 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) fail('is not a BMP file (no "BM" header)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pixelOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  const core = headerSize === 12;
  if (!core && headerSize < 40) fail(`has an unknown header size ${headerSize}`);
  if (14 + headerSize > bytes.length) fail('is truncated (header)');
  const width = core ? view.getUint16(18, true) : view.getInt32(18, true);
  const rawHeight = core ? view.getInt16(20, true) : view.getInt32(22, true);
  const bpp = core ? view.getUint16(24, true) : view.getUint16(28, true);
  const compression = core ? BI_RGB : view.getUint32(30, true);
  const height = Math.abs(rawHeight);
  if (width < 1 || height < 1) fail(`has an invalid size ${width}×${rawHeight}`);
  return { pixelOffset, headerSize, core, width, height, topDown: rawHeight < 0, bpp, compression };
}

/**
 * Decodes a Windows BMP (sharp's libvips cannot read BMP): 1-, 4- and 8-bit palettes, 16-bit (5-5-5 or
 * bit fields), 24-bit and 32-bit (BGRX or bit fields), bottom-up or top-down, with any header from
 * `BITMAPCOREHEADER` to `BITMAPV5HEADER`. RLE-compressed and embedded JPEG/PNG BMPs are not supported
 * (a `DatasetError` says so). An all-gray palette gives a 1-channel image; alpha is dropped; n-bit
 * fields of 16/32-bit files scale to 8 bits as `floor(v · 255 / (2ⁿ − 1))`, as Pillow does.
 *
 * @param bytes the whole file
 * @param source named in error messages (usually the file path); default `'BMP data'`
 * @param options `maxPixels`: largest accepted width × height, checked from the header before any
 *   allocation (default {@link DEFAULT_MAX_PIXELS}; at most 2²⁸ in any case)
 * @throws DatasetError for a truncated, corrupt or unsupported file; ImageTooLargeError (a DatasetError)
 *   over `maxPixels`
 * @example
 * const { data, width, height, channels } = decodeBmp(await readFile('scan.bmp'), 'scan.bmp');
 */
export function decodeBmp(bytes: Uint8Array, source = 'BMP data', options: { maxPixels?: number } = {}): DecodedBmp {
  if (!(bytes instanceof Uint8Array))
    throw new TypeError(`decodeBmp: bytes must be a Uint8Array (or a Buffer), got ${Object.prototype.toString.call(bytes)}`);
  const maxPixels = resolveMaxPixels(options?.maxPixels, 'decodeBmp', 'options.maxPixels');
  const fail = (what: string): never => {
    throw new DatasetError(`decodeBmp: ${source} ${what}`, source);
  };
  const { pixelOffset, headerSize, core, width, height, topDown, bpp, compression } = readBmpHeader(bytes, source);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (width * height > maxPixels) throw new ImageTooLargeError('decodeBmp', source, width, height, maxPixels);
  if (width * height > 1 << 28) fail(`is too large (${width}×${height})`);
  if (![1, 4, 8, 16, 24, 32].includes(bpp)) fail(`has an unsupported bit depth ${bpp} (allowed: 1, 4, 8, 16, 24, 32)`);
  if (compression in COMPRESSION_NAMES)
    fail(`uses ${COMPRESSION_NAMES[compression]} compression, which is not supported; re-save it uncompressed or as PNG`);
  if (compression !== BI_RGB && compression !== BI_BITFIELDS && compression !== BI_ALPHABITFIELDS) {
    fail(`has an unknown compression ${compression}`);
  }
  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  if (pixelOffset + stride * height > bytes.length)
    fail(`is truncated: pixel data needs ${pixelOffset + stride * height} bytes, the file has ${bytes.length}`);
  const rowStart = (y: number): number => pixelOffset + (topDown ? y : height - 1 - y) * stride;

  if (bpp <= 8) {
    const paletteStart = 14 + headerSize + (compression === BI_BITFIELDS && headerSize === 40 ? 12 : 0);
    const entrySize = core ? 3 : 4;
    const used = core ? 0 : view.getUint32(46, true);
    const count = used > 0 && used <= 1 << bpp ? used : 1 << bpp;
    const available = Math.floor((pixelOffset - paletteStart) / entrySize);
    const entries = Math.min(count, available);
    if (entries < 1) fail('has no colour palette');
    const palette = new Uint8Array(entries * 3);
    let gray = true;
    for (let i = 0; i < entries; i++) {
      const o = paletteStart + i * entrySize;
      palette[i * 3] = bytes[o + 2]!;
      palette[i * 3 + 1] = bytes[o + 1]!;
      palette[i * 3 + 2] = bytes[o]!;
      gray &&= bytes[o] === bytes[o + 1] && bytes[o + 1] === bytes[o + 2];
    }
    const channels = gray ? 1 : 3;
    const data = new Uint8Array(width * height * channels);
    const perByte = 8 / bpp;
    const mask = (1 << bpp) - 1;
    for (let y = 0; y < height; y++) {
      const row = rowStart(y);
      for (let x = 0; x < width; x++) {
        const byte = bytes[row + Math.floor(x / perByte)]!;
        const index = (byte >> (8 - bpp * ((x % perByte) + 1))) & mask;
        if (index >= entries) fail(`is corrupt: palette index ${index} at (${x}, ${y}) but the palette has ${entries} entries`);
        const o = (y * width + x) * channels;
        if (gray) data[o] = palette[index * 3]!;
        else data.set(palette.subarray(index * 3, index * 3 + 3), o);
      }
    }
    return { data, width, height, channels };
  }

  const data = new Uint8Array(width * height * 3);
  if (bpp === 24) {
    for (let y = 0; y < height; y++) {
      const row = rowStart(y);
      for (let x = 0; x < width; x++) {
        const i = row + x * 3;
        const o = (y * width + x) * 3;
        data[o] = bytes[i + 2]!;
        data[o + 1] = bytes[i + 1]!;
        data[o + 2] = bytes[i]!;
      }
    }
    return { data, width, height, channels: 3 };
  }

  // 16 and 32 bit: fixed layouts (BI_RGB) or bit fields.
  let masks: [number, number, number];
  if (compression === BI_RGB) {
    masks = bpp === 16 ? [0x7c00, 0x03e0, 0x001f] : [0xff0000, 0x00ff00, 0x0000ff];
  } else {
    // Offset 54: right after a 40-byte header, or inside a V2–V5 header (same place).
    if (54 + 12 > bytes.length) fail('is truncated (bit masks)');
    masks = [view.getUint32(54, true), view.getUint32(58, true), view.getUint32(62, true)];
  }
  const fields = masks.map((m) => {
    if (m === 0) fail('has an empty colour bit mask');
    let shift = 0;
    while (((m >>> shift) & 1) === 0) shift++;
    const max = m >>> shift;
    return { mask: m, shift, max };
  });
  const bytesPer = bpp / 8;
  for (let y = 0; y < height; y++) {
    const row = rowStart(y);
    for (let x = 0; x < width; x++) {
      const i = row + x * bytesPer;
      const pixel = bpp === 16 ? view.getUint16(i, true) : view.getUint32(i, true);
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const f = fields[c]!;
        const value = ((pixel & f.mask) >>> f.shift) >>> 0;
        data[o + c] = f.max === 255 ? value : Math.floor((Math.min(value, f.max) * 255) / f.max); // as Pillow
      }
    }
  }
  return { data, width, height, channels: 3 };
}
