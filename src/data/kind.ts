import type { Rng } from '../math/random';
import type { FloatImage } from './canvas';

/**
 * How a synthetic kind plugs into the generator. A kind is created once per category from the category
 * seed (its "product": palette, pattern scale, object shape), then renders each sample from that
 * sample's own rng. Rendering is split so the clean and the defective version of one sample can both
 * be produced: `render` draws the normal sample, and the returned `defect` draws a defect into a copy.
 */
export interface KindDefinition {
  /** The kind's name (`'carpet'`, `'pill'`, …). */
  readonly name: string;
  /** 3 for RGB kinds, 1 for grayscale kinds. */
  readonly channels: 1 | 3;
  /** `'texture'` (defects anywhere) or `'object'` (one aligned object on a background). */
  readonly category: 'texture' | 'object';
  /** The defect folders this kind produces, in a fixed order. */
  readonly defectTypes: readonly string[];
  /** Standard deviation of the additive sensor noise, in intensity units ([0, 1] scale). */
  readonly sensorNoise: number;
  /** Global brightness jitter between samples (relative, ±). */
  readonly lightingJitter: number;
  /** The category-level renderer for images of `height × width` pixels. */
  create(rng: Rng, height: number, width: number): KindRenderer;
}

/** Renders the samples of one category. */
export interface KindRenderer {
  /** Draws one normal sample (before lighting and sensor noise). */
  render(rng: Rng): RenderedSample;
}

/** One rendered normal sample and a way to draw a defect into a copy of it. */
export interface RenderedSample {
  /** The clean render, `[height, width, channels]` in [0, 1]. Never modified by `defect`. */
  readonly image: FloatImage;
  /**
   * A new image: the clean render with one defect of `defectType` drawn from `rng`. `severity` multiplies
   * the defect's size (1: the default range; > 1 larger, < 1 smaller).
   */
  defect(defectType: string, rng: Rng, severity: number): FloatImage;
}
