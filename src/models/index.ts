// Public surface of src/models: encoders (ResNet builder, presets, pretrained adapter) and heads.
export type { Encoder, Head } from './types';
export { resnet, type ResNetEncoder, type ResNetOptions } from './resnet';
export {
  GRAY_MEAN,
  GRAY_STD,
  IMAGENET_MEAN,
  IMAGENET_STD,
  type ResNetConfig,
  type ResNetStemConfig,
  type ResolvedResNetConfig,
} from './resnetConfig';
export { RESNET_PRESETS, resnetPreset, type ResNetPresetName } from './resnetPresets';
export { PATCH_ENCODER_SIZES, patchEncoderConfig } from './patchEncoder';
export type { BatchNormSettings } from './batchNorm';
export { projectionHead, type HeadOptions, type ProjectionHead, type ProjectionHeadConfig } from './projectionHead';
export { linearClassifier, type LinearClassifierConfig } from './linearClassifier';
export {
  pretrainedEncoder,
  type GraphModelLike,
  type PretrainedEncoderConfig,
  type PretrainedEncoderOptions,
  type PretrainedPreprocess,
} from './pretrainedEncoder';
export { encoderFor, encoderKinds, registerEncoder, type EncoderConfig, type EncoderEntry } from './encoderRegistry';
