import type * as tf from '@tensorflow/tfjs-core';
import type { Encoder } from '../models/types';
import { fitDetectorDensity, type DensitySettings } from './densityChoice';
import type { Featurizer } from './featurizer';
import { outOfFoldGrid, scoresFromGrid, type ScoringState, type ShownMasks } from './scoring';
import type { DetectorFitReport, FitProgress } from './types';

/** What {@link fitScoringStage} fitted: the state to score with, how its density was chosen, and out-of-fold scores. */
export interface FittedScoringStage {
  state: ScoringState;
  /** Out-of-fold scores of the training images (≥ 4 images; see `outOfFoldScores`): the provisional threshold's source. */
  outOfFold: Float32Array | undefined;
  /** The fit report's common part (`DetectorFitReport` but `seconds`): images, the density and how it was chosen. */
  report: Omit<DetectorFitReport, 'seconds'>;
  /** Out-of-fold grid scores of the training images `[count, locations]` (see `outOfFoldGrid`): fusion's out-of-fold maps. */
  outOfFoldGrid: Float32Array | undefined;
}

/**
 * The stage every detector shares after its features are settled: embeds the normal `images` with
 * `featurizer`, fits the density (choosing shared or per-location as `settings.perLocation` says)
 * and scores each training image out of fold. `progress` gets `embed` and `density` events and may
 * throw to stop (an abort, a disposal).
 *
 * @param images normal images at model resolution `[count, height, width, channels]`; not disposed.
 * @param encoder image-level featurizers only: the encoder whose GradCAM maps localise.
 * @param shown images aligned to their objects' poses: what each shows (`shownMasks`); image scores
 *   (out of fold, and in the density choice) are their maps' maxima over shown pixels.
 */
export async function fitScoringStage(
  featurizer: Featurizer,
  images: tf.Tensor4D,
  settings: DensitySettings,
  progress: (p: FitProgress) => void,
  encoder?: Encoder,
  shown?: ShownMasks,
): Promise<FittedScoringStage> {
  const count = images.shape[0];
  const features = await featurizer.embed(images, (done) => progress({ stage: 'embed', done, total: count }));
  const { density, l2Normalize, alignment, choice } = await fitDetectorDensity(
    featurizer,
    images,
    features,
    settings,
    (done, total) => progress({ stage: 'density', done, total }),
    shown,
  );
  const state: ScoringState = { featurizer, density, settings, ...(encoder ? { encoder } : {}) };
  const oofGrid = outOfFoldGrid(state, features, count, featurizer.dimension, l2Normalize);
  return {
    state,
    outOfFold: oofGrid && scoresFromGrid(state, oofGrid, count, shown),
    outOfFoldGrid: oofGrid,
    report: {
      images: count,
      density: density.kind,
      ...(alignment !== undefined ? { alignment } : {}),
      ...(choice ? { densityChoice: choice } : {}),
    },
  };
}
