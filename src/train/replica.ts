import * as tf from '@tensorflow/tfjs-core';
import { StateError } from '../errors';
import { linearClassifier, type LinearClassifierConfig } from '../models/linearClassifier';
import { projectionHead, type ProjectionHeadConfig } from '../models/projectionHead';
import { encoderFor, encoderKinds, type EncoderConfig } from '../models/encoderRegistry';
import type { Encoder, Head } from '../models/types';
import { prepareBackend } from '../kernels/index';
import type { GradientRequest, GradientResult, ReplicaSpec, WeightArray } from './gradientWorkers';
import { stepGradients, type PretextModel } from './step';

/** The architectures of a model a gradient worker can rebuild: a registered encoder kind, a projection head and a linear classifier. */
export type ReplicaArchitecture = Pick<ReplicaSpec, 'encoder' | 'head' | 'classifier'>;

/**
 * The trained variables of a phase, in the order every replica uses: the encoder's (unless `phase` is
 * `'head'`), then the projection head's, then the classifier's.
 * @example
 * const vars = phaseVariables(model, 'all', false);
 */
export function phaseVariables(model: PretextModel, phase: 'head' | 'all', freezeBatchNorm: boolean): tf.Variable[] {
  const headVars = [...model.head.trainableVariables(), ...model.classifier.trainableVariables()];
  return phase === 'head' ? headVars : [...model.encoder.trainableVariables({ freezeBatchNorm }), ...headVars];
}

/**
 * The architecture of `model` when a worker can rebuild it from data (an encoder of a registered kind,
 * see `registerEncoder`; a `projectionHead`; a `linearClassifier`; judged by their `toConfig()`), else
 * `undefined` (a pretrained encoder, or networks of the caller's own making; `replicaBlocker` says why).
 * @example
 * replicaArchitecture({ encoder: resnet(resnetPreset('patch32')), head, classifier }); // { encoder, head, classifier }
 */
export function replicaArchitecture(model: PretextModel): ReplicaArchitecture | undefined {
  return replicaBlocker(model) === undefined
    ? structuredCloneOf({
        encoder: model.encoder.toConfig() as EncoderConfig,
        head: model.head.toConfig() as ProjectionHeadConfig,
        classifier: model.classifier.toConfig() as LinearClassifierConfig,
      })
    : undefined;
}

/**
 * Why a gradient worker cannot rebuild `model` (`replicaArchitecture` is `undefined`), or `undefined` when it can.
 * @example
 * replicaBlocker({ encoder: pretrainedEncoder(model), head, classifier }); // 'a pretrained encoder cannot be rebuilt in a worker (its model is not data)'
 */
export function replicaBlocker(model: PretextModel): string | undefined {
  const encoder = model.encoder.toConfig() as Partial<EncoderConfig> | undefined;
  const head = model.head.toConfig() as Partial<ProjectionHeadConfig> | undefined;
  const classifier = model.classifier.toConfig() as Partial<LinearClassifierConfig> | undefined;
  const kind = encoder?.kind;
  if (kind === 'pretrained') return 'a pretrained encoder cannot be rebuilt in a worker (its model is not data)';
  if (typeof kind !== 'string' || !encoderFor(kind)) {
    return `the encoder's kind ${typeof kind === 'string' ? `'${kind}'` : '(none in its toConfig())'} is not registered (registered: ${encoderKinds().join(', ')}; see registerEncoder)`;
  }
  if (typeof head?.inputDim !== 'number' || !Array.isArray(head.widths)) return 'the head is not a projectionHead';
  if (typeof classifier?.inputDim !== 'number' || typeof classifier.classes !== 'number' || Object.keys(classifier).length !== 2) {
    return 'the classifier is not a linearClassifier';
  }
  return undefined;
}

/**
 * Everything a worker needs to rebuild `model` and train it like the calling thread: its architecture
 * and its current weights (read asynchronously).
 */
export async function replicaSpec(
  model: PretextModel,
  architecture: ReplicaArchitecture,
  classes: number,
  freezeBatchNorm: boolean,
): Promise<ReplicaSpec> {
  const shapesOf = (phase: 'head' | 'all') => phaseVariables(model, phase, freezeBatchNorm).map((v) => [...v.shape]);
  const [encoder, head, classifier] = await Promise.all([model.encoder, model.head, model.classifier].map(readWeights));
  return {
    ...architecture,
    classes,
    freezeBatchNorm,
    weights: { encoder: encoder!, head: head!, classifier: classifier! },
    shapes: { head: shapesOf('head'), all: shapesOf('all') },
  };
}

async function readWeights(network: Encoder | Head): Promise<WeightArray[]> {
  const weights = network.getWeights();
  try {
    const tensors = Object.values(weights);
    const data = await Promise.all(tensors.map((t) => t.data() as Promise<Float32Array>));
    return tensors.map((t, i) => ({ shape: [...t.shape], data: Float32Array.from(data[i]!) }));
  } finally {
    tf.dispose(weights);
  }
}

/** A copy of the networks of a run that computes gradients for `GradientRequest`s (the worker side). */
export interface GradientReplica {
  /** The gradients, loss and correct count of one request's images under the request's weights. */
  gradients(request: GradientRequest): Promise<GradientResult>;
  /** Frees the replica's tensors. */
  dispose(): void;
}

/**
 * Builds the networks of `spec` on the active tfjs backend and loads its weights; what a gradient
 * worker runs (`cutpaste/node`'s worker thread, or any other).
 * @throws RangeError when the rebuilt variables do not match `spec.shapes`.
 * @example
 * const replica = gradientReplica(spec);
 * const { grads, loss, correct } = await replica.gradients(request);
 * replica.dispose();
 */
export function gradientReplica(spec: ReplicaSpec): GradientReplica {
  prepareBackend(); // the kernel fills and overrides the training thread's trainer installed on its own backend
  const entry = encoderFor(spec.encoder.kind);
  if (!entry) {
    throw new RangeError(
      `gradientReplica: spec.encoder.kind '${spec.encoder.kind}' is not registered in this thread (registered: ${encoderKinds().join(', ')}); call registerEncoder here too`,
    );
  }
  const encoder = entry.build(spec.encoder);
  const model: PretextModel = { encoder, head: projectionHead(spec.head), classifier: linearClassifier(spec.classifier) };
  try {
    setWeights(model.encoder, spec.weights.encoder);
    setWeights(model.head, spec.weights.head);
    setWeights(model.classifier, spec.weights.classifier);
    for (const phase of ['head', 'all'] as const) {
      const own = phaseVariables(model, phase, spec.freezeBatchNorm).map((v) => v.shape.join('×'));
      const expected = spec.shapes[phase].map((s) => s.join('×'));
      if (own.join(',') !== expected.join(',')) {
        throw new RangeError(
          `gradientReplica: the rebuilt networks' ${phase} variables [${own.join(', ')}] do not match the caller's [${expected.join(', ')}]`,
        );
      }
    }
  } catch (error) {
    disposeModel(model);
    throw error;
  }
  let disposed = false;
  return {
    async gradients(request) {
      if (disposed) throw new StateError('gradientReplica.gradients: the replica was disposed');
      const variables = phaseVariables(model, request.phase, spec.freezeBatchNorm);
      checkRequest(request, variables);
      tf.tidy(() => variables.forEach((v, i) => v.assign(tf.tensor(request.weights[i]!, v.shape))));
      const { images: p, labels: l } = request;
      const images = tf.tensor4d(p.data, [p.batch, p.height, p.width, p.channels]);
      const labels = tf.tensor1d(l, 'int32');
      let out: ReturnType<typeof stepGradients>;
      try {
        out = stepGradients(model, images, labels, { variables, classes: spec.classes, encoderTrains: request.encoderTrains });
      } finally {
        tf.dispose([images, labels]);
        // Frees the recorded batch statistics. The running averages this moves are never read: the
        // encoder's are used only while it does not train, and then the caller's are constant (sent in `spec`).
        encoder.commitBatchNormStats();
        model.head.commitBatchNormStats();
      }
      try {
        const grads = variables.map((v) => out.grads[v.name]!);
        const [loss, accuracy, ...data] = await Promise.all([out.loss.data(), out.accuracy.data(), ...grads.map((g) => g.data())]);
        // Copies: a backend may hand out its own storage (cpu), which must not be transferred.
        return {
          loss: loss[0]!,
          correct: Math.round(accuracy[0]! * l.length),
          grads: data.map((d) => Float32Array.from(d as Float32Array)),
        };
      } finally {
        tf.dispose([out.loss, out.accuracy, out.grads]);
      }
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      disposeModel(model);
    },
  };
}

function setWeights(network: Encoder | Head, arrays: WeightArray[]): void {
  const current = network.getWeights();
  const names = Object.keys(current);
  tf.dispose(current);
  if (names.length !== arrays.length) {
    throw new RangeError(`gradientReplica: the rebuilt network has ${names.length} weights, the caller's has ${arrays.length}`);
  }
  const weights = tf.tidy(() => Object.fromEntries(names.map((n, i) => [n, tf.tensor(arrays[i]!.data, arrays[i]!.shape)])));
  try {
    network.setWeights(weights);
  } finally {
    tf.dispose(weights);
  }
}

function checkRequest(request: GradientRequest, variables: tf.Variable[]): void {
  const fn = 'gradientReplica.gradients';
  if (request.weights.length !== variables.length) {
    throw new RangeError(
      `${fn}: request.weights must hold ${variables.length} arrays (phase '${request.phase}'), got ${request.weights.length}`,
    );
  }
  variables.forEach((v, i) => {
    if (request.weights[i]!.length !== v.size)
      throw new RangeError(`${fn}: request.weights[${i}] must hold ${v.size} values, got ${request.weights[i]!.length}`);
  });
  if (request.labels.length !== request.images.batch) {
    throw new RangeError(`${fn}: request.labels must hold one label per image (${request.images.batch}), got ${request.labels.length}`);
  }
}

function disposeModel(model: PretextModel): void {
  model.encoder.dispose();
  model.head.dispose();
  model.classifier.dispose();
}

function structuredCloneOf<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
