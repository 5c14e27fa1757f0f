/**
 * Images in the example: files and synthetic samples as the library's `RawImage` (RGBA or RGB bytes,
 * any size), and `RawImage`s drawn on canvases.
 */
import { type RawImage } from 'cutpaste';
import { synthesizeCategory } from 'cutpaste/synthetic';

/** An image the page holds: its pixels and a name to show. */
export interface NamedImage {
  name: string;
  image: RawImage;
}

/** Decodes an image file (PNG, JPEG, WebP, …) to RGBA bytes at its own size. */
export async function readImageFile(file: File): Promise<NamedImage> {
  const bitmap = await createImageBitmap(file);
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const { data, width, height } = context.getImageData(0, 0, canvas.width, canvas.height);
  return { name: file.name, image: { data, width, height, channels: 4 } };
}

/**
 * Synthetic pills (the library's generator): `train` normal images and `test` test images, half of
 * them with a defect, `size` px square.
 */
export function syntheticPills(train: number, test: number, size: number): { train: NamedImage[]; test: NamedImage[] } {
  const data = synthesizeCategory({ kind: 'pill', seed: 7, trainCount: train, testCount: test, imageSize: size, difficulty: 0.3 });
  const toRaw = (i: { data: Uint8Array; width: number; height: number; channels: 1 | 3 }): RawImage => ({ ...i });
  return {
    train: data.train.map((image, i) => ({ name: `pill-${String(i).padStart(2, '0')}.png`, image: toRaw(image) })),
    test: data.test.map((s, i) => ({ name: `${s.defectType}-${i}.png`, image: toRaw(s.image) })),
  };
}

/** RGBA bytes of a `RawImage` (gray and RGB expanded, floats in [0, 1] scaled to 0–255). */
export function toRgba(image: RawImage): Uint8ClampedArray<ArrayBuffer> {
  const { width, height } = image;
  const channels = image.channels ?? image.data.length / (width * height);
  const scale = image.data instanceof Float32Array ? 255 : 1;
  const out = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) out[p * 4 + c] = image.data[p * channels + (channels === 1 ? 0 : c)]! * scale;
    out[p * 4 + 3] = 255;
  }
  return out;
}

/** A canvas showing `image` at its own size (CSS scales it). */
export function imageCanvas(image: RawImage, className = ''): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  canvas.className = className;
  canvas.getContext('2d')!.putImageData(new ImageData(toRgba(image), image.width, image.height), 0, 0);
  return canvas;
}
