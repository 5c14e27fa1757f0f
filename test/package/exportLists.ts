/**
 * The public surface of the package, entry by entry: every name a consumer can import, values and
 * types. test/package/exports.pure.test.ts compares each entry's exports (read from the sources) with these
 * lists, and test/package/consumer.pure.test.ts the values of the packed tarball: a name added to an entry
 * fails both until it is added here, on purpose (a new public name is a decision: is it for every
 * user, `cutpaste`, or a building block, `cutpaste/advanced`?). `cutpaste` holds at most 40 names.
 */

/** `cutpaste`: the detectors and their types, the metrics, the densities, the heatmap helpers, the errors. */
export const ROOT = {
  values: [
    'AbortError', 'CutPasteDetector', 'FeatureDensityDetector', 'FormatError', 'GaussianDensity',
    'LocationDensity', 'NotPositiveDefiniteError', 'OptionError', 'StateError', 'VERSION', 'applyColormap',
    'auPro', 'f1Max', 'loadDetector', 'renderHeatmap', 'rocAuc', 'rocCurve',
  ],
  types: [
    'AnomalyDetector', 'AuProOptions', 'ColormapName', 'CutPasteOptions', 'DetectorFitReport',
    'DetectorPreset', 'Evaluation', 'F1Max', 'FeatureDensityFitReport', 'FeatureDensityOptions', 'FitOptions',
    'FitProgress', 'FitReport', 'GaussianDensityOptions', 'HeatmapOptions', 'ImagesInput', 'Prediction',
    'RawImage', 'ResolvedCutPasteOptions', 'RgbImage', 'ScoreMap', 'TestSet', 'Threshold',
  ],
};

/** `cutpaste/advanced`: the building blocks (augmentations, training, models, kernels, registries, numerics). */
export const ADVANCED = {
  values: [
    'ALIGNMENT_THRESHOLD', 'AUPRO_DEFAULT_FPR_LIMIT', 'CUTPASTE_OPTION_SCHEMA', 'PRETEXT_VARIANT_CLASSES', 'resolveOptions', 'DEFAULT_JITTER', 'DEFAULT_RECTANGLE', 'DEFAULT_SCAR',
    'DEFAULT_TRAIN_OPTIONS', 'DETECTOR_FORMAT', 'DETECTOR_FORMAT_VERSION', 'DETECTOR_PRESETS', 'DetectorCore',
    'FEATURE_DENSITY_OPTION_SCHEMA', 'GAUSSIAN_DENSITY_DEFAULTS', 'GAUSSIAN_TRUNCATE', 'GRAY_MEAN', 'GRAY_STD',
    'IMAGENET_MEAN', 'IMAGENET_STD', 'KERNEL_FILLS', 'KERNEL_OVERRIDES', 'MomentumSGD', 'PATCH_ENCODER_SIZES',
    'PRETEXT_VARIANTS', 'RESNET_PRESETS', 'cholesky', 'colorJitter', 'colorJitterPixels', 'colormapTable',
    'concatImages', 'cosineSchedule', 'createDetector', 'createPixelBatch', 'createRng', 'crossEntropy',
    'cutPaste', 'cutPastePixels', 'cutPastePixelsWithMask', 'cutPasteScar', 'cutPasteScarPixels',
    'cutPasteScarPixelsWithMask', 'cutPasteScarWithMask', 'cutPasteWithMask', 'cutout', 'cutoutPixels',
    'cutoutPixelsWithMask', 'cutoutWithMask', 'densityFor', 'densityKinds', 'detectorFor', 'detectorKinds',
    'empiricalCovarianceMatrix', 'encoderFor', 'encoderKinds', 'estimateGaussian', 'extractPatches',
    'gatherImages', 'gaussianBlur', 'gaussianKernel1d', 'gradientReplica', 'isKernelOverridden',
    'labelRegions', 'ledoitWolf', 'ledoitWolfMatrix', 'linearClassifier', 'locationAlignment',
    'makePretextBatch', 'patchEncoderConfig', 'pixelsFromTensor', 'prepareBackend', 'pretextClasses',
    'pretextCopies', 'pretextPixels', 'pretrainedEncoder', 'projectionHead', 'randomCrops',
    'randomCropsPixels', 'randomDihedralPixels', 'randomTranslate', 'randomTranslatePixels', 'registerDensity',
    'registerDetector', 'registerEncoder', 'registerGradientWorkerProvider', 'registerKernelFills',
    'registeredGradientWorkerProvider', 'resizeBilinear', 'resnet', 'resnetPreset', 'resolveCutPasteOptions',
    'resolveFeatureDensityOptions', 'resolveGaussianDensityOptions', 'resolveTrainOptions',
    'restoreBackendKernels', 'scar', 'scarPixels', 'scarPixelsWithMask', 'scarWithMask', 'shrunkCovariance',
    'solveLower', 'solveLowerTransposed', 'spreadScores', 'stepGradients', 'tensorFromPixels', 'toModelInput',
    'trainSelfSupervised', 'trainStep', 'useKernelOverrides',
  ],
  types: [
    'CutPasteModel', 'EncoderSource', 'FeatureDensityLoadOptions', 'FeatureEncoderSpec', 'OptionRow', 'OptionSchema', 'ScoringSettings', 'ScoringState',
    'AugmentResult', 'BatchNormSettings', 'ColorJitterOptions', 'ColorJitterPixelsOptions', 'ColormapOptions',
    'CovarianceEstimate', 'CutPasteAugmentOptions', 'CutPastePatch', 'CutPastePixelsOptions',
    'CutPasteScarOptions', 'CutPasteScarPatch', 'CutPasteScarPixelsOptions', 'CutoutOptions', 'CutoutPatch',
    'CutoutPixelsOptions', 'DensityChoice', 'DensityEntry', 'DensityFitOptions', 'DensityJSON',
    'DetectorDensityJSON', 'DetectorDocument', 'DetectorEntry', 'DetectorLoadOptions', 'Encoder',
    'EncoderConfig', 'EncoderEntry', 'FeatureDensity', 'FeaturePlan', 'Featurizer', 'FitContext',
    'FittedModel', 'FittedResult', 'GaussianDensityJSON', 'GaussianEstimate', 'GradientReplica',
    'GradientRequest', 'GradientResult', 'GradientSettings', 'GradientWorkerProvider', 'GradientWorkers',
    'GraphModelLike', 'Head', 'HeadOptions', 'ImageInput', 'ImageShape', 'JitterAmounts', 'JitterOption',
    'JitterParams', 'JitterStep', 'KernelFill', 'KernelOverride', 'LedoitWolfEstimate',
    'LinearClassifierConfig', 'LoadOptions', 'LocationDensityArrays', 'ModelInput', 'ModelInputSpec',
    'MomentumSGDOptions', 'NetworksConfig', 'PatchGrid', 'PatchGridGeometry', 'PatchLayout',
    'PixelAugmentResult', 'PixelBatch', 'PretextBatch', 'PretextModel', 'PretextOptions', 'PretextPixels',
    'PretextProbe', 'PretextVariant', 'PretrainedEncoderConfig', 'PretrainedEncoderOptions',
    'PretrainedEncoderSpec', 'PretrainedPreprocess', 'ProjectionHead', 'ProjectionHeadConfig',
    'RandomTranslateOptions', 'RandomTranslatePixelsOptions', 'Range', 'RectangleShape', 'Regions',
    'ReplicaSpec', 'ResNetConfig', 'ResNetEncoder', 'ResNetOptions', 'ResNetPresetName', 'ResNetStemConfig',
    'ResolvedFeatureDensityOptions', 'ResolvedResNetConfig', 'ResolvedTrainOptions', 'Rng', 'RocCurve',
    'ScarOptions', 'ScarPatch', 'ScarPixelsOptions', 'ScarShape', 'Schedule', 'ScoreGrid', 'StepGradients',
    'StepSettings', 'TrainOptions', 'TrainProgress', 'TrainReport', 'WeightArray',
  ],
};

/** `cutpaste/synthetic`: the procedural MVTec-like generator. */
export const SYNTHETIC = {
  values: [
    'MASK_EXTENT_THRESHOLD', 'MASK_THRESHOLD', 'SYNTHETIC_DEFAULTS', 'SYNTHETIC_SIZE_RANGE',
    'createSyntheticCategory', 'listSyntheticKinds', 'resolveSyntheticOptions', 'synthesizeCategory',
  ],
  types: [
    'ResolvedSyntheticOptions', 'SyntheticCategory', 'SyntheticCategoryOptions', 'SyntheticDataset',
    'SyntheticImage', 'SyntheticKind', 'SyntheticKindInfo', 'SyntheticTestEntry', 'SyntheticTestSample',
  ],
};

/** `cutpaste/node`: everything of `cutpaste`, plus these Node-only helpers. */
export const NODE_OWN = {
  values: [
    'DEFAULT_MAX_PIXELS', 'DatasetError', 'ImageTooLargeError', 'fileSystemHandler', 'generateSyntheticCategory',
    'loadImageFolder', 'loadMvtecCategory', 'readImage', 'readImageSize', 'readMask', 'renderReport', 'replaceableFolder',
    'threadedWasmThreads', 'useThreadedWasm', 'writeHeatmap', 'writeReport',
  ],
  types: [
    'BatchOptions', 'FileSystemIOHandler', 'GenerateSyntheticOptions', 'ImageBatch', 'ImageDataset',
    'ImageFolderOptions', 'ImageSample', 'ImageSize', 'LoadImagesOptions', 'LoadedImage', 'ReadImageOptions',
    'ReadMaskOptions', 'ReportData', 'ReportImage', 'ReportThreshold', 'SyntheticCategorySummary',
    'ThreadedWasmInfo', 'ThreadedWasmOptions', 'WriteReportOptions',
  ],
};
