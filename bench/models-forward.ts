/**
 * Forward (inference) throughput of the ResNet presets, batch 32, at 64 and 128 px, on the wasm and
 * cpu backends, plus multiply-adds per image and a patch32 dense pass over one 256 px image.
 * Run: node --import tsx bench/models-forward.ts [wasm|cpu ...] [--threads N]
 * (`--threads N`: the wasm backend is the multi-threaded build with N XNNPACK threads, `useThreadedWasm`).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { parseArgs } from 'node:util';
import { resnet, resnetPreset, type ResNetPresetName, type ResolvedResNetConfig } from '../src/models/index';
import { useThreadedWasm } from '../src/node/threadedWasm';

tf.env().set('IS_TEST', false);

/** Multiply-adds of one forward pass for a `size × size` image (convs only). */
function macs(c: ResolvedResNetConfig, size: number): number {
  const pad = (k: number) => (c.padding === 'same' ? Math.floor(k / 2) : 0);
  const out = (n: number, k: number, s: number) => Math.floor((n + 2 * pad(k) - k) / s) + 1;
  let n = out(size, c.stem.kernel, c.stem.stride);
  let total = n * n * c.stem.kernel ** 2 * c.inputChannels * c.stem.channels;
  if (c.stem.maxPool) n = out(n, c.stem.maxPool.kernel, c.stem.maxPool.stride);
  let ch = c.stem.channels;
  c.blocks.forEach((count, stage) => {
    for (let b = 0; b < count; b++) {
      const s = b === 0 ? c.strides[stage]! : 1;
      const w = c.widths[stage]!;
      const n1 = out(n, 3, s);
      const n2 = out(n1, 3, 1);
      total += n1 * n1 * 9 * ch * w + n2 * n2 * 9 * w * w;
      if (s !== 1 || ch !== w) total += n2 * n2 * ch * w;
      n = n2;
      ch = w;
    }
  });
  return total;
}

async function time(fn: () => tf.Tensor, reps: number): Promise<number> {
  const warm = fn();
  await warm.data();
  warm.dispose();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) {
    const y = fn();
    await y.data();
    y.dispose();
  }
  return (performance.now() - t0) / reps / 1000;
}

const { values, positionals } = parseArgs({ options: { threads: { type: 'string' } }, allowPositionals: true });
const backends = positionals.length ? positionals : ['wasm', 'cpu'];
if (values.threads !== undefined) await useThreadedWasm({ threads: Number(values.threads) });
const presets: ResNetPresetName[] = ['resnet18', 'resnet18-slim', 'patch32'];
console.log('| backend | preset | params | px | GMAC/img | img/s (batch 32) |');
console.log('|---|---|---|---|---|---|');
for (const backend of backends) {
  await tf.setBackend(backend);
  await tf.ready();
  for (const name of presets) {
    const encoder = resnet(resnetPreset(name), { seed: 1 });
    for (const size of [64, 128]) {
      const x = tf.randomUniform([32, size, size, 3]) as tf.Tensor4D;
      const reps = backend === 'cpu' ? 1 : 3;
      const s = await time(() => encoder.features(x, false), reps);
      const g = macs(encoder.config, size) / 1e9;
      console.log(
        `| ${backend} | ${name} | ${(encoder.parameterCount / 1e6).toFixed(2)} M | ${size} | ${g.toFixed(3)} | ${(32 / s).toFixed(1)} |`,
      );
      x.dispose();
    }
    if (name === 'patch32') {
      const img = tf.randomUniform([1, 256, 256, 3]) as tf.Tensor4D;
      const s = await time(() => encoder.featureMap(img, false), backend === 'cpu' ? 1 : 3);
      console.log(
        `| ${backend} | patch32 dense map of one 256×256 image (57×57 patches) | | 256 | ${(macs(encoder.config, 256) / 1e9).toFixed(3)} | ${(s * 1000).toFixed(0)} ms |`,
      );
      img.dispose();
    }
    encoder.dispose();
  }
}
