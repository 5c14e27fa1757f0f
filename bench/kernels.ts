/**
 * Gradient-kernel fills on the wasm backend (tfjs 4.22, SIMD, one thread in Node).
 *
 *   npx tsx bench/kernels.ts            # batch 96 (the paper's 32 originals × 3)
 *   BENCH_BATCH=32 npx tsx bench/kernels.ts
 *
 * Part 1: per-kernel milliseconds on ResNet-18's convolutions at 64 px: the forward conv2d (for
 * scale), the Conv2DBackpropFilter formulations (`conv`, `im2col`; wasm has none of its own) and
 * Conv2DBackpropInput (wasm's own against the `conv` and `phases` formulations), with each
 * formulation's largest difference from the reference, relative to the reference's magnitude.
 * Part 2: one training step (forward, backward, momentum-SGD update) of a raw-op ResNet-18 at
 * 64 px, in images per second, with the library's Conv2DBackpropInput and with wasm's own.
 * Median of 3 timed runs after one warm-up; the machine may be shared, so read ratios, not digits.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers';
import { conv2dFilterGradient, type FilterGradientMethod } from '../src/kernels/conv2dFilterGradient';
import { conv2dInputGradient, type InputGradientMethod } from '../src/kernels/conv2dInputGradient';
import { restoreBackendKernels, useKernelOverrides } from '../src/kernels/index';
import { RESNET18_SPEC, rawResnetInit, rawResnetLoss, rawResnetParams } from '../test/kernels/rawResnet';

type Pad = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]];
interface Layer {
  name: string;
  x: [number, number, number, number];
  kernel: number;
  outChannels: number;
  stride: number;
  pad: Pad;
  count: number; // how many such convolutions ResNet-18 has
}

const batch = Number(process.env.BENCH_BATCH ?? 96);
const layers: Layer[] = [
  {
    name: 'stem 7×7/2',
    x: [batch, 64, 64, 3],
    kernel: 7,
    outChannels: 64,
    stride: 2,
    pad: [
      [0, 0],
      [3, 3],
      [3, 3],
      [0, 0],
    ],
    count: 1,
  },
  { name: 'layer1 3×3/1', x: [batch, 16, 16, 64], kernel: 3, outChannels: 64, stride: 1, pad: 'same', count: 4 },
  { name: 'layer2 3×3/2', x: [batch, 16, 16, 64], kernel: 3, outChannels: 128, stride: 2, pad: 1, count: 1 },
  { name: 'layer2 1×1/2', x: [batch, 16, 16, 64], kernel: 1, outChannels: 128, stride: 2, pad: 'valid', count: 1 },
  { name: 'layer2 3×3/1', x: [batch, 8, 8, 128], kernel: 3, outChannels: 128, stride: 1, pad: 'same', count: 3 },
  { name: 'layer3 3×3/2', x: [batch, 8, 8, 128], kernel: 3, outChannels: 256, stride: 2, pad: 1, count: 1 },
  { name: 'layer3 3×3/1', x: [batch, 4, 4, 256], kernel: 3, outChannels: 256, stride: 1, pad: 'same', count: 3 },
  { name: 'layer4 3×3/2', x: [batch, 4, 4, 256], kernel: 3, outChannels: 512, stride: 2, pad: 1, count: 1 },
  { name: 'layer4 3×3/1', x: [batch, 2, 2, 512], kernel: 3, outChannels: 512, stride: 1, pad: 'same', count: 3 },
];

/** Median milliseconds of `runs` calls after one warm-up; each result is read back and disposed. */
function time(f: () => tf.Tensor, runs = 3): number {
  f().dispose();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const out = f();
    out.dataSync();
    ms.push(performance.now() - t0);
    out.dispose();
  }
  return ms.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

function relDiff(reference: tf.Tensor, got: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(reference, got))).dataSync()[0]! / tf.max(tf.abs(reference)).dataSync()[0]!);
}

const fmt = (ms: number) => ms.toFixed(1);
const fmtErr = (e: number) => e.toExponential(0);

function perKernel(): void {
  console.log(`\n## Per kernel, wasm, batch ${batch} (ms; median of 3; [max relative difference])\n`);
  console.log('| layer (×count) | forward | dW conv (fill) | dW im2col | dx wasm own | dx conv | dx phases | dx own / fill (auto) |');
  console.log('|---|---|---|---|---|---|---|---|');
  const totals = { forward: 0, dWconv: 0, dxOwn: 0, dxAuto: 0 };
  restoreBackendKernels('wasm'); // "wasm own" below must run wasm's kernel, not the library's override
  for (const l of layers) {
    const filterShape: [number, number, number, number] = [l.kernel, l.kernel, l.x[3], l.outChannels];
    const info = tf.backend_util.computeConv2DInfo(l.x, filterShape, l.stride, 1, l.pad);
    const x = tf.randomNormal(l.x) as tf.Tensor4D;
    const w = tf.randomNormal(filterShape) as tf.Tensor4D;
    const dy = tf.randomNormal([batch, info.outHeight, info.outWidth, l.outChannels]) as tf.Tensor4D;
    const own = () =>
      tf.engine().runKernel(
        'Conv2DBackpropInput',
        { dy, filter: w },
        {
          strides: l.stride,
          pad: l.pad,
          dataFormat: 'NHWC',
          inputShape: l.x,
        },
      ) as tf.Tensor;
    const dW = (m: FilterGradientMethod) => () => conv2dFilterGradient(x, dy, info, m);
    const dx = (m: InputGradientMethod) => () => conv2dInputGradient(dy, w, info, m);

    const forward = time(() => tf.conv2d(x, w, l.stride, l.pad));
    const wConv = time(dW('conv'));
    const wIm2col = time(dW('im2col'));
    const xOwn = time(own);
    const xConv = time(dx('conv'));
    const xPhases = l.stride > 1 ? time(dx('phases')) : NaN;
    const xAuto = l.stride > 1 ? xPhases : xConv;
    const [errW, errConv, errPhases] = tf.tidy(() => {
      const refW = conv2dFilterGradient(x, dy, info, 'conv');
      const refX = own();
      return [
        relDiff(refW, conv2dFilterGradient(x, dy, info, 'im2col')),
        relDiff(refX, conv2dInputGradient(dy, w, info, 'conv')),
        l.stride > 1 ? relDiff(refX, conv2dInputGradient(dy, w, info, 'phases')) : NaN,
      ];
    });
    const phases = Number.isNaN(xPhases) ? '–' : `${fmt(xPhases)} [${fmtErr(errPhases)}]`;
    console.log(
      `| ${l.name} (×${l.count}) | ${fmt(forward)} | ${fmt(wConv)} | ${fmt(wIm2col)} [${fmtErr(errW)}] | ${fmt(xOwn)} | ` +
        `${fmt(xConv)} [${fmtErr(errConv)}] | ${phases} | ${(xOwn / xAuto).toFixed(1)}× |`,
    );
    totals.forward += l.count * forward;
    totals.dWconv += l.count * wConv;
    totals.dxOwn += l.count * xOwn;
    totals.dxAuto += l.count * xAuto;
    tf.dispose([x, w, dy]);
  }
  console.log(
    `\nWeighted by count (all 17 convs + 3 shortcuts): forward ${fmt(totals.forward)} ms, dW (fill) ${fmt(totals.dWconv)} ms, ` +
      `dx wasm own ${fmt(totals.dxOwn)} ms, dx fill ${fmt(totals.dxAuto)} ms ` +
      `(${(totals.dxOwn / totals.dxAuto).toFixed(1)}× faster; the stem's dx is never needed in training).`,
  );
}

function trainingStepImagesPerSecond(size: number, steps: number): number {
  const spec = RESNET18_SPEC;
  const init = rawResnetInit(spec, 1);
  const vars = rawResnetParams(spec).map((p) => tf.variable(tf.tensor(init.get(p.name)!, p.shape), true));
  const named: Record<string, tf.Variable> = {};
  rawResnetParams(spec).forEach((p, i) => (named[p.name] = vars[i]!));
  const images = tf.randomUniform([batch, size, size, 3]) as tf.Tensor4D;
  const labels = tf.tensor1d(
    Array.from({ length: batch }, (_, i) => i % spec.classes),
    'int32',
  );
  const optimizer = tf.train.momentum(0.03, 0.9);
  const step = () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => rawResnetLoss(spec, named, images, labels), vars);
      optimizer.applyGradients(grads as Parameters<typeof optimizer.applyGradients>[0]);
      value.dataSync();
    });
  step(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  const seconds = (performance.now() - t0) / 1000;
  optimizer.dispose();
  tf.dispose([...vars, images, labels]);
  return (batch * steps) / seconds;
}

function trainingStep(): void {
  const size = 64;
  console.log(`\n## One training step, raw-op ResNet-18 (${RESNET18_SPEC.classes} classes), ${size} px, batch ${batch}, wasm\n`);
  console.log('| Conv2DBackpropInput | images/s | ms/step |');
  console.log('|---|---|---|');
  for (const variant of ['library fill (default)', "wasm's own"] as const) {
    if (variant === "wasm's own") restoreBackendKernels('wasm');
    else useKernelOverrides('wasm');
    const ips = trainingStepImagesPerSecond(size, 2);
    console.log(`| ${variant} | ${ips.toFixed(1)} | ${((1000 * batch) / ips).toFixed(0)} |`);
  }
  useKernelOverrides('wasm');
}

await tf.setBackend('wasm');
console.log(`tfjs-core ${tf.version_core}, backend ${tf.getBackend()}, Node ${process.version}`);
perKernel();
useKernelOverrides('wasm');
trainingStep();
