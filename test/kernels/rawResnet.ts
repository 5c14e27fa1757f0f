/**
 * A ResNet written with raw tfjs-core ops (no layers), for checking that training runs on a backend:
 * stem conv (stride 2, explicit padding) + batch norm (batch statistics) + ReLU + 3×3/2 'same' max
 * pool, basic blocks (3×3 convs, 'same' and stride-2 numeric padding, 1×1/2 'valid' shortcut),
 * global mean pooling, a linear classifier and softmax cross-entropy. Used by the kernel tests and
 * bench/kernels.ts; it is not the library's model (src/models).
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../../src/math/random';

export interface RawResnetSpec {
  inChannels: number;
  stemWidth: number;
  stemKernel: number; // odd
  widths: number[]; // per stage
  blocks: number[]; // basic blocks per stage
  classes: number;
}

/** ResNet-18's layout (torchvision), 3 classes. */
export const RESNET18_SPEC: RawResnetSpec = {
  inChannels: 3,
  stemWidth: 64,
  stemKernel: 7,
  widths: [64, 128, 256, 512],
  blocks: [2, 2, 2, 2],
  classes: 3,
};

export interface ParamSpec {
  name: string;
  shape: number[];
}

/** The parameters' names and shapes, in a fixed order. */
export function rawResnetParams(spec: RawResnetSpec): ParamSpec[] {
  const params: ParamSpec[] = [];
  const convBn = (name: string, k: number, ci: number, co: number) => {
    params.push({ name: `${name}.w`, shape: [k, k, ci, co] });
    params.push({ name: `${name}.gamma`, shape: [co] });
    params.push({ name: `${name}.beta`, shape: [co] });
  };
  convBn('stem', spec.stemKernel, spec.inChannels, spec.stemWidth);
  let ci = spec.stemWidth;
  spec.widths.forEach((co, s) => {
    for (let b = 0; b < spec.blocks[s]!; b++) {
      const stride = s > 0 && b === 0 ? 2 : 1;
      convBn(`s${s}b${b}.conv1`, 3, ci, co);
      convBn(`s${s}b${b}.conv2`, 3, co, co);
      if (stride !== 1 || ci !== co) convBn(`s${s}b${b}.down`, 1, ci, co);
      ci = co;
    }
  });
  params.push({ name: 'fc.w', shape: [ci, spec.classes] });
  params.push({ name: 'fc.b', shape: [spec.classes] });
  return params;
}

/** Deterministic initial values: He-scaled conv and fc weights, gamma near 1, beta near 0. */
export function rawResnetInit(spec: RawResnetSpec, seed: number): Map<string, Float32Array> {
  const rng = createRng(seed);
  const out = new Map<string, Float32Array>();
  for (const p of rawResnetParams(spec)) {
    const size = p.shape.reduce((a, b) => a * b, 1);
    const v = new Float32Array(size);
    const fanIn = p.shape.length === 4 ? p.shape[0]! * p.shape[1]! * p.shape[2]! : p.shape[0]!;
    for (let i = 0; i < size; i++) {
      const u = 2 * rng() - 1;
      if (p.name.endsWith('.gamma')) v[i] = 1 + 0.1 * u;
      else if (p.name.endsWith('.beta') || p.name === 'fc.b') v[i] = 0.1 * u;
      else v[i] = u * Math.sqrt(6 / fanIn);
    }
    out.set(p.name, v);
  }
  return out;
}

type Vars = Record<string, tf.Tensor>;
type Pad = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]];

function convBn(x: tf.Tensor4D, vars: Vars, name: string, stride: number, pad: Pad, relu: boolean): tf.Tensor4D {
  const y = tf.conv2d(x, vars[`${name}.w`] as tf.Tensor4D, stride, pad);
  const { mean, variance } = tf.moments(y, [0, 1, 2]);
  const z = tf.batchNorm(y, mean, variance, vars[`${name}.beta`] as tf.Tensor1D, vars[`${name}.gamma`] as tf.Tensor1D, 1e-5);
  return (relu ? tf.relu(z) : z) as tf.Tensor4D;
}

/** Logits `[batch, classes]` for images `[batch, height, width, inChannels]`. */
export function rawResnetLogits(spec: RawResnetSpec, vars: Vars, images: tf.Tensor4D): tf.Tensor2D {
  const p = (spec.stemKernel - 1) / 2;
  let x = convBn(
    images,
    vars,
    'stem',
    2,
    [
      [0, 0],
      [p, p],
      [p, p],
      [0, 0],
    ],
    true,
  );
  x = tf.maxPool(x, 3, 2, 'same');
  let ci = spec.stemWidth;
  spec.widths.forEach((co, s) => {
    for (let b = 0; b < spec.blocks[s]!; b++) {
      const stride = s > 0 && b === 0 ? 2 : 1;
      const name = `s${s}b${b}`;
      const h = convBn(x, vars, `${name}.conv1`, stride, stride === 1 ? 'same' : 1, true);
      const h2 = convBn(h, vars, `${name}.conv2`, 1, 'same', false);
      const shortcut = stride !== 1 || ci !== co ? convBn(x, vars, `${name}.down`, stride, 'valid', false) : x;
      x = tf.relu(tf.add(h2, shortcut)) as tf.Tensor4D;
      ci = co;
    }
  });
  const pooled = tf.mean(x, [1, 2]) as tf.Tensor2D;
  return tf.add(tf.matMul(pooled, vars['fc.w'] as tf.Tensor2D), vars['fc.b']!) as tf.Tensor2D;
}

/**
 * Mean softmax cross-entropy of the logits against integer labels, as logits − logSumExp (no
 * customGrad: under IS_TEST, tfjs flags tf.losses.softmaxCrossEntropy's saved tensors as a leak).
 */
export function rawResnetLoss(spec: RawResnetSpec, vars: Vars, images: tf.Tensor4D, labels: tf.Tensor1D): tf.Scalar {
  // int32 one-hot then cast: tfjs 4.22's wasm OneHot writes integer bits into float32 outputs.
  const targets = tf.cast(tf.oneHot(labels, spec.classes), 'float32');
  const logits = rawResnetLogits(spec, vars, images);
  const logProbs = tf.sub(logits, tf.logSumExp(logits, 1, true));
  return tf.neg(tf.mean(tf.sum(tf.mul(targets, logProbs), 1))) as tf.Scalar;
}

type Gradients = Parameters<tf.MomentumOptimizer['applyGradients']>[0];

/**
 * A training computation for `runOn`: from fixed initial weights (seed 3), images (`imageShape`,
 * values seeded 'images') and labels, returns the loss, every gradient, then every variable after two
 * momentum-SGD steps.
 */
export function rawResnetTrainingStep(
  spec: RawResnetSpec,
  imageShape: [number, number, number, number],
  labelValues: number[],
): () => tf.Tensor[] {
  const init = rawResnetInit(spec, 3);
  const params = rawResnetParams(spec);
  const rng = createRng('images');
  const imageValues = Float32Array.from({ length: imageShape.reduce((a, b) => a * b, 1) }, () => 2 * rng() - 1);
  return () => {
    const vars: Record<string, tf.Variable> = {};
    for (const p of params) vars[p.name] = tf.variable(tf.tensor(init.get(p.name)!, p.shape));
    const images = tf.tensor4d(imageValues, imageShape);
    const labels = tf.tensor1d(labelValues, 'int32');
    const lossFn = () => rawResnetLoss(spec, vars, images, labels);
    const { value, grads } = tf.variableGrads(lossFn, Object.values(vars));
    const optimizer = tf.train.momentum(0.03, 0.9);
    optimizer.applyGradients(grads as Gradients);
    optimizer.applyGradients(tf.variableGrads(lossFn, Object.values(vars)).grads as Gradients);
    const out = [value, ...params.map((p) => grads[vars[p.name]!.name]!), ...params.map((p) => tf.clone(vars[p.name]!))];
    optimizer.dispose();
    tf.dispose(Object.values(vars));
    return out;
  };
}
