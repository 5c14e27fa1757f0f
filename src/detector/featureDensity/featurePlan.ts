import * as tf from '@tensorflow/tfjs-core';
import { createRng, shuffleInPlace } from '../../math/random';
import { optionError } from '../../math/optionSchema';
import type { ResNetEncoder } from '../../models/resnet';
import type { Encoder } from '../../models/types';
import { featureDimension, isResNet, patchLayout } from '../embedding';
import { encoderFeaturizer, type Featurizer } from '../featurizer';
import type { ResolvedFeatureDensityOptions } from './options';
import { stageFeaturizer } from './stageFeaturizer';

/** How the features are taken from the encoder, fixed at `create` (saved with the detector). */
export interface FeaturePlan {
  /** The encoder's stage maps (1-based stages), or `'map'` (its feature map), or `'patches'` (a dense patch grid). */
  readonly source: readonly number[] | 'map' | 'patches';
  /** Kept channels of the stacked maps, ascending; all when absent. */
  readonly channels?: readonly number[];
}

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
  const stacked = featureDimension(encoder, isResNet(encoder) ? o.stages : undefined);
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
