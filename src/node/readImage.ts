import { resolve } from 'node:path';
import { DatasetError } from './DatasetError';
import { decodeBmp, readBmpHeader } from './decodeBmp';
import { type ImageSize, type LoadedImage, convertChannels, resolveChannels, resolveImageSize, resolveMaxPixels } from './imageOptions';
import { ImageTooLargeError } from './ImageTooLargeError';
import { readRegularFile } from './regularFile';
import { resizeBox } from './resizeBox';
import { type Sharp, type SharpMetadata, type SharpPipeline, importSharp } from './sharp';

/** Options of {@link readImage}. */
export interface ReadImageOptions {
  /** Output size (`n` = n × n, or `[height, width]`); resized with Lanczos-3 ignoring aspect ratio. Default: the file's own size. */
  size?: ImageSize;
  /** 1 (gray) or 3 (RGB). Default: the file's own (gray files → 1, colour → 3). */
  channels?: 1 | 3;
  /**
   * Largest accepted file, in pixels (width × height as its header declares them, checked before
   * decoding); larger files throw {@link ImageTooLargeError}. It bounds the file too: a file of more than
   * 8 bytes per pixel plus 16 MiB (272 MiB at the default) is refused unread. Default
   * {@link DEFAULT_MAX_PIXELS} (2²⁵).
   */
  maxPixels?: number;
}

/** Options of {@link readMask}. */
export interface ReadMaskOptions {
  /** Output size (`n` = n × n, or `[height, width]`); area average then threshold 128. Default: the file's own size. */
  size?: ImageSize;
  /** Largest accepted file in pixels, as {@link ReadImageOptions.maxPixels}. Default {@link DEFAULT_MAX_PIXELS}. */
  maxPixels?: number;
}

/** A decoded file and the size it had before resizing (after EXIF orientation). */
export interface DecodedFile {
  image: LoadedImage;
  nativeHeight: number;
  nativeWidth: number;
}

/**
 * Reads an image file into 8-bit pixels: PNG, JPEG, WebP, TIFF, GIF (first frame) through `sharp`, and
 * BMP through a built-in decoder. 16-bit files are reduced to 8 bits (`round(v / 257)`); alpha is
 * dropped (RGBA → RGB, gray+alpha → gray); CMYK becomes RGB; JPEG EXIF orientation is applied. Resizing
 * uses Lanczos-3 (as `PIL.Image.LANCZOS`, which made MVTec AD's common 256 px copies; mean difference
 * to PIL about 0.16 gray levels) and does not keep the aspect ratio. With `size` the file is resized
 * while it is decoded (BMP excepted), so a large photo is never held at full size in memory. Files over
 * `maxPixels` are refused from their header, before decoding, and files larger than such an image can
 * be (8 bytes a pixel plus 16 MiB) unread; pipes and devices are refused without waiting on them.
 *
 * @returns `{ data, width, height, channels }`, row-major `height × width × channels`, 0–255
 * @throws DatasetError naming the path when the file is missing, unreadable, not a regular file,
 *   too large in bytes, truncated or corrupt; ImageTooLargeError (a DatasetError) when it has more than
 *   `maxPixels` pixels
 * @example
 * const image = await readImage('photos/part-17.jpg', { size: 256, channels: 3 });
 * const [score] = await detector.score([image]);
 */
export async function readImage(path: string, options: ReadImageOptions = {}): Promise<LoadedImage> {
  const fn = 'readImage';
  const size = resolveImageSize(options.size, fn, 'options.size');
  const channels = resolveChannels(options.channels, fn, 'options.channels');
  const maxPixels = resolveMaxPixels(options.maxPixels, fn, 'options.maxPixels');
  const { image } = await decodeImageFile(checkPath(path, fn), size, fn, maxPixels);
  return convertChannels(image, channels);
}

/**
 * Reads a ground-truth mask (white = defect) into a 0/255 `Uint8Array`, row-major `height × width`.
 * Colour masks count a pixel as defect by its brightest channel. Resizing averages areas (as
 * `PIL.Image.BOX`, bit-identical) and then thresholds at 128, so a resized mask stays binary; at native
 * size values ≥ 128 become 255 and the rest 0.
 *
 * @throws DatasetError naming the path when the file is missing, unreadable, truncated or corrupt;
 *   ImageTooLargeError (a DatasetError) when it has more than `maxPixels` pixels
 * @example
 * const { data, height, width } = await readMask('ground_truth/crack/000_mask.png', { size: [256, 256] });
 */
export async function readMask(path: string, options: ReadMaskOptions = {}): Promise<{ data: Uint8Array; height: number; width: number }> {
  const fn = 'readMask';
  const size = resolveImageSize(options.size, fn, 'options.size');
  const maxPixels = resolveMaxPixels(options.maxPixels, fn, 'options.maxPixels');
  const mask = await decodeMaskFile(checkPath(path, fn), fn, maxPixels);
  return { data: resizeMask(mask.data, mask.height, mask.width, size), height: size?.[0] ?? mask.height, width: size?.[1] ?? mask.width };
}

function checkPath(path: unknown, fn: string): string {
  if (typeof path !== 'string' || path.length === 0) throw new TypeError(`${fn}: path must be a non-empty string, got ${String(path)}`);
  return resolve(path);
}

/**
 * A file's bytes: a regular file (a pipe or device is refused, not waited on) of at most `maxBytes`.
 */
async function readBytes(path: string, fn: string, maxBytes: number | undefined): Promise<Buffer> {
  return readRegularFile(path, { ...(maxBytes === undefined ? {} : { maxBytes }) }, (why, cause) => {
    const what = why.replace(/, not a regular file$/, ', not an image file');
    const limit = why.startsWith('has ')
      ? ` (${BYTES_PER_PIXEL} per pixel of maxPixels, plus ${METADATA_BYTES / 2 ** 20} MiB): raise maxPixels (CLI: --max-pixels) to read it`
      : '';
    return new DatasetError(`${fn}: ${path} ${what}${limit}`, path, { cause });
  });
}

/** A file's bytes and header: its size after EXIF orientation, and sharp's metadata (null for BMP). */
interface ImageHeader {
  bytes: Buffer;
  sharp: Sharp;
  meta: SharpMetadata | null;
  width: number;
  height: number;
}

/**
 * Bytes per pixel of the largest file an image of `maxPixels` pixels needs: 16-bit RGBA stored
 * uncompressed (PNG, TIFF) takes 8; every other format the readers take, less.
 */
const BYTES_PER_PIXEL = 8;
/** Room for what a file holds besides pixels (EXIF, ICC profile, XMP, thumbnails): 16 MiB. */
const METADATA_BYTES = 16 * 2 ** 20;

/**
 * Reads a file and its header (sharp's `metadata()` or the BMP header); decodes no pixels. With
 * `maxPixels`, a file larger than any image of that many pixels can be is refused unread.
 */
async function readHeader(path: string, fn: string, maxPixels?: number): Promise<ImageHeader> {
  const bytes = await readBytes(path, fn, maxPixels === undefined ? undefined : BYTES_PER_PIXEL * maxPixels + METADATA_BYTES);
  if (bytes.length === 0) throw new DatasetError(`${fn}: ${path} is empty (0 bytes), not an image`, path);
  const sharp = await importSharp(fn);
  if (bytes[0] === 0x42 && bytes[1] === 0x4d) {
    const { width, height } = readBmpHeader(bytes, path);
    return { bytes, sharp, meta: null, width, height };
  }
  const meta = await sharp(bytes, { failOn: 'truncated', limitInputPixels: false })
    .metadata()
    .catch((e: unknown) => notReadable(e, path, fn));
  if (!meta.width || !meta.height) notReadable(new Error('no image size in the header'), path, fn);
  const swap = (meta.orientation ?? 1) >= 5;
  return { bytes, sharp, meta, width: swap ? meta.height : meta.width, height: swap ? meta.width : meta.height };
}

function notReadable(error: unknown, path: string, fn: string): never {
  const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
  throw new DatasetError(`${fn}: ${path} is not a readable image (unsupported format, corrupt or truncated: ${reason})`, path, {
    cause: error,
  });
}

/**
 * Reads an image file's size from its header without decoding any pixel: `{ width, height }` as
 * {@link readImage} returns them at the file's own size (after JPEG EXIF orientation). Any size is
 * reported (`maxPixels` limits decoding, not this). Useful to choose a read size before reading.
 *
 * @throws DatasetError naming the path when the file is missing, unreadable or not an image
 * @example
 * const { width, height } = await readImageSize('photos/part-17.jpg');
 */
export async function readImageSize(path: string): Promise<{ width: number; height: number }> {
  const fn = 'readImageSize';
  const { width, height } = await readHeader(checkPath(path, fn), fn);
  return { width, height };
}

/**
 * Decodes an image file at `size` (null = native) with its native channels (1 or 3). Files over
 * `maxPixels` (a resolved limit) are refused from their header; sharp resizes while decoding.
 */
export async function decodeImageFile(path: string, size: [number, number] | null, fn: string, maxPixels: number): Promise<DecodedFile> {
  const { bytes, sharp, meta, width: nativeWidth, height: nativeHeight } = await readHeader(path, fn, maxPixels);
  if (nativeWidth * nativeHeight > maxPixels) throw new ImageTooLargeError(fn, path, nativeWidth, nativeHeight, maxPixels);
  const resize = size !== null && (size[0] !== nativeHeight || size[1] !== nativeWidth);
  if (!meta) {
    const bmp = decodeBmp(bytes, path, { maxPixels }); // our own decoder: decoded at full size, then resized
    let image: LoadedImage = bmp;
    if (resize) {
      const pipeline = sharp(bmp.data, { raw: { width: bmp.width, height: bmp.height, channels: bmp.channels } }).resize(size[1], size[0], {
        kernel: 'lanczos3',
        fit: 'fill',
      });
      image = await finish(pipeline, bmp.channels === 1, false, path, fn);
    }
    return { image, nativeHeight, nativeWidth };
  }
  const gray = meta.space === 'b-w' || meta.space === 'grey16';
  const deep = meta.depth === 'ushort';
  let pipeline = sharp(bytes, { failOn: 'truncated', limitInputPixels: maxPixels }).autoOrient();
  if (meta.hasAlpha) pipeline = pipeline.removeAlpha();
  if (resize) pipeline = pipeline.resize(size[1], size[0], { kernel: 'lanczos3', fit: 'fill' }); // while decoding
  const image = await finish(pipeline, gray, deep, path, fn).catch((e: unknown) => notReadable(e, path, fn));
  return { image, nativeHeight, nativeWidth };
}

/** Colour space, depth and raw output; 16-bit samples become 8-bit as round(v / 257). */
async function finish(pipeline: SharpPipeline, gray: boolean, deep: boolean, path: string, fn: string): Promise<LoadedImage> {
  const space = gray ? (deep ? 'grey16' : 'b-w') : deep ? 'rgb16' : 'srgb';
  const { data, info } = await pipeline
    .toColourspace(space)
    .raw({ depth: deep ? 'ushort' : 'uchar' })
    .toBuffer({ resolveWithObject: true });
  const channels = gray ? 1 : 3;
  const count = info.width * info.height * channels;
  if (info.channels !== channels || data.length !== count * (deep ? 2 : 1)) {
    throw new DatasetError(
      `${fn}: ${path} decoded to ${info.channels} channels and ${data.length} bytes, expected ${channels} channels`,
      path,
    );
  }
  let pixels: Uint8Array;
  if (deep) {
    pixels = new Uint8Array(count);
    for (let i = 0; i < count; i++) pixels[i] = Math.round(data.readUInt16LE(i * 2) / 257);
  } else {
    pixels = new Uint8Array(data.buffer, data.byteOffset, data.length);
  }
  return { data: pixels, width: info.width, height: info.height, channels };
}

/** Decodes a mask at native size into one channel (brightest channel of colour masks). */
export async function decodeMaskFile(
  path: string,
  fn: string,
  maxPixels: number,
): Promise<{ data: Uint8Array; height: number; width: number }> {
  const { image } = await decodeImageFile(path, null, fn, maxPixels);
  if (image.channels === 1) return { data: image.data, height: image.height, width: image.width };
  const n = image.width * image.height;
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.max(image.data[i * 3]!, image.data[i * 3 + 1]!, image.data[i * 3 + 2]!);
  return { data, height: image.height, width: image.width };
}

/** Resizes a native mask (area average) when `size` differs and binarises it: ≥ 128 → 255, else 0. */
export function resizeMask(data: Uint8Array, height: number, width: number, size: [number, number] | null): Uint8Array {
  const resized = size && (size[0] !== height || size[1] !== width) ? resizeBox(data, height, width, size[0], size[1]) : data;
  const out = resized === data ? new Uint8Array(data.length) : resized;
  for (let i = 0; i < out.length; i++) out[i] = resized[i]! >= 128 ? 255 : 0;
  return out;
}
