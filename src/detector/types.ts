import type * as tf from '@tensorflow/tfjs-core';
import type { PretextProbe } from '../train/pretextProbe';
import type { DensityChoice } from './densityChoice';
import type { PoseReport } from './poseStage';
import type { ImagesInput } from './input';
import type { Threshold } from './thresholds';

/** An anomaly score map at an image's own resolution, row-major; higher = more anomalous. */
export interface ScoreMap {
  data: Float32Array;
  height: number;
  width: number;
  /**
   * The detector's threshold, on maps from `predict`: `renderHeatmap` then centres its colours on it
   * (`[threshold / 2, 1.5 × threshold]`, the CLI's scale) without being told.
   */
  threshold?: number;
}

/** What every detector's `fit` reports: the common part (each detector adds its own fields). */
export interface DetectorFitReport {
  /** Wall-clock seconds of the whole fit. */
  seconds: number;
  /** Normal images the density was fitted on. */
  images: number;
  /** The density fitted, by its registered kind: built in, `'image'` (one GDE over image features), `'shared'` (one shared by every grid location) or `'per-location'`. */
  density: string;
  /** Grid features: the training features' location alignment (see `locationAlignment`); `perLocation: 'auto'` uses it below `CHOICE_MIN_IMAGES` images. */
  alignment?: number;
  /** Grid features with `perLocation: 'auto'` (≥ `CHOICE_MIN_IMAGES` images): how the density was chosen, by validation on synthetic defects. */
  densityChoice?: DensityChoice;
  /** Grid features with `alignObjects` true or `'auto'`: the training images' object poses and whether the images were aligned. */
  objectPose?: PoseReport;
}

/** What `CutPasteDetector.fit` reports: the common part and the pretext training's. */
export interface FitReport extends DetectorFitReport {
  /** Training steps run (stage 1). */
  steps: number;
  /** Mean pretext loss over the last 10% of steps. */
  finalLoss: number;
  /** Mean pretext accuracy over the last 10% of steps (on the training batches), in [0, 1]. */
  pretextAccuracy: number;
  /**
   * The pretext task on fresh batches after training (new crops and augmentations): accuracy, accuracy
   * on the copies that differ visibly, that fraction, and whether it stayed near chance.
   */
  heldOutPretext?: PretextProbe;
  /** Seconds spent in stage 1 training. */
  trainSeconds: number;
  /** Pretext images per second during training. */
  imagesPerSecond: number;
  /**
   * Gradient worker threads that helped train (`FitOptions.workers`; 0: the calling thread alone). Part
   * of what makes a fit reproducible (with the seed and the backend), so it is saved with the model;
   * absent from reports of models saved by cutpaste 0.1.0, before it was recorded.
   */
  workers: number;
  /** `workers: 'auto'` that used none: why (e.g. a pretrained encoder cannot be rebuilt in a worker). */
  workersNote?: string;
  /**
   * `fusion`: the mean and standard deviation of the detector's own out-of-fold training scores and of
   * each fused scorer's (its map is divided by that deviation). With `'feature-density'` the feature
   * density's density (and how `'auto'` chose it) and statistics (`other`); with `'colour'` the colour
   * scorer's (`colour`); `'feature-density+colour'` has both.
   */
  companion?: {
    density?: string;
    densityChoice?: DetectorFitReport['densityChoice'];
    own: { mean: number; sd: number };
    other?: { mean: number; sd: number };
    colour?: { density: string; densityChoice?: DetectorFitReport['densityChoice']; stats: { mean: number; sd: number } };
  };
}

/** Progress of `fit`: training steps, then the density stage. */
export type FitProgress =
  | ({ stage: 'train' } & import('../train/options').TrainProgress)
  | { stage: 'embed'; done: number; total: number }
  | { stage: 'density'; done: number; total: number };

/** Options of `fit`. */
export interface FitOptions {
  /** Called with training and density progress. */
  onProgress?: (progress: FitProgress) => void;
  /** Aborts the fit between steps; `fit` then throws `AbortError` and the detector stays unfitted. */
  signal?: AbortSignal;
  /**
   * Gradient worker threads helping to train (stage 1), see `TrainOptions.workers`. Default `'auto'`:
   * with `cutpaste/node` imported, on the wasm or cpu backend, with a ResNet encoder (not a pretrained
   * model) and at least `AUTO_WORKERS_MIN_STEPS` steps, one worker per spare core (at most 1); else none.
   * 0 = off (everything on the calling thread). The same seed and the same `workers` give the same
   * detector; different `workers` give slightly different ones (BatchNorm statistics are per thread).
   * `'auto'` depends on the machine (one core: none); pass a number for results that do not.
   */
  workers?: number | 'auto';
}

/** One verdict of `predict`. */
export interface Prediction {
  /** The anomaly score (squared Mahalanobis distance; see `CutPasteDetector.score`). */
  score: number;
  /** `score / threshold`: 1 at the decision boundary, above 1 anomalous; comparable across detectors and categories. */
  normalizedScore: number;
  /** `score >= threshold`. */
  isAnomalous: boolean;
  /** The score map, when the detector produces maps (patch mode, or `maps: true`). */
  map?: ScoreMap;
}

/** A labelled test set for `evaluate`. */
export interface TestSet {
  images: ImagesInput;
  /** 1 / true = defective, 0 / false = normal; one per image. */
  labels: ArrayLike<number | boolean>;
  /**
   * Ground-truth masks (row-major, > 0 = defect), one per image at that image's own resolution, or
   * `null` for an image without one (normal images: all zero). Needed for pixel AUROC and AUPRO.
   */
  masks?: readonly (ArrayLike<number> | null)[];
}

/** What `evaluate` returns. */
export interface Evaluation {
  /** ROC AUC of the image scores. */
  imageAuroc: number;
  /** ROC AUC over every pixel of every image (when masks were given). */
  pixelAuroc?: number;
  /** MVTec AD AUPRO up to FPR 0.3, normalised to [0, 1] (when masks were given). */
  auPro?: number;
  /** The F1-maximising image threshold on this set, with its F1, precision and recall. */
  f1Max: { threshold: number; f1: number; precision: number; recall: number };
  /** The image scores, in input order. */
  scores: Float32Array;
  /** Seconds spent scoring. */
  seconds: number;
}

/**
 * What every detector of this library offers. Fitted on normal images only, it scores new images
 * (higher = more anomalous), produces score maps that localise defects, and turns scores into
 * verdicts with a threshold.
 */
export interface AnomalyDetector {
  /** The detector's kind (`'cutpaste'`, `'feature-density'`): how the registry and saved documents name it. */
  readonly kind: string;
  /** Whether the detector has a model to score with. */
  readonly isFitted: boolean;
  /** The decision threshold and how it was set (`undefined` before `fit`). */
  readonly threshold: Threshold | undefined;
  /** The report of the last `fit` (kept through save/load). */
  readonly fitReport: DetectorFitReport | undefined;
  /** Learns normality from normal images. */
  fit(images: ImagesInput, options?: FitOptions): Promise<DetectorFitReport>;
  /** One score per image; a score never depends on the other images of the call. */
  score(images: ImagesInput): Promise<Float32Array>;
  /** One score map per image, at that image's own resolution. */
  scoreMaps(images: ImagesInput): Promise<ScoreMap[]>;
  /** Scores with verdicts from the detector's threshold. */
  predict(images: ImagesInput, options?: { maps?: boolean }): Promise<Prediction[]>;
  /** Sets the threshold to a quantile of held-out normal images' scores. */
  calibrate(normalImages: ImagesInput, options?: { quantile?: number }): Promise<Threshold>;
  /** Sets the F1-maximising threshold on labelled images. */
  calibrateWithLabels(images: ImagesInput, labels: ArrayLike<number | boolean>): Promise<Threshold>;
  /** Sets the threshold by hand. */
  setThreshold(value: number): void;
  /** Image AUROC, pixel AUROC and AUPRO on a labelled test set; changes nothing. */
  evaluate(testSet: TestSet | AsyncIterable<TestSet>): Promise<Evaluation>;
  /** Writes the whole detector to a tfjs IO handler or URL (`indexeddb://…`, `downloads://…`, `http(s)://…`). */
  save(target: string | tf.io.IOHandler): Promise<tf.io.SaveResult>;
  /** Frees every tensor the detector owns; later calls throw. */
  dispose(): void;
}
