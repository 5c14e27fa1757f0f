import type { Rng } from '../math/random';
import type { FloatImage } from './canvas';
import { fillGaussian } from './noise';

/** Settings of {@link capture}. */
export interface CaptureSettings {
  /** Sensor noise standard deviation in intensity units ([0, 1] scale). */
  readonly sensorNoise: number;
  /** Global brightness jitter (relative, ±). */
  readonly lightingJitter: number;
}

/**
 * Simulates the camera on a rendered scene: a global gain (±`lightingJitter`), a gentle linear
 * illumination gradient (±4 % across the image), a per-channel white-balance drift (±1.5 %, RGB only)
 * and additive Gaussian sensor noise. Returns a new image; all draws come from `rng`, so the clean and
 * the defective render of one sample get exactly the same lighting and noise.
 *
 * @example
 * const shot = capture(render, createRng('s/post'), { sensorNoise: 0.008, lightingJitter: 0.06 });
 */
export function capture(image: FloatImage, rng: Rng, settings: CaptureSettings): FloatImage {
  const { height, width, channels } = image;
  const gain = 1 + settings.lightingJitter * (2 * rng() - 1);
  const gx = 0.08 * (rng() - 0.5);
  const gy = 0.08 * (rng() - 0.5);
  const balance = [1, 1, 1].map(() => (channels === 3 ? 1 + 0.03 * (rng() - 0.5) : 1));
  const noise = fillGaussian(rng, new Float32Array(image.data.length), settings.sensorNoise);
  const src = image.data;
  const out = new Float32Array(src.length);
  for (let y = 0; y < height; y++) {
    const fy = gy * (y / Math.max(1, height - 1) - 0.5);
    for (let x = 0; x < width; x++) {
      const f = gain * (1 + fy + gx * (x / Math.max(1, width - 1) - 0.5));
      const i = (y * width + x) * channels;
      for (let c = 0; c < channels; c++) out[i + c] = src[i + c]! * f * balance[c]! + noise[i + c]!;
    }
  }
  return { data: out, height, width, channels };
}
