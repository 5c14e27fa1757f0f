import * as tf from '@tensorflow/tfjs-core';
import { rocAuc } from '../math/rocAuc';
import { createRng, shuffleInPlace } from '../math/random';
import { tensorFromPixels } from '../ops/pixelTensors';
import type { PixelBatch } from '../ops/pixels/pixelBatch';
import { cutPastePixels } from '../ops/pixels/cutPastePixels';
import { cutPasteScarPixels } from '../ops/pixels/cutPasteScarPixels';
import { stainPixels, type StainOptions } from '../ops/pixels/stainPixels';
import { gatherImages } from '../ops/pixels/gatherImages';
import { locationAlignment } from '../density/locationAlignment';
import { fitDensity, type DetectorDensity } from './densityStage';
import { locationsOf, type Featurizer } from './featurizer';
import { ALIGNMENT_THRESHOLD } from './options';
import { densityFitOptions, pickRows, scoresFromFeatures, type ScoringSettings, type ScoringState, type ShownMasks } from './scoring';
import { yieldToEventLoop } from '../train/trainer';

/** One density the choice compared: its kind, whether rows were L2-normalised, and its validation AUROC in [0, 1]. */
export interface DensityCandidate {
  kind: 'shared' | 'per-location';
  l2Normalize: boolean;
  auroc: number;
}

/** How `perLocation: 'auto'` chose the patch density (see `chooseDensityKind`). */
export interface DensityChoice {
  /** The density kept. */
  kind: 'shared' | 'per-location';
  /**
   * Whether the kept density L2-normalises its rows (`l2Normalize: 'auto'` compares both). Absent
   * from reports saved before the norm was chosen: they normalised as their options said.
   */
  l2Normalize?: boolean;
  /** Image AUROC of synthetic defects against held-out normal images, per density kind, in [0, 1]: the kind's decision (on L2-normalised rows unless `l2Normalize` is false). */
  auroc: { shared: number; perLocation: number };
  /** Every density compared, when raw rows were compared too (`l2Normalize: 'auto'`). */
  candidates?: DensityCandidate[];
  /** Synthetic defect images the choice was judged on. */
  probes: number;
  /**
   * Bootstrap standard error of the difference between the two kinds' AUROCs (the same normal and
   * defect images resampled for both). Absent from reports saved before it was measured.
   */
  standardError?: number;
  /**
   * What decided the kind: `'validation'` when the two AUROCs differ by at least `CHOICE_MARGIN`
   * standard errors, else `'alignment'`: the features' location alignment (`ALIGNMENT_THRESHOLD`), as
   * with too few images. Absent from reports saved before the margin (validation decided alone then).
   */
  decidedBy?: 'validation' | 'alignment';
}

/** How the choice's synthetic defects are drawn (benchmarks vary them; the detector uses the defaults). */
export interface ProbeOptions {
  /** The stains' options (`stainPixels`'s defaults when absent). */
  stain?: Omit<StainOptions, 'rng'>;
}

/** Folds of the choice's cross-validation (each normal image is scored by densities fitted without it). */
export const CHOICE_FOLDS = 5;
/** At most this many training images get a synthetic defect for the choice. */
export const CHOICE_PROBES = 96;
/** Validation decides only when the two AUROCs differ by at least this many standard errors (else the alignment rule). */
export const CHOICE_MARGIN = 2;
/** Bootstrap resamples for the standard error of the AUROC difference. */
export const CHOICE_BOOTSTRAP = 200;
/** Fewest training images for a choice by validation (below, `fit` falls back to the alignment rule). */
export const CHOICE_MIN_IMAGES = 2 * CHOICE_FOLDS;

/** A detector's density settings: its scoring settings and `perLocation` (grid features only). */
export interface DensitySettings extends ScoringSettings {
  readonly perLocation: boolean | 'auto';
}

/** What {@link fitDetectorDensity} fitted, and how patch mode chose it. */
export interface FittedDensity {
  density: DetectorDensity;
  /** Whether `density` L2-normalises its rows (`l2Normalize: 'auto'` resolved). */
  l2Normalize: boolean;
  /** Patch mode: the training features' location alignment (`locationAlignment`, on L2-normalised rows unless `l2Normalize` is false). */
  alignment?: number;
  /** Patch mode with `perLocation: 'auto'` and at least `CHOICE_MIN_IMAGES` images. */
  choice?: DensityChoice;
}

/**
 * Stage 2 of `fit`: the density over the training features. Image mode: one GDE. Patch mode: one
 * per location or one shared, as `options.perLocation` says; `'auto'` chooses by validation on
 * synthetic defects (`chooseDensityKind`), or by the features' location alignment (≥
 * `ALIGNMENT_THRESHOLD`: per location) with fewer than `CHOICE_MIN_IMAGES` images. `l2Normalize:
 * 'auto'` joins that choice (both normalisations compared); without a choice it means `true`.
 *
 * @param features `[count, dimension]` (no grid: image mode) or `[count, locations, dimension]`.
 */
export async function fitDetectorDensity(
  featurizer: Featurizer,
  images: tf.Tensor4D,
  features: Float32Array,
  settings: DensitySettings,
  onProgress?: (done: number, total: number) => void,
  shown?: ShownMasks,
): Promise<FittedDensity> {
  const count = images.shape[0];
  const { dimension } = featurizer;
  const locations = locationsOf(featurizer);
  const fixedNorm = settings.l2Normalize !== false;
  if (!featurizer.grid) {
    const gde = densityFitOptions(settings, String(settings.seed), fixedNorm);
    return { density: fitDensity('image', features, count, 1, dimension, gde, onProgress), l2Normalize: fixedNorm };
  }
  const alignment = locationAlignment(features, count, locations, dimension, fixedNorm);
  const choice =
    settings.perLocation === 'auto' && count >= CHOICE_MIN_IMAGES
      ? await chooseDensityKind(featurizer, images, features, settings, alignment, {}, shown)
      : undefined;
  const perLocation =
    settings.perLocation !== 'auto' ? settings.perLocation : choice ? choice.kind === 'per-location' : alignment >= ALIGNMENT_THRESHOLD;
  const l2Normalize = choice?.l2Normalize ?? fixedNorm;
  const gde = densityFitOptions(settings, String(settings.seed), l2Normalize);
  const density = fitDensity(perLocation ? 'per-location' : 'shared', features, count, locations, dimension, gde, onProgress);
  return { density, l2Normalize, alignment, ...(choice ? { choice } : {}) };
}

/**
 * `perLocation: 'auto'`: chooses between one density per grid location and one shared density (and,
 * with `l2Normalize: 'auto'`, between L2-normalised and raw rows) by asking which one tells held-out
 * normal images from defective ones better. Normal images are scored out of fold (`CHOICE_FOLDS`
 * folds, each scored by a density fitted without it); the defective ones are copies of up to
 * `CHOICE_PROBES` training images with a synthetic defect (a small CutPaste patch, a CutPaste-Scar at
 * the image's pixel scale, or a stain: a soft discoloured blob, the kind of defect CutPaste does not
 * make), each scored by the fold density that did not see its source image.
 *
 * First the kind, on L2-normalised rows (raw with `l2Normalize: false`): the kind with the higher
 * AUROC wins when the two differ by at least `CHOICE_MARGIN` bootstrap standard errors; a smaller
 * difference is noise (48 probes on a synthetic pill swung 3 points either way between runs while
 * per-location scored 22 points better on real defects), and the location-alignment rule decides
 * (`alignment` ≥ `ALIGNMENT_THRESHOLD`: per location). Then, with `l2Normalize: 'auto'`, raw rows
 * replace normalised ones for that kind only when they score higher by the same margin.
 *
 * This judges the object, not the background: one density per location flags a normal object that
 * lies where the training images had background (random positions or angles), which costs it AUROC,
 * while on aligned objects it sees defects that a shared density averages away. Raw rows keep the
 * features' norm, which carries contrast: stains that L2-normalised features miss.
 *
 * @param images the training images at model resolution `[count, height, width, channels]`; not disposed.
 * @param features their patch features `[count, locations, dimension]`.
 * @param alignment their location alignment (`locationAlignment`), the default's rule.
 */
export async function chooseDensityKind(
  featurizer: Featurizer,
  images: tf.Tensor4D,
  features: Float32Array,
  settings: DensitySettings,
  alignment: number,
  probeOptions: ProbeOptions = {},
  shown?: ShownMasks,
): Promise<DensityChoice> {
  const count = images.shape[0];
  const locations = locationsOf(featurizer);
  const { dimension } = featurizer;
  const rng = createRng(`${settings.seed}/density-choice`);
  const sources = shuffleInPlace(
    Array.from({ length: count }, (_, i) => i),
    rng,
  ).slice(0, Math.min(CHOICE_PROBES, count));
  const probeFeatures = await embedProbes(featurizer, images, sources, rng, probeOptions);

  const stride = locations * dimension;
  const pick = (from: Float32Array, indices: number[]) => pickRows(from, indices, stride);
  // Aligned images: each held-out image's mask; a probe shows what its source image shows.
  const masks = (indices: number[]) => shown && indices.map((i) => shown[i]!);
  const norms = settings.l2Normalize === 'auto' ? [true, false] : [settings.l2Normalize];
  const candidates: ScoredCandidate[] = [];
  let labels: number[] = [];
  for (const l2Normalize of norms) {
    for (const kind of ['shared', 'per-location'] as const) {
      const scores: number[] = [];
      labels = [];
      for (let f = 0; f < CHOICE_FOLDS; f++) {
        const kept: number[] = [];
        const held: number[] = [];
        for (let i = 0; i < count; i++) (i % CHOICE_FOLDS === f ? held : kept).push(i);
        const probes = sources.flatMap((source, j) => (source % CHOICE_FOLDS === f ? [j] : []));
        const gde = densityFitOptions(settings, `${settings.seed}/choice${f}`, l2Normalize);
        const density = fitDensity(kind, pick(features, kept), kept.length, locations, dimension, gde);
        const state: ScoringState = { featurizer, density, settings };
        const normal = scoresFromFeatures(state, pick(features, held), held.length, density, masks(held));
        const defective = probes.length
          ? scoresFromFeatures(state, pick(probeFeatures, probes), probes.length, density, masks(probes.map((j) => sources[j]!)))
          : [];
        scores.push(...normal, ...defective);
        labels.push(...new Array<number>(normal.length).fill(0), ...new Array<number>(defective.length).fill(1));
        await yieldToEventLoop();
      }
      candidates.push({ kind, l2Normalize, auroc: rocAuc(scores, labels), scores });
    }
  }
  return { ...decideDensity(candidates, labels, alignment, rng), probes: sources.length };
}

/** A candidate density with its validation scores (normal and defective images, in the order of the labels). */
export interface ScoredCandidate extends DensityCandidate {
  scores: number[];
}

/**
 * The decision rule of {@link chooseDensityKind}, on the candidates' validation scores: the kind
 * first, on the normalisation listed first (validation on a difference of `CHOICE_MARGIN` bootstrap
 * standard errors, else the alignment rule), then raw rows for that kind only on a clear win.
 *
 * @param candidates shared and per-location for one normalisation, or for both (L2-normalised first).
 * @param labels 1 for the defective images, 0 for the normal ones, in the order of every candidate's scores.
 */
export function decideDensity(
  candidates: readonly ScoredCandidate[],
  labels: readonly number[],
  alignment: number,
  rng: () => number,
): Omit<DensityChoice, 'probes'> {
  const norms = [...new Set(candidates.map((c) => c.l2Normalize))];
  const of = (kind: string, l2Normalize: boolean) => candidates.find((c) => c.kind === kind && c.l2Normalize === l2Normalize)!;
  const [shared, perLocation] = [of('shared', norms[0]!), of('per-location', norms[0]!)];
  const standardError = differenceStandardError(shared.scores, perLocation.scores, labels, rng);
  const difference = perLocation.auroc - shared.auroc;
  const decidedBy = Math.abs(difference) >= CHOICE_MARGIN * standardError && difference !== 0 ? 'validation' : 'alignment';
  const kind = (decidedBy === 'validation' ? difference > 0 : alignment >= ALIGNMENT_THRESHOLD) ? 'per-location' : 'shared';
  let kept = of(kind, norms[0]!);
  if (norms.length > 1) {
    const raw = of(kind, false);
    const lead = raw.auroc - kept.auroc;
    if (lead > 0 && lead >= CHOICE_MARGIN * differenceStandardError(kept.scores, raw.scores, labels, rng)) kept = raw;
  }
  return {
    kind,
    l2Normalize: kept.l2Normalize,
    auroc: { shared: shared.auroc, perLocation: perLocation.auroc },
    ...(norms.length > 1 ? { candidates: candidates.map(({ kind: k, l2Normalize, auroc }) => ({ kind: k, l2Normalize, auroc })) } : {}),
    standardError,
    decidedBy,
  };
}

/**
 * Bootstrap standard error of AUROC(b) − AUROC(a) for two scorings of the same images: normal and
 * defective images resampled separately (`CHOICE_BOOTSTRAP` times), the same draw for both scorings.
 */
function differenceStandardError(a: number[], b: number[], labels: readonly number[], rng: () => number): number {
  const normal = labels.flatMap((label, i) => (label === 0 ? [i] : []));
  const defective = labels.flatMap((label, i) => (label === 1 ? [i] : []));
  if (normal.length === 0 || defective.length === 0) return 0;
  const draw = (from: number[]) => from.map(() => from[Math.floor(rng() * from.length)]!);
  const sampleLabels = [...new Array<number>(normal.length).fill(0), ...new Array<number>(defective.length).fill(1)];
  const differences: number[] = [];
  for (let r = 0; r < CHOICE_BOOTSTRAP; r++) {
    const picked = [...draw(normal), ...draw(defective)];
    differences.push(
      rocAuc(
        picked.map((i) => b[i]!),
        sampleLabels,
      ) -
        rocAuc(
          picked.map((i) => a[i]!),
          sampleLabels,
        ),
    );
  }
  const mean = differences.reduce((s, d) => s + d, 0) / differences.length;
  return Math.sqrt(differences.reduce((s, d) => s + (d - mean) ** 2, 0) / (differences.length - 1));
}

/**
 * Patch features of the `sources` images with one synthetic defect each, the three kinds in turn:
 * a small CutPaste patch, a CutPaste-Scar, a stain.
 */
async function embedProbes(
  featurizer: Featurizer,
  images: tf.Tensor4D,
  sources: number[],
  rng: () => number,
  options: ProbeOptions,
): Promise<Float32Array> {
  const picked = tf.tidy(() => tf.gather(images, sources));
  const [, height, width, channels] = picked.shape;
  // An asynchronous read: webgpu's synchronous one is a slow round trip (see trainSelfSupervised).
  const pixels: PixelBatch = { data: Float32Array.from(await picked.data()), batch: sources.length, height, width, channels };
  picked.dispose();
  const every = (r: number) => sources.flatMap((_, j) => (j % 3 === r ? [j] : []));
  const size = pixels.height * pixels.width * pixels.channels;
  const place = (indices: number[], make: (batch: PixelBatch) => PixelBatch) => {
    if (!indices.length) return;
    const made = make(gatherImages(pixels, indices)).data;
    indices.forEach((j, k) => pixels.data.set(made.subarray(k * size, (k + 1) * size), j * size));
  };
  // Defects smaller than the pretext's CutPaste (2–15 % of the image): closer to the size of real ones.
  place(every(0), (batch) => cutPastePixels(batch, { area: [0.005, 0.03], rng }));
  place(every(1), (batch) => cutPasteScarPixels(batch, { rng }));
  place(every(2), (batch) => stainPixels(batch, { ...options.stain, rng }));
  const probes = tensorFromPixels(pixels);
  try {
    return await featurizer.embed(probes);
  } finally {
    probes.dispose();
  }
}
