/**
 * What `alignObjects: 'auto'` sees on each generated kind (and MVTec bottle when ../shared has it):
 * the training images' object poses (`fitPoseStage`'s report) and whether the rule aligns them.
 * Cheap (no training): run it on any draw to check the rule's decisions.
 *
 *   npx tsx bench/explore-poses.ts [--data-seed 8] [--train 60] [--size 256]
 */
import { existsSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    'data-seed': { type: 'string', default: '8' },
    train: { type: 'string', default: '60' },
    size: { type: 'string', default: '256' },
  },
});
const tf = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-backend-cpu');
await tf.setBackend('cpu');
const { createSyntheticCategory, listSyntheticKinds } = await import('../src/synthetic');
const { fitPoseStage } = await import('../src/detector/poseStage');
const { toModelInput } = await import('../src/detector/input');
const { readImage } = await import('../src/node/index');

const size = Number(values.size);
type Images = Parameters<typeof toModelInput>[0];
async function show(name: string, images: Images, channels: number): Promise<void> {
  const x = await toModelInput(images, [size, size], channels, 'explore-poses');
  const { report: p } = await fitPoseStage(x.images, 'auto');
  x.images.dispose();
  console.log(
    `${name.padEnd(8)} aligned ${String(p!.aligned).padEnd(5)} found ${p!.found.toFixed(2)} elongation ${p!.elongation.toFixed(2)} ` +
      `angle spread ${p!.angleSpread.toFixed(2)} shift ${p!.shift.toFixed(3)} size ${p!.size.toFixed(2)}${p!.radius ? ` frame radius ${p!.radius.toFixed(0)} px` : ''}`,
  );
}
for (const { kind, channels } of listSyntheticKinds()) {
  const category = createSyntheticCategory({ kind, seed: Number(values['data-seed']), trainCount: Number(values.train), testCount: 1 });
  const images = [...category.trainImages()];
  await show(kind, images, channels);
}
const bottle = '../shared/data/mvtec/bottle/train/good';
if (existsSync(bottle)) {
  const files = readdirSync(bottle).sort().slice(0, Number(values.train));
  await show('bottle', await Promise.all(files.map((f) => readImage(`${bottle}/${f}`))), 3);
}
