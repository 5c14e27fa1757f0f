import * as tf from '@tensorflow/tfjs-core';
import { FormatError } from '../../errors';
import { createRng, shuffleInPlace } from '../../math/random';
import { pretrainedEncoder } from '../../models/pretrainedEncoder';
import { resnet, type ResNetEncoder } from '../../models/resnet';
import { resnetPreset } from '../../models/resnetPresets';
import type { Encoder } from '../../models/types';
import { optionError } from '../../math/optionSchema';
import { DetectorCore, type FitContext, type FittedModel, type FittedResult, type ModelInputSpec } from '../DetectorCore';
import { patchLayout } from '../embedding';
import { encoderFeaturizer, type Featurizer } from '../featurizer';
import { fitScoringStage } from '../scoringStage';
import type { ScoringState } from '../scoring';
import type { Threshold } from '../thresholds';
import type { DetectorFitReport } from '../types';
import { isEncoderSource, resolveFeatureDensityOptions, type FeatureDensityOptions, type ResolvedFeatureDensityOptions } from './options';
import { stageFeaturizer } from './stageFeaturizer';
import { loadFeatureDensityState, saveFeatureDensityState, type FeatureDensityLoadOptions } from './persistence';

/** What `FeatureDensityDetector.fit` reports: the common part and where the features came from. */
export interface FeatureDensityFitReport extends DetectorFitReport {
  /** The encoder's name (`resnet18-slim`, `patch32`, `pretrained:LayersModel`). */
  encoder: string;
  /** Feature dimensions at each grid location. */
  features: number;
  /** The feature grid, `[rows, cols]`. */
  grid: [number, number];
}

/** How the features are taken from the encoder, fixed at `create` (saved with the detector). */
export interface FeaturePlan {
  /** The encoder's stage maps (1-based stages), or `'map'` (its feature map), or `'patches'` (a dense patch grid). */
  readonly source: readonly number[] | 'map' | 'patches';
  /** Kept channels of the stacked maps, ascending; all when absent. */
  readonly channels?: readonly number[];
}

/**
 * Anomaly detection without training (PaDiM-style, Defard et al. 2021): embeds normal images with an
 * encoder — an untrained ResNet preset by default (random features: the honest baseline of what
 * CutPaste's training adds), a user's pretrained `LayersModel`/GraphModel, or a fitted
 * `CutPasteDetector`'s trained encoder — stacks the feature maps of one or more stages on one grid,
 * keeps a seeded random subset of `maxFeatures` dimensions, and fits the same Gaussian densities as
 * `CutPasteDetector` (one per grid location or one shared, chosen by validation with `'auto'`).
 * Scores, maps, thresholds, `evaluate`, save/load and the call discipline are the shared lifecycle's
 * (`DetectorCore`), exactly as `CutPasteDetector`'s.
 *
 * @example
 * const detector = await FeatureDensityDetector.create({ stages: [2, 3] });
 * await detector.fit(normalImages);
 * const [verdict] = await detector.predict([image]); // { score, normalizedScore, isAnomalous, map }
 */
export class FeatureDensityDetector extends DetectorCore<FeatureDensityModel, FeatureDensityFitReport> {
  readonly kind = 'feature-density';
  /** The resolved options. */
  readonly options: ResolvedFeatureDensityOptions;
  readonly #encoder: Encoder;
  readonly #plan: FeaturePlan;
  readonly #featurizer: Featurizer;

  private constructor(options: ResolvedFeatureDensityOptions, encoder: Encoder, plan: FeaturePlan) {
    super('FeatureDensityDetector', () => encoder.dispose());
    this.options = options;
    this.#encoder = encoder;
    this.#plan = plan;
    this.#featurizer = featurizerFor(encoder, plan, options);
  }

  /**
   * A new, unfitted detector (its encoder built, untrained or copied, and its feature grid fixed).
   * Invalid options throw an `OptionError` naming the option.
   */
  static async create(options: FeatureDensityOptions = {}): Promise<FeatureDensityDetector> {
    let resolved = resolveFeatureDensityOptions(options);
    const encoder = await buildEncoder(resolved);
    try {
      // A model with a fixed input size sets the image size unless the caller chose one.
      const fixed = encoder.inputSize;
      if (fixed && options.imageSize === undefined)
        resolved = resolveFeatureDensityOptions({ ...options, imageSize: [fixed[0], fixed[1]] });
      return new FeatureDensityDetector(resolved, encoder, planFor(encoder, resolved));
    } catch (error) {
      encoder.dispose();
      throw error;
    }
  }

  /**
   * Reads a detector written by `save` (see `CutPasteDetector.load` for the sources and the checks).
   * A detector made with a pretrained model needs it again: `load(source, { encoderModel })`.
   */
  static async load(source: string | tf.io.IOHandler, options: FeatureDensityLoadOptions = {}): Promise<FeatureDensityDetector> {
    const state = await loadFeatureDensityState(source, options);
    let detector: FeatureDensityDetector;
    try {
      detector = new FeatureDensityDetector(state.options, state.encoder, state.plan);
      checkDensityFits(state.density, detector.#featurizer);
    } catch (error) {
      state.encoder.dispose();
      throw error instanceof FormatError
        ? error
        : new FormatError(`FeatureDensityDetector.load: the save does not fit together: ${(error as Error).message}`);
    }
    detector.adopt(detector.#model(state.density), state.threshold, state.report);
    return detector;
  }

  /** How features are taken from the encoder: its stages or map, and the kept channels. */
  get featurePlan(): FeaturePlan {
    return this.#plan;
  }

  protected modelInput(): ModelInputSpec {
    return { imageSize: this.options.imageSize, channels: this.#encoder.inputChannels, batch: this.options.inferenceBatchSize };
  }

  /** No training: the shared scoring stage on the encoder's features. */
  protected async fitModel(images: tf.Tensor4D, context: FitContext): Promise<FittedResult<FeatureDensityModel, FeatureDensityFitReport>> {
    const stage = await fitScoringStage(this.#featurizer, images, this.options, context.progress);
    const grid = this.#featurizer.grid!;
    const report: Omit<FeatureDensityFitReport, 'seconds'> = {
      encoder: this.#encoder.name,
      features: this.#featurizer.dimension,
      grid: [grid.rows, grid.cols],
      ...stage.report,
    };
    return { model: this.#model(stage.state.density), report, outOfFold: stage.outOfFold };
  }

  /** Writes options, the feature plan, the encoder's weights (not a pretrained model's), the density, threshold and report. */
  protected writeModel(
    target: string | tf.io.IOHandler,
    model: FeatureDensityModel,
    threshold: Threshold | undefined,
    report: FeatureDensityFitReport | undefined,
  ): Promise<tf.io.SaveResult> {
    return saveFeatureDensityState(target, {
      options: this.options,
      encoder: this.#encoder,
      plan: this.#plan,
      density: model.scoring.density,
      threshold,
      report,
    });
  }

  /** A model of this detector's encoder and `density` (the encoder is the detector's: a model never frees it). */
  #model(density: ScoringState['density']): FeatureDensityModel {
    return { scoring: { featurizer: this.#featurizer, density, settings: this.options }, dispose: () => undefined };
  }
}

/** A fitted feature-density model: the shared scoring state (the encoder belongs to the detector). */
type FeatureDensityModel = FittedModel;

/** A loaded density must score what the featurizer produces: its dimension and, per location, its grid. */
function checkDensityFits(density: ScoringState['density'], featurizer: Featurizer): void {
  const grid = featurizer.grid!;
  if (density.dimension !== featurizer.dimension) {
    throw new FormatError(
      `FeatureDensityDetector.load: the density's dimension ${density.dimension} differs from the features' ${featurizer.dimension}`,
    );
  }
  if (density.locations !== undefined && density.locations !== grid.rows * grid.cols) {
    throw new FormatError(
      `FeatureDensityDetector.load: the density holds ${density.locations} locations but the feature grid has ${grid.rows}×${grid.cols}`,
    );
  }
}

async function buildEncoder(o: ResolvedFeatureDensityOptions): Promise<Encoder> {
  const spec = o.encoder;
  if (isEncoderSource(spec)) return spec.copyEncoder();
  if (typeof spec === 'string') return resnet(resnetPreset(spec), { seed: `${o.seed}/encoder` });
  if ('model' in spec) {
    const { model, ...rest } = spec;
    return pretrainedEncoder(model, rest);
  }
  return resnet(spec, { seed: `${o.seed}/encoder` });
}

const isResNet = (e: Encoder): e is ResNetEncoder => typeof (e as Partial<ResNetEncoder>).stageMaps === 'function';

/**
 * The feature plan of `encoder`: a `'same'`-padded ResNet stacks `stages`; a `'valid'`-padded one (a
 * patch encoder) gives a dense patch grid; any other encoder its feature map. Stacked channels above
 * `maxFeatures` are cut to a seeded random subset.
 */
export function planFor(encoder: Encoder, o: ResolvedFeatureDensityOptions): FeaturePlan {
  if (isResNet(encoder) && encoder.config.padding === 'valid') return { source: 'patches' };
  const source = isResNet(encoder) ? o.stages : 'map';
  if (isResNet(encoder)) {
    const most = encoder.config.blocks.length;
    if (o.stages.some((s) => s > most))
      throw optionError(
        'FeatureDensityDetector',
        'stages',
        o.stages,
        `stage numbers in [1, ${most}] (the encoder ${encoder.name} has ${most} stages)`,
      );
  }
  const stacked = isResNet(encoder) ? o.stages.reduce((n, s) => n + encoder.config.widths[s - 1]!, 0) : encoder.featureDim;
  if (stacked <= o.maxFeatures) return { source };
  const picked = shuffleInPlace(
    Array.from({ length: stacked }, (_, i) => i),
    createRng(`${o.seed}/features`),
  ).slice(0, o.maxFeatures);
  return { source, channels: Object.freeze(picked.sort((a, b) => a - b)) };
}

/** The featurizer a plan describes (the encoder must be the one the plan was made for). */
export function featurizerFor(encoder: Encoder, plan: FeaturePlan, o: ResolvedFeatureDensityOptions): Featurizer {
  const [height, width] = o.imageSize;
  const batch = o.inferenceBatchSize;
  if (plan.source === 'patches') {
    const size = (encoder as ResNetEncoder).receptiveField;
    return encoderFeaturizer(encoder, patchLayout(encoder, height, width, size, o.stride), batch);
  }
  const fixed = encoder.inputSize;
  if (fixed && (fixed[0] !== height || fixed[1] !== width)) {
    throw optionError('FeatureDensityDetector', 'imageSize', o.imageSize, `the pretrained model's input size [${fixed[0]}, ${fixed[1]}]`);
  }
  const stages = plan.source;
  const maps =
    stages === 'map'
      ? (x: tf.Tensor4D) => [encoder.featureMap(x, false)]
      : (x: tf.Tensor4D) => (encoder as ResNetEncoder).stageMaps(x, stages);
  const shapes = tf.tidy(() =>
    maps(tf.zeros([1, height, width, encoder.inputChannels])).map((m) => [m.shape[1], m.shape[2], m.shape[3]] as const),
  );
  const stacked = shapes.reduce((n, s) => n + s[2], 0);
  if (plan.channels?.some((c) => c >= stacked))
    throw new RangeError(`plan.channels index ${Math.max(...plan.channels)} is not below the ${stacked} stacked channels`);
  return stageFeaturizer(maps, {
    imageSize: o.imageSize,
    batch,
    shapes,
    ...(plan.channels ? { channels: Int32Array.from(plan.channels) } : {}),
  });
}
