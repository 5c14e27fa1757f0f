import * as tfl from '@tensorflow/tfjs-layers';
import { GraphEncoder } from './graphModelEncoder';
import { LayersEncoder } from './layersModelEncoder';
import type { GraphModelLike, PretrainedEncoderOptions } from './pretrainedBase';
import type { Encoder } from './types';

export type { GraphModelLike, PretrainedEncoderConfig, PretrainedEncoderOptions, PretrainedPreprocess } from './pretrainedBase';

function isLayersModel(m: unknown): m is tfl.LayersModel {
  return (
    m instanceof tfl.LayersModel ||
    (typeof m === 'object' &&
      m !== null &&
      Array.isArray((m as tfl.LayersModel).layers) &&
      typeof (m as tfl.LayersModel).getLayer === 'function')
  );
}

function isGraphModel(m: unknown): m is GraphModelLike {
  return typeof m === 'object' && m !== null && typeof (m as GraphModelLike).execute === 'function';
}

/**
 * Turns a user-supplied tfjs model into an `Encoder`: a `tf.LayersModel` (from `@tensorflow/tfjs-layers`)
 * or a `GraphModel` (`tf.loadGraphModel`; duck-typed), cut at `featureNode`.
 *
 * - LayersModel: a sub-model from the model's input to the feature layer's output shares the model's
 *   weights. `trainableVariables()` are its trainable weights (`{ freezeBatchNorm: true }` leaves out
 *   every BatchNormalization layer's); `getWeights()`/`setWeights()` name them `<scope>/<weight name>`
 *   (running statistics included), so fine-tuned weights can be saved and loaded into the same model.
 * - GraphModel: weights are constants in tfjs, so it is a frozen encoder: `trainableVariables()` is
 *   empty, `getWeights()` is `{}` and `setWeights()` ignores its input; after loading a saved
 *   detector, supply the same model again.
 *
 * The model stays the caller's: `dispose()` frees only what the adapter made. BatchNorm handling
 * during training: see `trainBatchNorm`.
 * @throws TypeError when `model` is neither, the feature node is unknown or not rank 2/4.
 * @example
 * const model = await tf.loadLayersModel('https://…/model.json');
 * const encoder = pretrainedEncoder(model, { featureNode: 'top_activation', preprocess: { scale: 2, offset: -1 } });
 */
export function pretrainedEncoder(model: tfl.LayersModel | GraphModelLike, options: PretrainedEncoderOptions = {}): Encoder {
  if (isLayersModel(model)) return new LayersEncoder(model, options);
  if (isGraphModel(model)) return new GraphEncoder(model, options);
  throw new TypeError(`pretrainedEncoder: model must be a tf.LayersModel or a GraphModel, got ${String(model)}`);
}
