import type * as tfl from '@tensorflow/tfjs-layers';
import { encoderFor, type EncoderConfig } from '../models/encoderRegistry';
import { linearClassifier } from '../models/linearClassifier';
import { pretrainedOptionsOf } from '../models/pretrainedBase';
import { pretrainedEncoder, type GraphModelLike, type PretrainedEncoderConfig } from '../models/pretrainedEncoder';
import { projectionHead } from '../models/projectionHead';
import { resnet } from '../models/resnet';
import type { ResNetConfig } from '../models/resnetConfig';
import { resnetPreset } from '../models/resnetPresets';
import type { Encoder, Head } from '../models/types';
import { pretextClasses } from '../train/pretext';
import type { ResolvedCutPasteOptions } from './options';

/** The three networks of a detector. */
export interface Networks {
  encoder: Encoder;
  head: Head;
  classifier: Head;
}

/** The JSON-able architecture of `Networks` (weights travel separately). */
export interface NetworksConfig {
  encoder: unknown;
  head: unknown;
  classifier: unknown;
}

/** Builds fresh networks for resolved options (initialised from `options.seed`). */
export function buildNetworks(o: ResolvedCutPasteOptions): Networks {
  const seed = String(o.seed);
  const encoder = buildEncoder(o.encoder, seed);
  return withHeads(encoder, o, seed);
}

function buildEncoder(spec: ResolvedCutPasteOptions['encoder'], seed: string): Encoder {
  if (typeof spec === 'string') return resnet(resnetPreset(spec), { seed: `${seed}/encoder` });
  if ('model' in spec) {
    const { model, ...options } = spec;
    return pretrainedEncoder(model, options);
  }
  return resnet(spec, { seed: `${seed}/encoder` });
}

function withHeads(encoder: Encoder, o: ResolvedCutPasteOptions, seed: string): Networks {
  try {
    const head = projectionHead({ inputDim: encoder.featureDim, widths: [...o.headWidths] }, { seed: `${seed}/head` });
    const classifier = linearClassifier({ inputDim: head.outputDim, classes: pretextClasses(o.variant) }, { seed: `${seed}/classifier` });
    return { encoder, head, classifier };
  } catch (error) {
    encoder.dispose();
    throw error;
  }
}

/**
 * Rebuilds networks from saved configs. A pretrained encoder's model is not saved with the
 * detector: pass it as `encoderModel` (the same network the detector was created with).
 */
export function rebuildNetworks(
  config: NetworksConfig,
  o: ResolvedCutPasteOptions,
  encoderModel?: tfl.LayersModel | GraphModelLike,
): Networks {
  const e = config.encoder as { kind?: string };
  let encoder: Encoder;
  if (e?.kind === 'pretrained') {
    if (!encoderModel) {
      throw new TypeError(
        'CutPasteDetector.load: this detector was made with a pretrained encoder, whose model is not part of the save; ' +
          'pass it again as load(source, { encoderModel })',
      );
    }
    encoder = pretrainedEncoder(encoderModel, pretrainedOptionsOf(config.encoder as PretrainedEncoderConfig));
  } else {
    // A registered kind rebuilds through its entry; anything else is read as a ResNet config, whose checks name the field.
    const entry = typeof e?.kind === 'string' ? encoderFor(e.kind) : undefined;
    encoder = entry ? entry.build(config.encoder as EncoderConfig) : resnet(config.encoder as ResNetConfig);
  }
  return withHeads(encoder, o, String(o.seed));
}

/** The architectures of `networks`, JSON-able. */
export function networksConfig(networks: Networks): NetworksConfig {
  return {
    encoder: networks.encoder.toConfig(),
    head: networks.head.toConfig(),
    classifier: networks.classifier.toConfig(),
  };
}

/** Disposes all three networks (a pretrained encoder never disposes the user's model). */
export function disposeNetworks(networks: Networks): void {
  networks.encoder.dispose();
  networks.head.dispose();
  networks.classifier.dispose();
}
