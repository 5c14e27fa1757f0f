// Public surface of src/train: the self-supervised (stage 1) trainer.
// tfjs-core registers no gradients by itself; tfjs-layers (a peer dependency) does on import.
import '@tensorflow/tfjs-layers';

export { cosineSchedule, type Schedule } from './schedule';
export { MomentumSGD, type MomentumSGDOptions } from './sgd';
export {
  makePretextBatch,
  pretextPixels,
  pretextClasses,
  pretextCopies,
  PRETEXT_VARIANTS,
  type PretextBatch,
  type PretextPixels,
  type PretextVariant,
} from './pretext';
export { DEFAULT_TRAIN_OPTIONS, resolveTrainOptions, type ResolvedTrainOptions, type TrainOptions, type TrainProgress } from './options';
export { trainSelfSupervised, yieldToEventLoop, type TrainReport } from './trainer';
export { trainStep, crossEntropy, type PretextModel, type StepSettings } from './step';
