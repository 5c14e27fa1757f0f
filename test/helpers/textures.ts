import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../../src/math/random';

/**
 * Small generated normal images for tests: oriented sinusoidal stripes with a random phase, slight
 * orientation and contrast jitter and pixel noise, `[count, height, width, channels]` in [0, 1].
 */
export function stripeImages(count: number, height: number, width: number, channels: 1 | 3, seed: number): tf.Tensor4D {
  const rng = createRng(seed);
  const data = new Float32Array(count * height * width * channels);
  for (let n = 0; n < count; n++) {
    const phase = rng() * Math.PI * 2;
    const angle = 0.35 + (rng() - 0.5) * 0.1;
    const period = 6 + rng();
    const contrast = 0.35 + rng() * 0.05;
    const tint = [0.9 + rng() * 0.1, 0.7 + rng() * 0.1, 0.5 + rng() * 0.1];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const t = (x * Math.cos(angle) + y * Math.sin(angle)) / period;
        const v = 0.5 + contrast * Math.sin(2 * Math.PI * t + phase) + (rng() - 0.5) * 0.04;
        for (let c = 0; c < channels; c++) {
          data[((n * height + y) * width + x) * channels + c] = Math.min(1, Math.max(0, v * (channels === 3 ? tint[c]! : 1)));
        }
      }
    }
  }
  return tf.tensor4d(data, [count, height, width, channels]);
}

/** A defective test set made from `stripeImages`: each image gets one defect (blob, scratch or hole) with its mask. */
export function defectImages(
  count: number,
  height: number,
  width: number,
  channels: 1 | 3,
  seed: number,
): { images: tf.Tensor4D; masks: Uint8Array[] } {
  const base = stripeImages(count, height, width, channels, seed);
  const data = base.dataSync().slice() as Float32Array;
  base.dispose();
  const rng = createRng(seed + 1000);
  const masks: Uint8Array[] = [];
  for (let n = 0; n < count; n++) {
    const mask = new Uint8Array(height * width);
    const kind = n % 3;
    const cy = Math.floor(height * (0.25 + 0.5 * rng()));
    const cx = Math.floor(width * (0.25 + 0.5 * rng()));
    const r = Math.max(3, Math.round(Math.min(height, width) * (0.07 + 0.05 * rng())));
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let inside = false;
        if (kind === 0) inside = (y - cy) ** 2 + (x - cx) ** 2 <= r * r; // blob
        if (kind === 1) inside = Math.abs(y - cy - 0.8 * (x - cx)) <= 1.2 && Math.abs(x - cx) <= 2.5 * r; // scratch
        if (kind === 2) inside = Math.abs(y - cy) <= r * 0.7 && Math.abs(x - cx) <= r * 0.7; // hole
        if (!inside) continue;
        mask[y * width + x] = 255;
        for (let c = 0; c < channels; c++) {
          const i = ((n * height + y) * width + x) * channels + c;
          data[i] = kind === 0 ? 0.95 : kind === 1 ? 0.05 : 0.5 * data[i]! + 0.02;
        }
      }
    }
    masks.push(mask);
  }
  return { images: tf.tensor4d(data, [count, height, width, channels]), masks };
}

/**
 * Aligned "pill" objects for tests: a shaded disc with a printed bar, centred ±1 px, on a plain noisy
 * background. With `defects`, each image gets a missing piece, a stain or a scratch on the object,
 * with its mask (0/255); otherwise masks are all zero.
 */
export function objectImages(
  count: number,
  height: number,
  width: number,
  seed: number,
  defects = false,
): { images: tf.Tensor4D; masks: Uint8Array[] } {
  const rng = createRng(seed);
  const data = new Float32Array(count * height * width * 3);
  const masks: Uint8Array[] = [];
  const radius = Math.min(height, width) * 0.36;
  for (let n = 0; n < count; n++) {
    const cy = height / 2 + Math.round(rng() * 2 - 1);
    const cx = width / 2 + Math.round(rng() * 2 - 1);
    const tone = 0.75 + rng() * 0.05;
    const mask = new Uint8Array(height * width);
    const kind = n % 3;
    const angle = rng() * Math.PI * 2;
    const dy = Math.sin(angle) * radius * 0.75;
    const dx = Math.cos(angle) * radius * 0.75;
    const size = radius * (0.3 + 0.15 * rng());
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const r = Math.hypot(y - cy, x - cx);
        let rgb = [0.15, 0.17, 0.2];
        if (r <= radius) {
          const shade = tone - 0.15 * (r / radius) ** 2;
          rgb = [shade, shade * 0.9, shade * 0.6];
          if (Math.abs(y - cy) <= 1 && Math.abs(x - cx) <= radius * 0.5) rgb = [0.3, 0.1, 0.1]; // printed bar
        }
        if (defects && r <= radius) {
          const py = y - (cy + dy);
          const px = x - (cx + dx);
          let hit = false;
          if (kind === 0 && Math.hypot(py, px) <= size) {
            hit = true;
            rgb = [0.15, 0.17, 0.2];
          } // missing piece
          if (kind === 1 && Math.hypot(py, px) <= size * 0.8) {
            hit = true;
            rgb = rgb.map((v) => v * 0.55);
          } // stain
          if (kind === 2 && Math.abs(py - 0.5 * px) <= 1 && Math.abs(px) <= size * 1.5) {
            hit = true;
            rgb = [0.95, 0.95, 0.95];
          } // scratch
          if (hit) mask[y * width + x] = 255;
        }
        const noise = (rng() - 0.5) * 0.03;
        for (let c = 0; c < 3; c++) data[((n * height + y) * width + x) * 3 + c] = Math.min(1, Math.max(0, rgb[c]! + noise));
      }
    }
    masks.push(mask);
  }
  return { images: tf.tensor4d(data, [count, height, width, 3]), masks };
}
