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
  type PretextOptions,
  type PretextPixels,
  type PretextVariant,
} from './pretext';
export { DEFAULT_TRAIN_OPTIONS, resolveTrainOptions, type ResolvedTrainOptions, type TrainOptions, type TrainProgress } from './options';
export { trainSelfSupervised, type TrainReport } from './trainer';
export type { PretextProbe } from './pretextProbe';
export { PRETEXT_VARIANT_CLASSES } from './pretextVariants';
export {
  trainStep,
  stepGradients,
  crossEntropy,
  type GradientSettings,
  type PretextModel,
  type StepGradients,
  type StepSettings,
} from './step';
export {
  registerGradientWorkerProvider,
  registeredGradientWorkerProvider,
  type GradientRequest,
  type GradientResult,
  type GradientWorkerProvider,
  type GradientWorkers,
  type ReplicaSpec,
  type WeightArray,
} from './gradientWorkers';
export { gradientReplica, type GradientReplica } from './replica';
