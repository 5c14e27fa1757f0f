import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { assignWeights, snapshotWeights } from './namedWeights';
import { AdapterBase, fixedSize, resolvePreprocess, type PretrainedEncoderConfig, type PretrainedEncoderOptions } from './pretrainedBase';

/** `pretrainedEncoder` for a `tf.LayersModel`: a sub-model up to the feature layer, sharing its weights. */
export class LayersEncoder extends AdapterBase {
  readonly name: string;
  readonly featureDim: number;
  readonly inputChannels: number;
  readonly inputSize: readonly [number, number] | null;
  protected readonly featureKind: 'map' | 'vector';
  private readonly sub: tfl.LayersModel;
  private readonly scope: string;
  private readonly trainBn: boolean;
  private readonly preprocess: { scale: number[]; offset: number[] };

  constructor(
    model: tfl.LayersModel,
    private readonly options: PretrainedEncoderOptions,
  ) {
    super();
    if (model.inputs.length !== 1) {
      throw new TypeError(`pretrainedEncoder: the LayersModel must have one input, it has ${model.inputs.length}`);
    }
    const inShape = model.inputs[0]!.shape;
    let output: tfl.SymbolicTensor;
    if (options.featureNode === undefined) {
      if (model.outputs.length !== 1)
        throw new TypeError('pretrainedEncoder: options.featureNode is required for a model with several outputs');
      output = model.outputs[0]!;
    } else {
      let layer: tfl.layers.Layer;
      try {
        layer = model.getLayer(options.featureNode);
      } catch {
        const names = model.layers.map((l) => l.name);
        throw new TypeError(
          `pretrainedEncoder: options.featureNode "${options.featureNode}" is not a layer of the model; layers: ${names.join(', ')}`,
        );
      }
      const out = layer.getOutputAt(0);
      if (Array.isArray(out)) throw new TypeError(`pretrainedEncoder: layer "${options.featureNode}" has several outputs`);
      output = out;
    }
    this.sub = output === model.outputs[0] ? model : tfl.model({ inputs: model.inputs, outputs: output });
    const rank = output.shape.length;
    const kind = options.featureKind ?? (rank === 4 ? 'map' : rank === 2 ? 'vector' : undefined);
    if (kind === undefined || (kind === 'map' && rank !== 4) || (kind === 'vector' && rank !== 2)) {
      throw new TypeError(
        `pretrainedEncoder: the feature node's output has shape [${output.shape.join(', ')}]; expected [batch, h, w, c] or [batch, c]`,
      );
    }
    this.featureKind = kind;
    this.featureDim = output.shape[rank - 1]!;
    const declaredChannels = inShape[3];
    const channels = options.inputChannels ?? (typeof declaredChannels === 'number' ? declaredChannels : 3);
    if (channels !== 1 && channels !== 3) throw new RangeError(`pretrainedEncoder: options.inputChannels must be 1 or 3, got ${channels}`);
    if (typeof declaredChannels === 'number' && declaredChannels !== channels) {
      throw new RangeError(`pretrainedEncoder: options.inputChannels is ${channels} but the model takes ${declaredChannels}`);
    }
    this.inputChannels = channels;
    this.inputSize = options.inputSize ? [options.inputSize[0], options.inputSize[1]] : fixedSize(inShape);
    this.scope = options.scope ?? 'encoder';
    this.trainBn = options.trainBatchNorm ?? false;
    this.name = `pretrained:${model.name}${options.featureNode ? `/${options.featureNode}` : ''}`;
    this.preprocess = resolvePreprocess(options.preprocess, channels);
    this.initPreprocess(this.preprocess);
  }

  protected run(x: tf.Tensor4D, training: boolean): tf.Tensor {
    const y = this.sub.apply(x, { training: this.trainBn && training });
    return Array.isArray(y) ? (y[0] as tf.Tensor) : (y as tf.Tensor);
  }

  /** `<scope>/<originalName>` (what `model.save` calls them); a repeated name gets `_1`, `_2`, … in model order. */
  private namedVariables(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    for (const w of this.sub.weights) {
      const base = `${this.scope}/${w.originalName}`;
      let name = base;
      for (let k = 1; name in out; k++) name = `${base}_${k}`;
      out[name] = w.read() as tf.Variable;
    }
    return out;
  }

  trainableVariables(options: { freezeBatchNorm?: boolean } = {}): tf.Variable[] {
    this.assertUsable();
    const layers = options.freezeBatchNorm ? this.sub.layers.filter((l) => l.getClassName() !== 'BatchNormalization') : this.sub.layers;
    return layers.flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable));
  }

  getWeights(): tf.NamedTensorMap {
    this.assertUsable();
    return snapshotWeights(this.namedVariables());
  }

  setWeights(weights: tf.NamedTensorMap): void {
    this.assertUsable();
    assignWeights(`${this.name}.setWeights`, this.namedVariables(), weights);
  }

  toConfig(): PretrainedEncoderConfig {
    return {
      kind: 'pretrained',
      modelType: 'LayersModel',
      featureNode: this.options.featureNode ?? null,
      inputNode: null,
      inputSize: this.inputSize ? [this.inputSize[0], this.inputSize[1]] : null,
      inputChannels: this.inputChannels,
      featureDim: this.featureDim,
      featureKind: this.featureKind,
      preprocess: { scale: [...this.preprocess.scale], offset: [...this.preprocess.offset] },
      trainBatchNorm: this.trainBn,
    };
  }
}
