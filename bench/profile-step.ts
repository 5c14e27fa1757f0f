/**
 * Where a training step's time goes: tfjs's kernel profile of one 3-way step (batch 96), per kernel.
 *
 *   npx tsx bench/profile-step.ts [backend=wasm] [preset=patch32] [size=32]
 *
 * Prints the total kernel time, the kernels that take it (ms, calls, share) and the step's wall time
 * (mean of 5 steps, outside the profiler). The gap between the two is JS work between kernels:
 * batch upload, tape bookkeeping, the optimizer's scalar reads.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { linearClassifier, MomentumSGD, projectionHead, resnet, resnetPreset, trainStep, type ResNetPresetName } from '../src/advanced';

tf.env().set('PROD', true);
await tf.setBackend(process.argv[2] ?? 'wasm');
const preset = (process.argv[3] ?? 'patch32') as ResNetPresetName;
const size = Number(process.argv[4] ?? 32);
const BATCH = 96;
const encoder = resnet(resnetPreset(preset), { seed: 0 });
const head = projectionHead({ inputDim: encoder.featureDim, widths: [512, 128] });
const classifier = linearClassifier({ inputDim: head.outputDim, classes: 3 });
const model = { encoder, head, classifier };
const variables = [...encoder.trainableVariables(), ...head.trainableVariables(), ...classifier.trainableVariables()];
const optimizer = new MomentumSGD(variables);
const x = tf.randomUniform([BATCH, size, size, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
const labels = Array.from({ length: BATCH }, (_, i) => i % 3);
const step = async () => {
  const [loss, accuracy] = trainStep(model, tf.clone(x), tf.tensor1d(labels, 'int32'), {
    variables,
    optimizer,
    learningRate: 0.03,
    classes: 3,
    encoderTrains: true,
  });
  await loss.data();
  tf.dispose([loss, accuracy]);
};
await step(); // warm-up
const info = await tf.profile(step);
const byKernel = new Map<string, { ms: number; calls: number }>();
for (const k of info.kernels) {
  const e = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
  e.ms += Number(k.kernelTimeMs);
  e.calls++;
  byKernel.set(k.name, e);
}
const total = [...byKernel.values()].reduce((s, e) => s + e.ms, 0);
const start = performance.now();
for (let i = 0; i < 5; i++) await step();
const wall = (performance.now() - start) / 5;
console.log(
  `${preset} @ ${size} px, batch ${BATCH}, ${tf.getBackend()}: step ${wall.toFixed(0)} ms wall, ${total.toFixed(0)} ms in kernels\n`,
);
console.log('| kernel | ms | calls | share |');
console.log('|---|---:|---:|---:|');
for (const [name, e] of [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
  console.log(`| ${name} | ${e.ms.toFixed(1)} | ${e.calls} | ${((100 * e.ms) / total).toFixed(0)} % |`);
}
optimizer.dispose();
[encoder, head, classifier, x].forEach((m) => m.dispose());
