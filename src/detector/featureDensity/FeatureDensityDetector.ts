import * as tf from '@tensorflow/tfjs-core';
import { FormatError } from '../../errors';
import { pretrainedEncoder } from '../../models/pretrainedEncoder';
import { resnet } from '../../models/resnet';
import { resnetPreset } from '../../models/resnetPresets';
import type { Encoder } from '../../models/types';
import { DetectorCore, type FitContext, type FittedModel, type FittedResult, type ModelInputSpec } from '../DetectorCore';
import type { Featurizer } from '../featurizer';
import { fitPoseStage, shownMasks, type PoseStage } from '../poseStage';
import { fitScoringStage } from '../scoringStage';
import type { ScoringState } from '../scoring';
import type { Threshold } from '../thresholds';
import type { DetectorFitReport } from '../types';
import { isEncoderSource, resolveFeatureDensityOptions, type FeatureDensityOptions, type ResolvedFeatureDensityOptions } from './options';
import { featurizerFor, planFor, type FeaturePlan } from './featurePlan';
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
    detector.adopt(detector.#model(state.density, state.pose), state.threshold, state.report);
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
  protected async fitModel(given: tf.Tensor4D, context: FitContext): Promise<FittedResult<FeatureDensityModel, FeatureDensityFitReport>> {
    const pose = await fitPoseStage(given, this.options.alignObjects);
    try {
      const grid = this.#featurizer.grid!;
      const shown = pose.stage && shownMasks(pose.poses!, pose.stage, grid);
      const stage = await fitScoringStage(this.#featurizer, pose.images ?? given, this.options, context.progress, undefined, shown);
      const report: Omit<FeatureDensityFitReport, 'seconds'> = {
        encoder: this.#encoder.name,
        features: this.#featurizer.dimension,
        grid: [grid.rows, grid.cols],
        ...stage.report,
        ...(pose.report ? { objectPose: pose.report } : {}),
      };
      return { model: this.#model(stage.state.density, pose.stage), report, outOfFold: stage.outOfFold };
    } finally {
      pose.images?.dispose();
    }
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
      ...(model.scoring.pose ? { pose: model.scoring.pose } : {}),
      threshold,
      report,
    });
  }

  /** A model of this detector's encoder and `density` (the encoder is the detector's: a model never frees it). */
  #model(density: ScoringState['density'], pose?: PoseStage): FeatureDensityModel {
    return {
      scoring: { featurizer: this.#featurizer, density, settings: this.options, ...(pose ? { pose } : {}) },
      dispose: () => undefined,
    };
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

export { featurizerFor, planFor, type FeaturePlan } from './featurePlan';
