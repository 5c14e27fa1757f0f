/**
 * Every registered detector passes the same contract (test/detector/contract.ts): CutPaste in both
 * modes and FeatureDensityDetector with an untrained multi-stage ResNet and with a patch encoder.
 */
import { CutPasteDetector, FeatureDensityDetector } from '../../src/index';
import { TINY_DETECTORS, TINY_IMAGE_ENCODER, TINY_PATCH_ENCODER, TINY_SIZE } from '../helpers/tinyDetectors';
import { detectorContract } from './contract';

const TWO_STAGES = { ...TINY_IMAGE_ENCODER, name: 'tiny-two-stage', blocks: [1, 1], widths: [8, 16], strides: [1, 2] };

detectorContract({
  name: 'CutPasteDetector (patch)',
  type: CutPasteDetector,
  size: TINY_SIZE,
  channels: 3,
  create: () => CutPasteDetector.create({ ...TINY_DETECTORS.patch, seed: 1 }),
});
detectorContract({
  name: 'CutPasteDetector (image)',
  type: CutPasteDetector,
  size: TINY_SIZE,
  channels: 3,
  create: () => CutPasteDetector.create({ ...TINY_DETECTORS.image, seed: 1 }),
});
detectorContract({
  name: 'FeatureDensityDetector (two stages, untrained)',
  type: FeatureDensityDetector,
  size: TINY_SIZE,
  channels: 3,
  // The stripes are a texture: one shared density. (With 12 images `auto`'s validation cannot tell the two
  // kinds apart beyond noise and the stripes' location alignment, 0.2–0.3, would pick one per location;
  // the choice itself is tested in densityChoice.test.ts.)
  create: () =>
    FeatureDensityDetector.create({
      encoder: TWO_STAGES,
      stages: [1, 2],
      maxFeatures: 16,
      imageSize: TINY_SIZE,
      seed: 1,
      perLocation: false,
    }),
});
detectorContract({
  name: 'FeatureDensityDetector (patch encoder)',
  type: FeatureDensityDetector,
  size: TINY_SIZE,
  channels: 3,
  create: () =>
    FeatureDensityDetector.create({ encoder: TINY_PATCH_ENCODER, imageSize: TINY_SIZE, stride: 8, seed: 1, perLocation: false }),
});
