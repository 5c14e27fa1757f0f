import type * as tf from '@tensorflow/tfjs-core';
import { AbortError, StateError } from '../errors';
import { f1Max } from '../math/f1Max';
import { CallGate } from './callGate';
import { checkFitOptions } from './checkFitOptions';
import { forEachChunk } from './chunks';
import { evaluateDetector } from './evaluate';
import { countImages, toModelInput, type ImagesInput } from './input';
import { resizeMap, scoreChunk, type ScoringState } from './scoring';
import { quantile, type Threshold } from './thresholds';
import type { AnomalyDetector, DetectorFitReport, Evaluation, FitOptions, FitProgress, Prediction, ScoreMap, TestSet } from './types';

/** A fitted model as a detector holds it: what it scores with, and how to free it. */
export interface FittedModel {
  readonly scoring: ScoringState;
  /** Frees the model's tensors (never a model the user passed in). */
  dispose(): void;
}

/** How a detector's models take images: the size and channels images are converted to, and the batch. */
export interface ModelInputSpec {
  readonly imageSize: readonly [number, number];
  readonly channels: number;
  /** Images per chunk when scoring (bounds memory). */
  readonly batch: number;
}

/** What `fitModel` gets besides the images. */
export interface FitContext {
  readonly signal?: AbortSignal;
  readonly workers?: number | 'auto';
  /** Reports progress to the caller; throws `AbortError` once the detector is disposed or `signal` aborted. */
  readonly progress: (p: FitProgress) => void;
}

/** What `fitModel` returns: the new model, the detector-specific report and out-of-fold training scores. */
export interface FittedResult<M, R> {
  model: M;
  /** The report without `seconds` (the lifecycle times the whole call). */
  report: Omit<R, 'seconds'>;
  outOfFold: Float32Array | undefined;
}

/**
 * The lifecycle every detector shares, in one place: argument and state checks, the call discipline
 * (`CallGate`: reading calls together, one `fit` at a time that swaps its model in only once earlier
 * calls have settled, `dispose()` at any time), aborts, thresholds (provisional from `fit`,
 * `calibrate`, `calibrateWithLabels`, `setThreshold`), `predict`, `evaluate` and `save`.
 *
 * A detector supplies four things: how it takes images (`modelInput`), how it fits a model from
 * normal images (`fitModel`), how it writes a fitted model (`writeModel`), and its name. Scoring is
 * common: every model scores through its `ScoringState` (a featurizer and a density).
 */
export abstract class DetectorCore<M extends FittedModel, R extends DetectorFitReport> implements AnomalyDetector {
  /** The detector's kind, as the registry and saved documents name it. */
  abstract readonly kind: string;
  readonly #name: string;
  #model: M | undefined;
  #threshold: Threshold | undefined;
  #report: R | undefined;
  /** Bumped by every model swap (fit): a call commits results only to the model it started with. */
  #generation = 0;
  readonly #gate: CallGate;

  /** @param release frees what the detector owns besides its fitted model (at `dispose()`, once no call runs). */
  protected constructor(name: string, release?: () => void) {
    this.#name = name;
    this.#gate = new CallGate(name, () => {
      this.#model?.dispose();
      this.#model = undefined;
      release?.();
    });
  }

  /** How images are converted for this detector's models. */
  protected abstract modelInput(): ModelInputSpec;
  /** Fits a new model on normal images at model resolution (`images` is freed by the caller). */
  protected abstract fitModel(images: tf.Tensor4D, context: FitContext): Promise<FittedResult<M, R>>;
  /** Writes a fitted model, its threshold and report to a tfjs IO handler. */
  protected abstract writeModel(
    target: string | tf.io.IOHandler,
    model: M,
    threshold: Threshold | undefined,
    report: R | undefined,
  ): Promise<tf.io.SaveResult>;

  /** Installs a model read from a save (a detector's `load`); only on a detector nobody has used yet. */
  protected adopt(model: M, threshold: Threshold | undefined, report: R | undefined): void {
    this.#model = model;
    this.#threshold = threshold;
    this.#report = report;
  }

  /** Runs `fn` as a reading call on the fitted model (refused before `fit`, during `fit` and after `dispose()`). */
  protected withModel<T>(where: string, fn: (model: M) => Promise<T>): Promise<T> {
    return this.#read(where, (held) => fn(held.model));
  }

  /** Whether `fit` (or `load`) has given the detector a model to score with. */
  get isFitted(): boolean {
    return this.#model !== undefined;
  }

  /** The decision threshold and how it was set (`undefined` before `fit`). */
  get threshold(): Threshold | undefined {
    return this.#threshold && { ...this.#threshold };
  }

  /** Sets the decision threshold by hand: scores `>= value` are anomalous. */
  setThreshold(value: number): void {
    this.#gate.check('setThreshold');
    if (!Number.isFinite(value)) throw new RangeError(`${this.#name}.setThreshold: value must be a finite number, got ${value}`);
    this.#threshold = { value, method: 'manual' };
  }

  /** The report of the last `fit` (kept through save/load). */
  get fitReport(): R | undefined {
    return this.#report && { ...this.#report };
  }

  /**
   * Fits on `images` (normal only, ≥ 2; any size: resized to the model's), then sets a provisional
   * threshold: the 0.99 quantile of out-of-fold scores of the training images (replace it with
   * `calibrate` on held-out normal images or `calibrateWithLabels`). Aborting through `options.signal`
   * throws `AbortError` and leaves the detector as it was; so does `dispose()` (and the detector is
   * then disposed). A detector can be fitted again, also while scoring calls run.
   */
  async fit(images: ImagesInput, options: FitOptions = {}): Promise<R> {
    this.#gate.check('fit');
    checkFitOptions(options, this.#name);
    return this.#gate.write('fit', async () => {
      const start = performance.now();
      const { signal } = options;
      const context: FitContext = {
        ...(signal ? { signal } : {}),
        ...(options.workers !== undefined ? { workers: options.workers } : {}),
        progress: (p) => {
          this.#gate.stopIfDisposed('fit');
          options.onProgress?.(p);
          if (p.stage !== 'train' && signal?.aborted)
            throw new AbortError(`fit was aborted while ${p.stage === 'embed' ? 'embedding' : 'fitting the density'}`);
        },
      };
      const { imageSize, channels } = this.modelInput();
      const input = await toModelInput(images, imageSize, channels, `${this.#name}.fit`);
      let fitted: FittedResult<M, R>;
      try {
        this.#gate.stopIfDisposed('fit');
        const count = input.images.shape[0];
        if (count < 2) throw new RangeError(`${this.#name}.fit: images must hold at least 2 normal images, got ${count}`);
        fitted = await this.fitModel(input.images, context);
      } finally {
        input.images.dispose();
      }
      const report = { ...fitted.report, seconds: (performance.now() - start) / 1000 } as R;
      try {
        await this.#gate.idle(); // calls started before this fit finish on the old model first
        this.#gate.stopIfDisposed('fit');
      } catch (error) {
        fitted.model.dispose();
        throw error;
      }
      this.#model?.dispose();
      this.#generation++;
      this.#model = fitted.model;
      const oof = fitted.outOfFold;
      this.#threshold = oof && { value: quantile(oof, 0.99), method: 'fit', quantile: 0.99 };
      this.#report = report;
      return { ...report };
    });
  }

  /**
   * One anomaly score per image (higher = more anomalous): the density's score of its features, or
   * the maximum of its score map. A score never depends on the other images of the call.
   */
  async score(images: ImagesInput): Promise<Float32Array> {
    return this.#read('score', async (model) => (await this.#run('score', model, images, false)).scores);
  }

  /** One score map per image at that image's own resolution. */
  async scoreMaps(images: ImagesInput): Promise<ScoreMap[]> {
    return this.#read('scoreMaps', async (model) => (await this.#run('scoreMaps', model, images, true)).maps!);
  }

  /**
   * Scores with verdicts from the threshold (`score >= threshold.value`), the score relative to the
   * threshold (`normalizedScore`: 1 is the boundary), and maps when the model's features lie on a
   * grid (patch mode) or `options.maps` is true.
   */
  async predict(images: ImagesInput, options: { maps?: boolean } = {}): Promise<Prediction[]> {
    return this.#read('predict', async (model) => {
      const threshold = this.#threshold;
      if (!threshold) {
        throw new StateError(
          `${this.#name}.predict: no threshold; fit with ≥ 4 images, or call calibrate(), calibrateWithLabels() or setThreshold()`,
        );
      }
      if (options.maps !== undefined && typeof options.maps !== 'boolean') {
        throw new TypeError(`${this.#name}.predict: options.maps must be a boolean, got ${String(options.maps)}`);
      }
      const withMaps = options.maps ?? model.model.scoring.featurizer.grid !== undefined;
      const { scores, maps } = await this.#run('predict', model, images, withMaps);
      return Array.from(scores, (score, i) => ({
        score,
        normalizedScore: normalizedScore(score, threshold.value),
        isAnomalous: score >= threshold.value,
        ...(maps ? { map: { ...maps[i]!, threshold: threshold.value } } : {}),
      }));
    });
  }

  /**
   * Sets the threshold to the `quantile` (default 0.99) of the scores of `normalImages`: held-out normal
   * images, not the training ones (whose scores are optimistic). Returns the threshold.
   */
  async calibrate(normalImages: ImagesInput, options: { quantile?: number } = {}): Promise<Threshold> {
    const q = options.quantile ?? 0.99;
    if (!(Number.isFinite(q) && q >= 0 && q <= 1)) throw new RangeError(`${this.#name}.calibrate: quantile must be in [0, 1], got ${q}`);
    return this.#read('calibrate', async (model) => {
      const { scores } = await this.#run('calibrate', model, normalImages, false);
      return this.#commitThreshold('calibrate', model, { value: quantile(scores, q), method: 'quantile', quantile: q });
    });
  }

  /** Sets the threshold that maximises F1 on labelled images (1/true = defective). Returns it. */
  async calibrateWithLabels(images: ImagesInput, labels: ArrayLike<number | boolean>): Promise<Threshold> {
    const where = 'calibrateWithLabels';
    this.#gate.check(where);
    const count = countImages(images, `${this.#name}.${where}`);
    if (labels?.length !== count) {
      throw new RangeError(`${this.#name}.${where}: labels must have one entry per image (${count}), got ${labels?.length}`);
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
    return this.#read('evaluate', (model) =>
      evaluateDetector(testSet, (images, maps) => this.#run('evaluate', model, images, maps), this.#name),
    );
  }

  /** Writes the fitted detector to a tfjs IO handler or URL string (see the detector's documentation). */
  async save(target: string | tf.io.IOHandler): Promise<tf.io.SaveResult> {
    this.#gate.check('save');
    if (!this.#model) throw new StateError(`${this.#name}.save: the detector is not fitted; call fit() first`);
    return this.#read('save', (model) => this.writeModel(target, model.model, this.#threshold, this.#report));
  }

  /**
   * Frees every tensor the detector owns (never a user-supplied model). Later calls throw `StateError`;
   * calls still running reject with `AbortError`, and the model is freed once the last of them settles.
   */
  dispose(): void {
    this.#gate.dispose();
  }

  /** Runs a reading call on the model as it is now; a `fit` swaps in a new one only after `fn` settles. */
  #read<T>(where: string, fn: (model: Held<M>) => Promise<T>): Promise<T> {
    return this.#gate.read(where, () => {
      const model = this.#model;
      if (!model) throw new StateError(`${this.#name}.${where}: the detector is not fitted; call fit() or load() first`);
      return fn({ model, generation: this.#generation });
    });
  }

  /** Sets a threshold that `where` computed with `model`, never on another model. Returns a copy. */
  #commitThreshold(where: string, model: Held<M>, threshold: Threshold): Threshold {
    if (model.generation !== this.#generation) {
      throw new StateError(`${this.#name}.${where}: fit() replaced the model while ${where}() was running; the threshold was not set`);
    }
    this.#threshold = threshold;
    return { ...threshold };
  }

  /** Scores `images` with `model`, one chunk at a time; stops with `AbortError` after `dispose()`. */
  async #run(where: string, held: Held<M>, images: ImagesInput, maps: boolean): Promise<{ scores: Float32Array; maps?: ScoreMap[] }> {
    const { imageSize, channels, batch } = this.modelInput();
    const scores: number[] = [];
    const out: ScoreMap[] = [];
    await forEachChunk(images, batch, imageSize, channels, `${this.#name}.${where}`, async (x, sizes) => {
      this.#gate.stopIfDisposed(where);
      const chunk = await scoreChunk(held.model.scoring, x, maps);
      scores.push(...chunk.scores);
      chunk.maps?.forEach((m, i) => out.push(resizeMap(m, sizes[i]![0], sizes[i]![1])));
    });
    this.#gate.stopIfDisposed(where);
    return { scores: Float32Array.from(scores), ...(maps ? { maps: out } : {}) };
  }
}

/** A model as a call found it when it started, and which fit made it. */
interface Held<M> {
  model: M;
  generation: number;
}

/** `score / threshold`: 1 at the threshold, above 1 anomalous. A threshold ≤ 0 (only set by hand) gives 1 at it, +∞ above and −∞ below. */
export function normalizedScore(score: number, threshold: number): number {
  return threshold > 0 ? score / threshold : score === threshold ? 1 : score > threshold ? Infinity : -Infinity;
}
