// The public types, as a consumer of `cutpaste` and `cutpaste/node` sees them. Checked by `tsc --noEmit`
// (tsconfig includes test/; the package names resolve to src/ through its `paths`); at run time every
// assertion is a no-op and nothing is imported (type-only imports), so this runs once, in the math
// project. A `@ts-expect-error` line fails `tsc` when the call it marks stops being an error.
import type * as tf from '@tensorflow/tfjs-core';
import { describe, expectTypeOf, it } from 'vitest';
import type {
  AnomalyDetector,
  ColormapName,
  CutPasteDetector,
  CutPasteOptions,
  DetectorPreset,
  Evaluation,
  FitOptions,
  FitProgress,
  FitReport,
  GaussianDensity,
  GaussianDensityOptions,
  HeatmapOptions,
  ImagesInput,
  Prediction,
  RawImage,
  renderHeatmap,
  ResolvedCutPasteOptions,
  RgbImage,
  rocAuc,
  ScoreMap,
  TestSet,
  Threshold,
} from 'cutpaste';
import type { PretextVariant } from 'cutpaste/advanced';
import type {
  fileSystemHandler,
  ImageBatch,
  ImageDataset,
  LoadedImage,
  loadImageFolder,
  loadMvtecCategory,
  LoadImagesOptions,
  renderHeatmap as nodeRenderHeatmap,
  writeHeatmap,
} from 'cutpaste/node';

type Create = typeof CutPasteDetector.create;
type Load = typeof CutPasteDetector.load;

describe('CutPasteDetector types', () => {
  it('creates and loads detectors asynchronously, from optional options', () => {
    expectTypeOf<Create>().parameters.toEqualTypeOf<[options?: CutPasteOptions]>();
    expectTypeOf<Create>().returns.toEqualTypeOf<Promise<CutPasteDetector>>();
    expectTypeOf<Load>().parameter(0).toEqualTypeOf<string | tf.io.IOHandler>();
    expectTypeOf<Load>().returns.toEqualTypeOf<Promise<CutPasteDetector>>();
    expectTypeOf<ReturnType<typeof fileSystemHandler>>().toExtend<Parameters<Load>[0]>();
    expectTypeOf<Create>().toBeCallableWith({ preset: 'paper', mode: 'patch', imageSize: [256, 320], variant: 'scar', seed: 'run-1' });
    // @ts-expect-error an options object, not a preset name
    expectTypeOf<Create>().toBeCallableWith('fast');
    // @ts-expect-error presets are 'fast' and 'paper'
    expectTypeOf<Create>().toBeCallableWith({ preset: 'slow' });
    // @ts-expect-error modes are 'image' and 'patch'
    expectTypeOf<Create>().toBeCallableWith({ mode: 'pixel' });
    // @ts-expect-error unknown option (the option is `stride`)
    expectTypeOf<Create>().toBeCallableWith({ strides: 4 });
    // @ts-expect-error imageSize is a side or a [height, width] pair
    expectTypeOf<Create>().toBeCallableWith({ imageSize: [256, 256, 3] });
  });

  it('implements AnomalyDetector with typed results for fit, score, scoreMaps, predict and evaluate', () => {
    expectTypeOf<CutPasteDetector>().toExtend<AnomalyDetector>();
    expectTypeOf<CutPasteDetector['fit']>().parameters.toEqualTypeOf<[images: ImagesInput, options?: FitOptions]>();
    expectTypeOf<CutPasteDetector['fit']>().returns.toEqualTypeOf<Promise<FitReport>>();
    expectTypeOf<CutPasteDetector['score']>().returns.toEqualTypeOf<Promise<Float32Array>>();
    expectTypeOf<CutPasteDetector['scoreMaps']>().returns.toEqualTypeOf<Promise<ScoreMap[]>>();
    expectTypeOf<CutPasteDetector['predict']>().returns.toEqualTypeOf<Promise<Prediction[]>>();
    expectTypeOf<CutPasteDetector['evaluate']>().parameter(0).toEqualTypeOf<TestSet | AsyncIterable<TestSet>>();
    expectTypeOf<CutPasteDetector['evaluate']>().returns.toEqualTypeOf<Promise<Evaluation>>();
    expectTypeOf<CutPasteDetector['threshold']>().toEqualTypeOf<Threshold | undefined>();
    expectTypeOf<CutPasteDetector['options']>().toEqualTypeOf<ResolvedCutPasteOptions>();
    expectTypeOf<CutPasteDetector['calibrateWithLabels']>().toBeCallableWith([{ data: new Uint8Array(12), width: 2, height: 2 }], [true]);
    // @ts-expect-error setThreshold takes a number
    expectTypeOf<CutPasteDetector['setThreshold']>().toBeCallableWith('high');
    // @ts-expect-error calibrateWithLabels needs the labels
    expectTypeOf<CutPasteDetector['calibrateWithLabels']>().toBeCallableWith([]);
    // @ts-expect-error images are a Tensor4D or an array of images, not one RawImage
    expectTypeOf<CutPasteDetector['score']>().toBeCallableWith({ data: new Uint8Array(12), width: 2, height: 2 });
  });

  it('describes results: ScoreMap, FitReport, Prediction, Evaluation, Threshold and FitProgress', () => {
    expectTypeOf<ScoreMap>().toEqualTypeOf<{ data: Float32Array; height: number; width: number; threshold?: number }>();
    expectTypeOf<FitReport>().toEqualTypeOf<{
      steps: number;
      finalLoss: number;
      pretextAccuracy: number;
      heldOutPretext?: { accuracy: number; visibleAccuracy: number; visibleFraction: number; samples: number; nearChance: boolean };
      seconds: number;
      trainSeconds: number;
      imagesPerSecond: number;
      workers: number;
      workersNote?: string;
      companion?: {
        density?: string;
        densityChoice?: FitReport['densityChoice'];
        own: { mean: number; sd: number };
        other?: { mean: number; sd: number };
        colour?: { density: string; densityChoice?: FitReport['densityChoice']; stats: { mean: number; sd: number } };
      };
      objectPose?: {
        aligned: boolean;
        decidedBy: 'option' | 'poses';
        found: number;
        elongation: number;
        angleSpread: number;
        shift: number;
        size: number;
        radius?: number;
      };
      images: number;
      density: string;
      alignment?: number;
      densityChoice?: {
        kind: 'shared' | 'per-location';
        l2Normalize?: boolean;
        auroc: { shared: number; perLocation: number };
        candidates?: { kind: 'shared' | 'per-location'; l2Normalize: boolean; auroc: number }[];
        probes: number;
        standardError?: number;
        decidedBy?: 'validation' | 'alignment';
      };
    }>();
    expectTypeOf<Prediction>().toEqualTypeOf<{ score: number; normalizedScore: number; isAnomalous: boolean; map?: ScoreMap }>();
    expectTypeOf<Evaluation['pixelAuroc']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<Evaluation['f1Max']>().toEqualTypeOf<{ threshold: number; f1: number; precision: number; recall: number }>();
    expectTypeOf<Threshold['method']>().toEqualTypeOf<'fit' | 'quantile' | 'f1-max' | 'manual'>();
    expectTypeOf<FitProgress['stage']>().toEqualTypeOf<'train' | 'embed' | 'density'>();
    expectTypeOf<Extract<FitProgress, { stage: 'embed' }>>().toEqualTypeOf<{ stage: 'embed'; done: number; total: number }>();
  });
});

describe('CutPasteOptions types', () => {
  it('types preset, mode, variant and the other choices as literal unions', () => {
    expectTypeOf<DetectorPreset>().toEqualTypeOf<'fast' | 'paper'>();
    expectTypeOf<CutPasteOptions['preset']>().toEqualTypeOf<'fast' | 'paper' | undefined>();
    expectTypeOf<CutPasteOptions['mode']>().toEqualTypeOf<'image' | 'patch' | undefined>();
    expectTypeOf<PretextVariant>().toEqualTypeOf<'binary' | 'scar' | '3way' | 'union'>();
    expectTypeOf<CutPasteOptions['variant']>().toEqualTypeOf<PretextVariant | undefined>();
    expectTypeOf<CutPasteOptions['perLocation']>().toEqualTypeOf<boolean | 'auto' | undefined>();
    expectTypeOf<CutPasteOptions['shrinkage']>().toEqualTypeOf<'ledoit-wolf' | number | undefined>();
    expectTypeOf<CutPasteOptions['imageSize']>().toEqualTypeOf<number | readonly [number, number] | undefined>();
    expectTypeOf<CutPasteOptions['seed']>().toEqualTypeOf<number | string | undefined>();
  });

  it('resolves every option to a required, read-only field', () => {
    expectTypeOf<ResolvedCutPasteOptions['preset']>().toEqualTypeOf<DetectorPreset>();
    expectTypeOf<ResolvedCutPasteOptions['imageSize']>().toEqualTypeOf<readonly [number, number]>();
    expectTypeOf<keyof ResolvedCutPasteOptions>().toEqualTypeOf<keyof CutPasteOptions>();
    expectTypeOf<ResolvedCutPasteOptions>().toExtend<Required<Readonly<Omit<CutPasteOptions, 'imageSize'>>>>();
  });
});

describe('math and density types', () => {
  it('types rocAuc and GaussianDensity', () => {
    expectTypeOf<typeof rocAuc>().toEqualTypeOf<(scores: ArrayLike<number>, labels: ArrayLike<number | boolean>) => number>();
    expectTypeOf<typeof rocAuc>().toBeCallableWith(new Float32Array(2), [0, 1]);
    // @ts-expect-error labels are numbers or booleans
    expectTypeOf<typeof rocAuc>().toBeCallableWith([0.1, 0.9], ['good', 'bad']);
    expectTypeOf<typeof GaussianDensity.fit>().toEqualTypeOf<
      (rows: readonly ArrayLike<number>[], options?: GaussianDensityOptions) => GaussianDensity
    >();
    expectTypeOf<typeof GaussianDensity.fromJSON>().returns.toEqualTypeOf<GaussianDensity>();
    expectTypeOf<GaussianDensity['score']>().toEqualTypeOf<(rows: readonly ArrayLike<number>[]) => Float64Array>();
    expectTypeOf<GaussianDensity['mean']>().toEqualTypeOf<Float64Array>();
    expectTypeOf<GaussianDensityOptions['shrinkage']>().toEqualTypeOf<'ledoit-wolf' | number | undefined>();
    // @ts-expect-error shrinkage is 'ledoit-wolf' or a number
    expectTypeOf<typeof GaussianDensity.fit>().toBeCallableWith([[1, 2]], { shrinkage: 'oas' });
  });
});

describe('heatmap types', () => {
  it('renders a ScoreMap over a RawImage from the browser-safe entry, the same function cutpaste/node re-exports', () => {
    expectTypeOf<typeof renderHeatmap>().toBeCallableWith(
      { data: new Uint8Array(12), width: 2, height: 2 },
      { data: new Float32Array(4), width: 2, height: 2 },
    );
    expectTypeOf<ScoreMap>().toExtend<Parameters<typeof renderHeatmap>[1]>();
    expectTypeOf<ReturnType<typeof renderHeatmap>>().toEqualTypeOf<RgbImage>();
    expectTypeOf<HeatmapOptions['colormap']>().toEqualTypeOf<ColormapName | undefined>();
    expectTypeOf<typeof nodeRenderHeatmap>().toEqualTypeOf<typeof renderHeatmap>();
    expectTypeOf<typeof renderHeatmap>().toBeCallableWith(
      { data: new Uint8Array(4), width: 2, height: 2 },
      { data: [0, 1, 2, 3], width: 2, height: 2 },
      // @ts-expect-error the colour maps are 'jet', 'turbo' and 'inferno'
      { colormap: 'viridis' },
    );
  });
});

describe('cutpaste/node types', () => {
  it('types the dataset loaders, whose images go straight into fit and evaluate', () => {
    expectTypeOf<typeof loadMvtecCategory>().parameters.toEqualTypeOf<[dir: string, options?: LoadImagesOptions]>();
    expectTypeOf<typeof loadMvtecCategory>().returns.toEqualTypeOf<Promise<ImageDataset>>();
    expectTypeOf<typeof loadImageFolder>().returns.toEqualTypeOf<Promise<ImageDataset>>();
    expectTypeOf<ImageDataset['loadTrain']>().returns.toEqualTypeOf<Promise<LoadedImage[]>>();
    expectTypeOf<ImageDataset['testBatches']>().returns.toEqualTypeOf<AsyncIterable<ImageBatch>>();
    expectTypeOf<LoadedImage>().toExtend<RawImage>();
    expectTypeOf<LoadedImage[]>().toExtend<ImagesInput>();
    expectTypeOf<ImageBatch>().toExtend<TestSet>();
    expectTypeOf<typeof writeHeatmap>().parameter(2).toExtend<{ data: ArrayLike<number>; height: number; width: number }>();
    expectTypeOf<ScoreMap>().toExtend<Parameters<typeof writeHeatmap>[2]>();
    // @ts-expect-error channels are 1 or 3
    expectTypeOf<typeof loadMvtecCategory>().toBeCallableWith('mvtec/bottle', { channels: 2 });
    // @ts-expect-error the category folder is a path string
    expectTypeOf<typeof loadMvtecCategory>().toBeCallableWith(new URL('file:///mvtec/bottle'));
  });
});
