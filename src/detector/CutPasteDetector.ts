import type * as tf from '@tensorflow/tfjs-core';
import { AbortError, StateError } from '../errors';
import { f1Max } from '../math/f1Max';
import { trainSelfSupervised } from '../train/trainer';
import { CallGate } from './callGate';
import { forEachChunk } from './chunks';
import { checkFitOptions } from './checkFitOptions';
import { fitDetectorDensity } from './densityChoice';
import type { DetectorDensity } from './densityStage';
import { patchLayout, type PatchLayout } from './embedding';
import { evaluateDetector } from './evaluate';
import { countImages, toModelInput, type ImagesInput } from './input';
import { buildNetworks, disposeNetworks, type Networks } from './networks';
import { resolveCutPasteOptions, type CutPasteOptions, type ResolvedCutPasteOptions } from './options';
import { loadDetectorState, saveDetectorState, type LoadOptions } from './persistence';
import { embed, outOfFoldScores, resizeMap, scoreChunk, type ScoringState } from './scoring';
import { quantile, type Threshold } from './thresholds';
import type { AnomalyDetector, Evaluation, FitOptions, FitProgress, FitReport, Prediction, ScoreMap, TestSet } from './types';

/**
 * CutPaste (Li et al., CVPR 2021): learns normality from normal images only, then scores new images.
 *
 * Stage 1 trains a CNN to tell normal images (or patches) from CutPaste-augmented copies; stage 2 fits
 * a Gaussian density to the CNN's features of the normal images. A **score** is the squared Mahalanobis
 * distance of an image's features from that density — ≈ the feature dimension for typical normal
 * images (a χ²-like scale), growing without bound for anomalies; it is raw and never normalised over a
 * batch, so an image's score does not depend on the other images scored with it. Patch mode scores
 * every patch and an image's score is the maximum of its score map.
 *
 * **Concurrency.** Scoring calls (`score`, `scoreMaps`, `predict`, `calibrate`, `calibrateWithLabels`,
 * `evaluate`) and `save` may run together. `fit` may start while they run: it trains alongside them and
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
export class CutPasteDetector implements AnomalyDetector {
  /** The resolved options (preset values filled in). */
  readonly options: ResolvedCutPasteOptions;
  #networks: Networks;
  #density: DetectorDensity | undefined;
  #layout: PatchLayout | undefined;
  #threshold: Threshold | undefined;
  #report: FitReport | undefined;
  /** Bumped by every model swap (fit): a call commits results only to the model it started with. */
  #generation = 0;
  readonly #gate = new CallGate('CutPasteDetector', () => disposeNetworks(this.#networks));

  private constructor(options: ResolvedCutPasteOptions, networks: Networks) {
    this.options = options;
    this.#networks = networks;
    const [h, w] = options.imageSize;
    try {
      this.#layout = options.mode === 'patch' ? patchLayout(networks.encoder, h, w, options.patchSize, options.stride) : undefined;
    } catch (error) {
      disposeNetworks(networks); // a patch the encoder cannot take: no detector, no tensors left
      throw error;
    }
  }

  /**
   * A new, unfitted detector. Explicit options override the preset's; invalid ones throw a
   * `RangeError` naming the option and the allowed values.
   */
  static async create(options: CutPasteOptions = {}): Promise<CutPasteDetector> {
    const resolved = resolveCutPasteOptions(options);
    return new CutPasteDetector(resolved, buildNetworks(resolved));
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
    const detector = new CutPasteDetector(state.options, state.networks);
    detector.#density = state.density;
    detector.#threshold = state.threshold;
    detector.#report = state.report;
    return detector;
  }

  /** Whether `fit` (or `load`) has given the detector a density to score with. */
  get isFitted(): boolean {
    return this.#density !== undefined;
  }

  /** The decision threshold and how it was set (`undefined` before `fit`). */
  get threshold(): Threshold | undefined {
    return this.#threshold && { ...this.#threshold };
  }

  /** Sets the decision threshold by hand: scores `>= value` are anomalous. */
  setThreshold(value: number): void {
    this.#gate.check('setThreshold');
    if (!Number.isFinite(value)) throw new RangeError(`CutPasteDetector.setThreshold: value must be a finite number, got ${value}`);
    this.#threshold = { value, method: 'manual' };
  }

  /** The report of the last `fit` (kept through save/load). */
  get fitReport(): FitReport | undefined {
    return this.#report && { ...this.#report };
  }

  /** Patch mode: the scored grid (`rows × cols` patches of `patchHeight` px at `stride` on `imageSize`). */
  get patchLayout(): PatchLayout | undefined {
    return this.#layout && { ...this.#layout };
  }

  /**
   * Trains stage 1 on `images` (normal only, ≥ 2; any size: resized to `imageSize`), then fits the
   * density on their features and sets a provisional threshold: the 0.99 quantile of out-of-fold
   * scores of the training images (replace it with `calibrate` on held-out normal images or
   * `calibrateWithLabels`). Aborting through `options.signal` throws `AbortError` and leaves the
   * detector as it was before the call; so does `dispose()` (and the detector is then disposed). A
   * detector can be fitted again (it then starts over), also while scoring calls run (see the class).
   */
  async fit(images: ImagesInput, options: FitOptions = {}): Promise<FitReport> {
    this.#gate.check('fit');
    checkFitOptions(options);
    return this.#gate.write('fit', async () => {
      const start = performance.now();
      const progress = (p: FitProgress): void => {
        this.#gate.stopIfDisposed('fit');
        options.onProgress?.(p);
      };
      const o = this.options;
      const { encoder } = this.#networks;
      const input = await toModelInput(images, o.imageSize, encoder.inputChannels, 'CutPasteDetector.fit');
      const count = input.images.shape[0];
      const fresh = buildNetworks(o);
      try {
        this.#gate.stopIfDisposed('fit');
        if (count < 2) throw new RangeError(`CutPasteDetector.fit: images must hold at least 2 normal images, got ${count}`);
        const train = await trainSelfSupervised(fresh, input.images, {
          variant: o.variant, steps: o.steps, batchSize: o.batchSize, learningRate: o.learningRate, momentum: o.momentum,
          weightDecay: o.weightDecay, colorJitter: o.colorJitter, translate: o.translate, headOnlySteps: o.headOnlySteps,
          fineTuneLearningRate: o.fineTuneLearningRate, freezeBatchNorm: o.freezeBatchNorm, seed: `${o.seed}/train`,
          level: o.mode === 'patch' ? 'patch' : 'image', patchSize: o.patchSize, pasteFrom: o.pasteFrom, rotate: o.rotate,
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.workers !== undefined ? { workers: options.workers } : {}),
          onProgress: (p) => progress({ stage: 'train', ...p }),
        });
        const layout = this.#layout && patchLayout(fresh.encoder, o.imageSize[0], o.imageSize[1], o.patchSize, o.stride);
        const features = await embed(fresh.encoder, input.images, layout, o.inferenceBatchSize, (done) => {
          progress({ stage: 'embed', done, total: count });
          if (options.signal?.aborted) throw new AbortError('fit was aborted while embedding');
        });
        const { density, alignment, choice } = await fitDetectorDensity(fresh.encoder, input.images, features, layout, o, (done, total) =>
          progress({ stage: 'density', done, total }));
        const state: ScoringState = { encoder: fresh.encoder, density, options: o, ...(layout ? { layout } : {}) };
        const oof = outOfFoldScores(state, features, count, fresh.encoder.featureDim);
        const report: FitReport = {
          steps: train.steps, finalLoss: train.finalLoss, pretextAccuracy: train.pretextAccuracy,
          ...(train.heldOut ? { heldOutPretext: train.heldOut } : {}),
          seconds: (performance.now() - start) / 1000, trainSeconds: train.seconds, imagesPerSecond: train.imagesPerSecond, workers: train.workers,
          images: count,
          density: density.kind,
          ...(alignment !== undefined ? { alignment } : {}),
          ...(choice ? { densityChoice: choice } : {}),
        };
        await this.#gate.idle(); // calls started before this fit finish on the old model first
        this.#gate.stopIfDisposed('fit');
        disposeNetworks(this.#networks);
        this.#generation++;
        this.#networks = fresh;
        this.#layout = layout;
        this.#density = density;
        this.#threshold = oof && { value: quantile(oof, 0.99), method: 'fit', quantile: 0.99 };
        this.#report = report;
        return { ...report };
      } catch (error) {
        disposeNetworks(fresh);
        throw error;
      } finally {
        input.images.dispose();
      }
    });
  }

  /**
   * One anomaly score per image (higher = more anomalous): the squared Mahalanobis distance of its
   * features (image mode) or the maximum of its patch score map (patch mode). Images are processed
   * `inferenceBatchSize` at a time; a score never depends on the other images of the call.
   */
  async score(images: ImagesInput): Promise<Float32Array> {
    return this.#read('score', async (model) => (await this.#run('score', model, images, false)).scores);
  }

  /**
   * One score map per image at that image's own resolution: patch mode spreads each patch's score
   * over its pixels with a Gaussian (σ = `scoreSigma`); image mode gives GradCAM maps (coarser).
   */
  async scoreMaps(images: ImagesInput): Promise<ScoreMap[]> {
    return this.#read('scoreMaps', async (model) => (await this.#run('scoreMaps', model, images, true)).maps!);
  }

  /**
   * Scores with verdicts from the threshold (`score >= threshold.value`), and maps when the detector
   * is in patch mode or `options.maps` is true.
   */
  async predict(images: ImagesInput, options: { maps?: boolean } = {}): Promise<Prediction[]> {
    return this.#read('predict', async (model) => {
      const threshold = this.#threshold;
      if (!threshold) {
        throw new StateError('CutPasteDetector.predict: no threshold; fit with ≥ 4 images, or call calibrate(), calibrateWithLabels() or setThreshold()');
      }
      if (options.maps !== undefined && typeof options.maps !== 'boolean') {
        throw new TypeError(`CutPasteDetector.predict: options.maps must be a boolean, got ${String(options.maps)}`);
      }
      const withMaps = options.maps ?? this.options.mode === 'patch';
      const { scores, maps } = await this.#run('predict', model, images, withMaps);
      return Array.from(scores, (score, i) => ({
        score,
        isAnomalous: score >= threshold.value,
        ...(maps ? { map: maps[i]! } : {}),
      }));
    });
  }

  /**
   * Sets the threshold to the `quantile` (default 0.99) of the scores of `normalImages`: held-out normal
   * images, not the training ones (whose scores are optimistic). Returns the threshold.
   */
  async calibrate(normalImages: ImagesInput, options: { quantile?: number } = {}): Promise<Threshold> {
    const q = options.quantile ?? 0.99;
    if (!(Number.isFinite(q) && q >= 0 && q <= 1)) throw new RangeError(`CutPasteDetector.calibrate: quantile must be in [0, 1], got ${q}`);
    return this.#read('calibrate', async (model) => {
      const { scores } = await this.#run('calibrate', model, normalImages, false);
      return this.#commitThreshold('calibrate', model, { value: quantile(scores, q), method: 'quantile', quantile: q });
    });
  }

  /** Sets the threshold that maximises F1 on labelled images (1/true = defective). Returns it. */
  async calibrateWithLabels(images: ImagesInput, labels: ArrayLike<number | boolean>): Promise<Threshold> {
    const where = 'calibrateWithLabels';
    this.#gate.check(where);
    const count = countImages(images, `CutPasteDetector.${where}`);
    if (labels?.length !== count) {
      throw new RangeError(`CutPasteDetector.${where}: labels must have one entry per image (${count}), got ${labels?.length}`);
    }
    return this.#read(where, async (model) => {
      const { scores } = await this.#run(where, model, images, false);
      return this.#commitThreshold(where, model, { value: f1Max(scores, labels).threshold, method: 'f1-max' });
    });
  }

  /**
   * Image AUROC, pixel AUROC and AUPRO (when masks are given) and the F1-max threshold on a labelled
   * test set, or on an async iterable of such batches (streamed: scores are kept, images are not).
   * Does not change the detector (the threshold included).
   */
  async evaluate(testSet: TestSet | AsyncIterable<TestSet>): Promise<Evaluation> {
    return this.#read('evaluate', (model) => evaluateDetector(testSet, (images, maps) => this.#run('evaluate', model, images, maps)));
  }

  /**
   * Writes the detector to a tfjs IO handler or URL string (`indexeddb://…`, `downloads://…`,
   * `http(s)://…`; in Node, `cutpaste/node` adds `file://` folders): one `ModelArtifacts` with the
   * weights and, in `userDefinedMetadata.cutpaste`, a JSON document (format version, options,
   * architectures, density, threshold, fit report).
   */
  async save(target: string | tf.io.IOHandler): Promise<tf.io.SaveResult> {
    this.#gate.check('save');
    if (!this.#density) throw new StateError('CutPasteDetector.save: the detector is not fitted; call fit() first');
    return this.#read('save', (model) => saveDetectorState(target, {
      options: this.options, networks: model.networks, density: model.density, threshold: this.#threshold, report: this.#report,
    }));
  }

  /**
   * Frees every tensor the detector owns (never a user-supplied pretrained model). Later calls throw
   * `StateError`; calls still running reject with `AbortError` (a scoring call at its next batch, `fit`
   * before it would swap in its model), and the model is freed once the last of them settles.
   */
  dispose(): void {
    this.#density = undefined;
    this.#gate.dispose();
  }

  /**
   * Runs a call that reads the fitted model (`CallGate.read`): `fn` gets the model as it is now, and
   * a `fit` swaps in a new one only after `fn` settles, so no call mixes two models.
   */
  #read<T>(where: string, fn: (model: Model) => Promise<T>): Promise<T> {
    return this.#gate.read(where, () => {
      const density = this.#density;
      if (!density) throw new StateError(`CutPasteDetector.${where}: the detector is not fitted; call fit() or load() first`);
      const networks = this.#networks;
      const layout = this.#layout;
      return fn({ generation: this.#generation, networks, encoder: networks.encoder, density, options: this.options, ...(layout ? { layout } : {}) });
    });
  }

  /** Sets a threshold that `where` computed with `model`, never on another model. Returns a copy. */
  #commitThreshold(where: string, model: Model, threshold: Threshold): Threshold {
    if (model.generation !== this.#generation) {
      throw new StateError(`CutPasteDetector.${where}: fit() replaced the model while ${where}() was running; the threshold was not set`);
    }
    this.#threshold = threshold;
    return { ...threshold };
  }

  /** Scores `images` with `model`, `inferenceBatchSize` at a time; stops with `AbortError` after `dispose()`. */
  async #run(where: string, model: Model, images: ImagesInput, maps: boolean): Promise<{ scores: Float32Array; maps?: ScoreMap[] }> {
    const o = this.options;
    const scores: number[] = [];
    const out: ScoreMap[] = [];
    await forEachChunk(images, o.inferenceBatchSize, o.imageSize, model.encoder.inputChannels, `CutPasteDetector.${where}`, async (x, sizes) => {
      this.#gate.stopIfDisposed(where);
      const chunk = await scoreChunk(model, x, maps);
      scores.push(...chunk.scores);
      chunk.maps?.forEach((m, i) => out.push(resizeMap(m, sizes[i]![0], sizes[i]![1])));
    });
    this.#gate.stopIfDisposed(where);
    return { scores: Float32Array.from(scores), ...(maps ? { maps: out } : {}) };
  }
}

/** The fitted model as a call found it when it started: what it scores with, and which fit made it. */
type Model = ScoringState & { generation: number; networks: Networks };
