/**
 * `cutpaste/advanced`: the building blocks under the detectors, for research and custom pipelines:
 * the augmentations (tensor ops and their pure pixel twins), the self-supervised trainer and its
 * parts, the ResNet builder and heads, the kernel fills, the registries (densities, gradient
 * workers), the covariance numerics, and the option resolvers and constants the detector uses.
 * Browser-safe, like `cutpaste`, with which it shares one copy of the code (test/package/exports.pure.test.ts
 * keeps the list exact; nothing here is also exported by `cutpaste`).
 */
export * from './kernels/index';
export * from './ops/index';
export * from './models/index';
export * from './train/index';

// Numerics (src/math) beyond the metrics of `cutpaste`.
export { createRng, type Rng } from './math/index';
export { ledoitWolf, ledoitWolfMatrix, type LedoitWolfEstimate } from './math/index';
export { empiricalCovarianceMatrix, shrunkCovariance, type CovarianceEstimate } from './math/index';
export { cholesky } from './math/index';
export { solveLower, solveLowerTransposed } from './math/index';
export type { RocCurve } from './math/index';
export { AUPRO_DEFAULT_FPR_LIMIT } from './math/index';
export { labelRegions, type Regions } from './math/index';
export { gaussianKernel1d, gaussianBlur, GAUSSIAN_TRUNCATE } from './math/index';
export { resizeBilinear } from './math/index';
export { spreadScores, type PatchGridGeometry } from './math/index';

// Densities: estimation, options, serialised forms and the registry.
export type { GaussianDensityJSON } from './density/index';
export type { LocationDensityArrays } from './density/index';
export { estimateGaussian, type GaussianEstimate } from './density/index';
export { GAUSSIAN_DENSITY_DEFAULTS, resolveGaussianDensityOptions } from './density/index';
export { locationAlignment } from './density/index';
export type { DensityEntry, DensityFitOptions, DensityJSON, FeatureDensity } from './density/index';
export { densityFor, densityKinds, registerDensity } from './density/index';

// Detectors: the shared lifecycle (for writing one), the registry, the options, the saved format and
// input conversion.
export {
  DetectorCore,
  createDetector,
  detectorFor,
  detectorKinds,
  registerDetector,
  FEATURE_DENSITY_OPTION_SCHEMA,
  resolveFeatureDensityOptions,
  type DetectorEntry,
  type DetectorLoadOptions,
  type FeaturePlan,
  type Featurizer,
  type FitContext,
  type FittedModel,
  type FittedResult,
  type ModelInputSpec,
  type ResolvedFeatureDensityOptions,
} from './detector/index';
export { ALIGNMENT_THRESHOLD, DETECTOR_PRESETS, resolveCutPasteOptions, type PretrainedEncoderSpec } from './detector/index';
export { CUTPASTE_OPTION_SCHEMA, type CutPasteModel, type Networks, type ScoringSettings, type ScoringState } from './detector/index';
export type { EncoderSource, FeatureDensityLoadOptions, FeatureEncoderSpec } from './detector/index';

// Option tables: the machinery every detector's options are declared with.
export {
  resolveOptions,
  type OptionCheck,
  type OptionGroup,
  type OptionRow,
  type OptionSchema,
  type SwitchFlag,
  type ValueFlag,
} from './math/optionSchema';
export { DETECTOR_FORMAT, DETECTOR_FORMAT_VERSION, type DetectorDocument, type LoadOptions } from './detector/index';
export type { DetectorDensityJSON } from './detector/index';
export type {
  ColourScorer,
  Companion,
  CompanionFusion,
  CompanionJSON,
  DensityCandidate,
  DensityChoice,
  FeatureDensityScorer,
  FusedScorer,
  ScoreStatistics,
} from './detector/index';
export { POSE_RULE, type PoseReport, type PoseStage } from './detector/index';
export type { NetworksConfig } from './detector/index';
export { toModelInput, type ImageInput, type ModelInput } from './detector/index';
export type { PatchLayout } from './detector/index';

// Heatmap parts.
export { colormapTable, type ColormapOptions } from './heatmap/index';
export type { ScoreGrid } from './heatmap/index';
