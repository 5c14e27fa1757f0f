// Public surface of src/detector: the AnomalyDetector API and CutPasteDetector.
export { CutPasteDetector } from './CutPasteDetector';
export { FeatureDensityDetector, type FeatureDensityFitReport, type FeaturePlan } from './featureDensity/FeatureDensityDetector';
export {
  FEATURE_DENSITY_OPTION_SCHEMA,
  resolveFeatureDensityOptions,
  type FeatureDensityOptions,
  type ResolvedFeatureDensityOptions,
} from './featureDensity/options';
export { DetectorCore, type FitContext, type FittedModel, type FittedResult, type ModelInputSpec } from './DetectorCore';
export {
  createDetector,
  detectorFor,
  detectorKinds,
  loadDetector,
  registerDetector,
  type DetectorEntry,
  type DetectorLoadOptions,
} from './registry';
export type { Featurizer } from './featurizer';
export { CUTPASTE_OPTION_SCHEMA } from './cutPasteOptionTable';
export type { CutPasteModel } from './CutPasteDetector';
export type { ScoringSettings, ScoringState } from './scoring';
export type { EncoderSource, FeatureEncoderSpec } from './featureDensity/options';
export type { FeatureDensityLoadOptions } from './featureDensity/persistence';
export {
  ALIGNMENT_THRESHOLD,
  DETECTOR_PRESETS,
  resolveCutPasteOptions,
  type CutPasteOptions,
  type DetectorPreset,
  type PretrainedEncoderSpec,
  type ResolvedCutPasteOptions,
} from './options';
export { DETECTOR_FORMAT, DETECTOR_FORMAT_VERSION, type DetectorDocument, type LoadOptions } from './persistence';
export type { DetectorDensityJSON } from './densityStage';
export type { DensityCandidate, DensityChoice } from './densityChoice';
export type {
  ColourScorer,
  Companion,
  CompanionFusion,
  CompanionJSON,
  FeatureDensityScorer,
  FusedScorer,
  ScoreStatistics,
} from './companion';
export { POSE_RULE, type PoseReport, type PoseStage } from './poseStage';
export type { Networks, NetworksConfig } from './networks';
export { toModelInput, type ImageInput, type ImagesInput, type ModelInput, type RawImage } from './input';
export type { PatchLayout } from './embedding';
export type { Threshold } from './thresholds';
export type {
  AnomalyDetector,
  DetectorFitReport,
  Evaluation,
  FitOptions,
  FitProgress,
  FitReport,
  Prediction,
  ScoreMap,
  TestSet,
} from './types';
