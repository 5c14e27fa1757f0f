import * as tf from '@tensorflow/tfjs-core';
import {
  AdapterBase,
  fixedSize,
  resolvePreprocess,
  type GraphModelLike,
  type PretrainedEncoderConfig,
  type PretrainedEncoderOptions,
} from './pretrainedBase';

/** `pretrainedEncoder` for a GraphModel: `execute(image, featureNode)`; frozen (its weights are constants). */
export class GraphEncoder extends AdapterBase {
  readonly name: string;
  readonly featureDim: number;
  readonly inputChannels: number;
  readonly inputSize: readonly [number, number] | null;
  protected readonly featureKind: 'map' | 'vector';
  private readonly featureNode: string;
  private readonly preprocess: { scale: number[]; offset: number[] };

  constructor(
    private readonly model: GraphModelLike,
    private readonly options: PretrainedEncoderOptions,
  ) {
    super();
    if (typeof options.featureNode !== 'string' || options.featureNode.length === 0) {
      throw new TypeError('pretrainedEncoder: options.featureNode (the graph node name of the features) is required for a GraphModel');
    }
    this.featureNode = options.featureNode;
    const input = options.inputNode === undefined ? model.inputs?.[0] : model.inputs?.find((i) => i.name === options.inputNode);
    const declared = input?.shape;
    const declaredChannels = declared?.[3];
    const channels = options.inputChannels ?? (typeof declaredChannels === 'number' && declaredChannels > 0 ? declaredChannels : 3);
    if (channels !== 1 && channels !== 3) throw new RangeError(`pretrainedEncoder: options.inputChannels must be 1 or 3, got ${channels}`);
    this.inputChannels = channels;
    this.inputSize = options.inputSize ? [options.inputSize[0], options.inputSize[1]] : fixedSize(declared);
    this.name = `pretrained:GraphModel/${this.featureNode}`;
    this.preprocess = resolvePreprocess(options.preprocess, channels);
    // Probe once (one zero image) for the node's rank and channels.
    const [ph, pw] = this.inputSize ?? [224, 224];
    const shape = tf.tidy(() => this.execute(tf.zeros([1, ph, pw, channels]) as tf.Tensor4D).shape);
    const kind = options.featureKind ?? (shape.length === 4 ? 'map' : shape.length === 2 ? 'vector' : undefined);
    if (kind === undefined || (kind === 'map' && shape.length !== 4) || (kind === 'vector' && shape.length !== 2)) {
      throw new TypeError(
        `pretrainedEncoder: node "${this.featureNode}" has shape [${shape.join(', ')}]; expected [batch, h, w, c] or [batch, c]`,
      );
    }
    this.featureKind = kind;
    this.featureDim = shape[shape.length - 1]!;
    this.initPreprocess(this.preprocess);
  }

  private execute(x: tf.Tensor4D): tf.Tensor {
    const inputs = this.options.inputNode === undefined ? x : { [this.options.inputNode]: x };
    const y = this.model.execute(inputs, this.featureNode);
    return Array.isArray(y) ? y[0]! : y;
  }

  protected run(x: tf.Tensor4D): tf.Tensor {
    return this.execute(x);
  }

  /** Always empty: a GraphModel's weights are constants. */
  trainableVariables(): tf.Variable[] {
    this.assertUsable();
    return [];
  }

  /** Always `{}`: the weights live in the model the caller supplies. */
  getWeights(): tf.NamedTensorMap {
    this.assertUsable();
    return {};
  }

  /** Ignores `weights` (nothing to load into a GraphModel). */
  setWeights(_weights: tf.NamedTensorMap): void {
    this.assertUsable();
  }

  toConfig(): PretrainedEncoderConfig {
    return {
      kind: 'pretrained',
      modelType: 'GraphModel',
      featureNode: this.featureNode,
      inputNode: this.options.inputNode ?? null,
      inputSize: this.inputSize ? [this.inputSize[0], this.inputSize[1]] : null,
      inputChannels: this.inputChannels,
      featureDim: this.featureDim,
      featureKind: this.featureKind,
      preprocess: { scale: [...this.preprocess.scale], offset: [...this.preprocess.offset] },
      trainBatchNorm: false,
    };
  }
}
