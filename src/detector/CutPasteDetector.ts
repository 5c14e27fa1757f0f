import * as tf from '@tensorflow/tfjs-core';
import { StateError } from '../errors';
import { encoderFor, type EncoderConfig } from '../models/encoderRegistry';
import type { Encoder } from '../models/types';
import { trainSelfSupervised } from '../train/trainer';
import { DetectorCore, type FitContext, type FittedModel, type FittedResult, type ModelInputSpec } from './DetectorCore';
import { featureStagesOf, patchLayout, type PatchLayout } from './embedding';
import { fitCompanion, fusedScorers, type Companion } from './companion';
import { encoderFeaturizer, type Featurizer } from './featurizer';
import { buildNetworks, disposeNetworks, type Networks } from './networks';
import { resolveCutPasteOptions, trainOptionsOf, type CutPasteOptions, type ResolvedCutPasteOptions } from './options';
import { loadDetectorState, saveDetectorState, type LoadOptions } from './persistence';
import type { ScoringState } from './scoring';
import { fitPoseStage, shownMasks, type PoseStage } from './poseStage';
import { fitScoringStage } from './scoringStage';
import type { Threshold } from './thresholds';
import type { FitReport } from './types';

/**
 * CutPaste (Li et al., CVPR 2021): learns normality from normal images only, then scores new images.
 *
 * Stage 1 trains a CNN to tell normal images (or patches) from CutPaste-augmented copies; stage 2 fits
 * a Gaussian density to the CNN's features of the normal images. A **score** is the squared Mahalanobis
 * distance of an image's features from that density — ≈ the feature dimension for typical normal
 * images (a χ²-like scale), growing without bound for anomalies; it is never normalised over a
 * batch, so an image's score does not depend on the other images scored with it. Patch mode scores
 * every patch and an image's score is the maximum of its score map. With `fusion` (the fast patch
 * default: `'colour'`) the map is the sum of CutPaste's and untrained scorers' maps (patch colour and
 * gradient statistics', with `'feature-density…'` an untrained feature density's), each divided by the
 * standard deviation of its out-of-fold training scores.
 *
 * **Concurrency.** Scoring calls (`score`, `scoreMaps`, `predict`, `calibrate`, `calibrateWithLabels`,
 * `evaluate`) and `save` may run together (the shared lifecycle, `DetectorCore`). `fit` may start while they run: it trains alongside them and
 * swaps in its model only once they have settled, so each call finishes on the model it started with
 * (a `calibrate` started before `fit` sets its threshold on the old model, which `fit` then replaces).
 * While `fit` runs, every other call (a second `fit` too) is refused with `StateError`. `dispose()`
 * may be called at any time: later calls throw `StateError`, running ones reject with `AbortError`, and
 * every tensor is freed once they have settled.
 *
 * @example
 * const detector = await CutPasteDetector.create({ preset: 'fast', mode: 'patch' });
 * await detector.fit(normalImages, { onProgress: (p) => console.log(p) });
 * const [verdict] = await detector.predict([image]); // { score, isAnomalous, map }
 * await detector.save('indexeddb://my-detector');
 * detector.dispose();
 */
export class CutPasteDetector extends DetectorCore<CutPasteModel, FitReport> {
  readonly kind = 'cutpaste';
  /** The resolved options (preset values filled in). */
  readonly options: ResolvedCutPasteOptions;
  /** Input channels of the encoder the options build. */
  readonly #channels: number;
  /** Patch mode: the grid (the same for every model these options build). */
  readonly #layout: PatchLayout | undefined;

  private constructor(options: ResolvedCutPasteOptions, networks: Networks) {
    super('CutPasteDetector');
    this.options = options;
    this.#channels = networks.encoder.inputChannels;
    this.#layout = layoutFor(networks, options); // a patch the encoder cannot take throws here
    featureStagesOf(networks.encoder, options.featureStages); // so do stages it lacks
  }

  /**
   * A new, unfitted detector. Explicit options override the preset's; invalid ones throw an
   * `OptionError` (a `RangeError`) naming the option and the allowed values.
   */
  static async create(options: CutPasteOptions = {}): Promise<CutPasteDetector> {
    const resolved = resolveCutPasteOptions(options);
    const networks = buildNetworks(resolved); // built once to check the options against the encoder
    try {
      return new CutPasteDetector(resolved, networks);
    } finally {
      disposeNetworks(networks);
    }
  }

  /**
   * Reads a detector written by `save` from a tfjs IO handler or URL; nothing is half-loaded: any
   * problem throws before a detector exists. A detector with a pretrained encoder needs that model
   * again: `load(source, { encoderModel })`. An `http(s)://` URL loads only weight files below the
   * model's URL folder (a manifest path with another origin, `/…`, `.`/`..` or their percent-encodings
   * is a `FormatError`, before anything is fetched); `file://` folders apply the same rule on disk.
   */
  static async load(source: string | tf.io.IOHandler, options: LoadOptions = {}): Promise<CutPasteDetector> {
    const state = await loadDetectorState(source, options);
    let detector: CutPasteDetector;
    try {
      detector = new CutPasteDetector(state.options, state.networks);
    } catch (error) {
      disposeNetworks(state.networks);
      throw error;
    }
    detector.adopt(
      cutPasteModel(state.networks, state.density, state.options, detector.#layout, state.companion, state.pose),
      state.threshold,
      state.report,
    );
    return detector;
  }

  /** Patch mode: the scored grid (`rows × cols` patches of `patchHeight` px at `stride` on `imageSize`). */
  get patchLayout(): PatchLayout | undefined {
    return this.#layout && { ...this.#layout };
  }

  /**
   * A copy of the fitted detector's trained encoder, owned by the caller (dispose it), e.g. to embed
   * images for a `FeatureDensityDetector` (`FeatureDensityDetector.create({ encoder: detector })`).
   * @throws StateError before `fit`, or when the encoder is a pretrained model (pass that model instead)
   */
  async copyEncoder(): Promise<Encoder> {
    return this.withModel('copyEncoder', async (model) => copyOf(model.networks.encoder));
  }

  protected modelInput(): ModelInputSpec {
    return { imageSize: this.options.imageSize, channels: this.#channels, batch: this.options.inferenceBatchSize };
  }

  /**
   * Aligns the images to their objects' poses when `alignObjects` says so, then stage 1 (self-supervised
   * training of fresh networks) and the shared scoring stage on their features.
   */
  protected async fitModel(given: tf.Tensor4D, context: FitContext): Promise<FittedResult<CutPasteModel, FitReport>> {
    const o = this.options;
    const { signal, workers, progress } = context;
    const pose = await fitPoseStage(given, o.alignObjects);
    const images = pose.images ?? given;
    const fresh = buildNetworks(o);
    try {
      const train = await trainSelfSupervised(fresh, images, {
        ...trainOptionsOf(o),
        ...(signal ? { signal } : {}),
        ...(workers !== undefined ? { workers } : {}),
        onProgress: (p) => progress({ stage: 'train', ...p }),
      });
      const layout = this.#layout && layoutFor(fresh, o);
      const shown = layout && pose.stage && shownMasks(pose.poses!, pose.stage, layout);
      const stage = await fitScoringStage(featurizerFor(fresh, layout, o), images, o, progress, fresh.encoder, shown);
      const fusion = fusedScorers(o.fusion, pose.stage !== undefined);
      const fused = fusion && (await fitCompanion(stage, images, String(o.seed), o.inferenceBatchSize, progress, fusion, shown));
      const report: Omit<FitReport, 'seconds'> = {
        steps: train.steps,
        finalLoss: train.finalLoss,
        pretextAccuracy: train.pretextAccuracy,
        ...(train.heldOut ? { heldOutPretext: train.heldOut } : {}),
        trainSeconds: train.seconds,
        imagesPerSecond: train.imagesPerSecond,
        workers: train.workers,
        ...(train.workersNote ? { workersNote: train.workersNote } : {}),
        ...stage.report,
        ...(fused ? { companion: fused.report } : {}),
        ...(pose.report ? { objectPose: pose.report } : {}),
      };
      return {
        model: cutPasteModel(fresh, stage.state.density, o, layout, fused?.companion, pose.stage),
        report,
        outOfFold: fused ? fused.outOfFold : stage.outOfFold,
      };
    } catch (error) {
      disposeNetworks(fresh);
      throw error;
    } finally {
      pose.images?.dispose();
    }
  }

  /**
   * Writes the detector to a tfjs IO handler or URL string (`indexeddb://…`, `downloads://…`,
   * `http(s)://…`; in Node, `cutpaste/node` adds `file://` folders): one `ModelArtifacts` with the
   * weights and, in `userDefinedMetadata.cutpaste`, a JSON document (format version, options,
   * architectures, density, threshold, fit report).
   */
  protected writeModel(
    target: string | tf.io.IOHandler,
    model: CutPasteModel,
    threshold: Threshold | undefined,
    report: FitReport | undefined,
  ): Promise<tf.io.SaveResult> {
    return saveDetectorState(target, {
      options: this.options,
      networks: model.networks,
      density: model.scoring.density,
      ...(model.scoring.companion ? { companion: model.scoring.companion } : {}),
      ...(model.scoring.pose ? { pose: model.scoring.pose } : {}),
      threshold,
      report,
    });
  }
}

/** A fitted CutPaste model: its networks (the encoder scores, the heads are saved) and the scoring state. */
export interface CutPasteModel extends FittedModel {
  readonly networks: Networks;
}

function copyOf(encoder: Encoder): Encoder {
  const config = encoder.toConfig() as EncoderConfig | undefined;
  const entry = config?.kind === undefined ? undefined : encoderFor(config.kind);
  if (!entry)
    throw new StateError(
      `CutPasteDetector.copyEncoder: the encoder (${encoder.name}) cannot be rebuilt from data; pass the pretrained model itself instead`,
    );
  const copy = entry.build(config!);
  const weights = encoder.getWeights();
  try {
    copy.setWeights(weights);
    return copy;
  } catch (error) {
    copy.dispose();
    throw error;
  } finally {
    tf.dispose(Object.values(weights));
  }
}

/** What CutPaste's density sees: the encoder's features of the stages `featureStages` names, on the layout. */
function featurizerFor(networks: Networks, layout: PatchLayout | undefined, o: ResolvedCutPasteOptions): Featurizer {
  return encoderFeaturizer(networks.encoder, layout, o.inferenceBatchSize, featureStagesOf(networks.encoder, o.featureStages));
}

function layoutFor(networks: Networks, o: ResolvedCutPasteOptions): PatchLayout | undefined {
  return o.mode === 'patch' ? patchLayout(networks.encoder, o.imageSize[0], o.imageSize[1], o.patchSize, o.stride) : undefined;
}

function cutPasteModel(
  networks: Networks,
  density: ScoringState['density'],
  o: ResolvedCutPasteOptions,
  layout: PatchLayout | undefined,
  companion?: Companion,
  pose?: PoseStage,
): CutPasteModel {
  const scoring: ScoringState = {
    featurizer: featurizerFor(networks, layout, o),
    density,
    settings: o,
    encoder: networks.encoder,
    ...(companion ? { companion } : {}),
    ...(pose ? { pose } : {}),
  };
  const dispose = () => {
    disposeNetworks(networks);
    companion?.dispose();
  };
  return { scoring, networks, dispose };
}
