/**
 * The hash-formula weights of make-resnet-fixture.py, in TypeScript: the same float32 values bit for
 * bit (integer hashing, then the same float64 operations rounded once to float32).
 */
import * as tf from '@tensorflow/tfjs-core';

function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** u[i] ∈ [0, 1) for i < count: fmix32(i·0x9E3779B1 + t·0x632BE5AB + 12345) / 2³². */
export function formulaUniform(tensorIndex: number, count: number): Float64Array {
  const base = (Math.imul(tensorIndex, 0x632be5ab) + 12345) >>> 0;
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = fmix32((Math.imul(i, 0x9e3779b1) + base) >>> 0) / 4294967296;
  return out;
}

/** Values of torch state_dict entry `key` (torch layout, row-major), as make-resnet-fixture.py makes them. */
export function formulaValue(key: string, shape: number[], tensorIndex: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const u = formulaUniform(tensorIndex, n);
  const out = new Float32Array(n);
  let f: (v: number) => number;
  if (key.endsWith('running_mean')) f = (v) => (2 * v - 1) * 0.2;
  else if (key.endsWith('running_var')) f = (v) => 0.5 + v;
  else if (shape.length === 1 && key.endsWith('weight')) f = (v) => 0.5 + v;
  else if (shape.length === 1 && key.endsWith('bias')) f = (v) => (2 * v - 1) * 0.2;
  else {
    const bound = Math.sqrt(3 / (shape[1]! * shape[2]! * shape[3]!));
    f = (v) => (2 * v - 1) * bound;
  }
  for (let i = 0; i < n; i++) out[i] = f(u[i]!);
  return out;
}

/** torchvision's state_dict key → this library's weight name (scope `encoder`). */
export function ourName(torchKey: string): string {
  const dot = torchKey.lastIndexOf('.');
  const path = torchKey.slice(0, dot);
  const param = torchKey.slice(dot + 1);
  const isConv = /conv\d$|downsample\.0$/.test(path);
  const leaf = isConv
    ? { weight: 'kernel' }[param]
    : { weight: 'gamma', bias: 'beta', running_mean: 'runningMean', running_var: 'runningVar' }[param];
  if (leaf === undefined) throw new Error(`unexpected torch key ${torchKey}`);
  const parts = path.split('.');
  let module: string;
  if (parts[0]!.startsWith('layer')) {
    const rest = parts.slice(2).join('.').replace('downsample.0', 'downsample/conv').replace('downsample.1', 'downsample/bn');
    module = `${parts[0]}.${parts[1]}/${rest}`;
  } else module = path;
  return `encoder/${module}/${leaf}`;
}

/** The formula weights for every torch key, converted to this library's names and layouts. */
export function formulaWeights(keys: [string, number[]][]): tf.NamedTensorMap {
  const out: tf.NamedTensorMap = {};
  keys.forEach(([key, shape], t) => {
    const values = formulaValue(key, shape, t);
    const name = ourName(key);
    if (shape.length === 4) {
      out[name] = tf.tidy(() => tf.transpose(tf.tensor4d(values, shape as [number, number, number, number]), [2, 3, 1, 0]));
    } else out[name] = tf.tensor1d(values);
  });
  return out;
}
