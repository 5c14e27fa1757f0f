import type { Rng } from '../math/random';
import type { Alpha, FloatImage } from './canvas';

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
  /** `'texture'` (defects anywhere) or `'object'` (one object on a background, aligned unless its doc says otherwise). */
  readonly category: 'texture' | 'object';
  /** The size used when no `imageSize` is given, `[height, width]` in pixels. Default 256 × 256. */
  readonly defaultSize?: readonly [number, number];
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
   * the defect's size (1: the default range; > 1 larger, < 1 smaller). A {@link DrawnDefect} when the
   * ground truth covers more than the pixels that changed.
   */
  defect(defectType: string, rng: Rng, severity: number): FloatImage | DrawnDefect;
}

/**
 * A defect whose ground truth is more than its changed pixels: a misplaced part is marked where it should
 * be and where it is (as MVTec AD does), even where both look alike.
 */
export interface DrawnDefect {
  readonly image: FloatImage;
  /** `[height, width]` coverage in [0, 1]; pixels at ≥ 0.5 belong to the defect whether they changed or not. */
  readonly region: Alpha;
}
