/**
 * `cutpaste`: CutPaste (Li et al., CVPR 2021) anomaly detection and localisation on TensorFlow.js.
 *
 * Browser-safe entry: no Node built-ins. It holds what an application needs: the detectors and their
 * option and result types, the metrics, the Gaussian densities, the heatmap helpers and the errors
 * (test/package/exports.pure.test.ts keeps the list exact, at most 40 names). The building blocks
 * (augmentations, training, models, kernels, registries) are in `cutpaste/advanced`, the synthetic-data
 * generator in `cutpaste/synthetic`, the Node-only helpers in `cutpaste/node`.
 *
 * Floors, lowest first (a floor never imports a higher one): math → density, data, kernels → ops →
 * models → train → detector, heatmap. Importing this module registers gradient kernels for backends
 * that lack them (see `src/kernels`); it never selects a backend.
 */
import './kernels/index'; // registers the kernel fills
import './train/index'; // loads tfjs-layers, which registers the gradients training needs

// Detectors, their options and results.
export { CutPasteDetector, FeatureDensityDetector, loadDetector } from './detector/index';
export type { FeatureDensityOptions, FeatureDensityFitReport } from './detector/index';
export type { CutPasteOptions, DetectorPreset, ResolvedCutPasteOptions } from './detector/index';
export type {
  AnomalyDetector,
  DetectorFitReport,
  Evaluation,
  FitOptions,
  FitProgress,
  FitReport,
  ImagesInput,
  Prediction,
  RawImage,
  ScoreMap,
  TestSet,
  Threshold,
} from './detector/index';

// Metrics and densities.
export { auPro, f1Max, rocAuc, rocCurve, type AuProOptions, type F1Max } from './math/index';
export { GaussianDensity, LocationDensity, type GaussianDensityOptions } from './density/index';

// Heatmaps (pure: typed arrays in, an RGB image out).
export { applyColormap, renderHeatmap, type ColormapName, type HeatmapOptions, type RgbImage } from './heatmap/index';

// Errors and the version.
export { AbortError, FormatError, OptionError, StateError } from './errors';
export { NotPositiveDefiniteError } from './math/index';
export { VERSION } from './version';
