/**
 * Where an object kind's maps peak: fits the fast preset on one generated object kind (a validation
 * draw), scores the test images and places each image's map maximum in its object's own frame (u
 * along the object's axis, v across it, in object radii from the centroid; `objectPoses` on the image
 * as given) and at its distance from the image's border. Then image AUROC from each map's maximum
 * outside a band of `--margins` px along the image's border: how much of the ranking the border
 * decides. Session 10 found the highest normal bolts peaking on the border, beside the frame's fill.
 *
 *   npx tsx bench/explore-map-maxima.ts [--kind bolt] [--data-seed 9] [--options '{"steps":1,"fusion":"colour"}'] [--margins 0,8,16,32,48]
 */
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    kind: { type: 'string', default: 'bolt' },
    'data-seed': { type: 'string', default: '9' },
    seed: { type: 'string', default: '0' },
    train: { type: 'string', default: '200' },
    test: { type: 'string', default: '100' },
    options: { type: 'string', default: '{"steps":1}' },
    margins: { type: 'string', default: '0,8,16,24,32,48' },
    /** Print this many of the highest-scoring normal images. */
    top: { type: 'string', default: '8' },
  },
});

const tf = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-layers');
await import('@tensorflow/tfjs-backend-wasm');
const { CutPasteDetector } = await import('../src/node/index');
const { createSyntheticCategory } = await import('../src/synthetic');
const { objectPoses } = await import('../src/ops/pixels/objectPose');
const { rocAuc } = await import('../src/math/rocAuc');
tf.enableProdMode();
await tf.setBackend('wasm');

type Kind = Parameters<typeof createSyntheticCategory>[0]['kind'];
const category = createSyntheticCategory({
  kind: values.kind as Kind,
  seed: Number(values['data-seed']),
  trainCount: Number(values.train),
  testCount: Number(values.test),
});
const train = [...category.trainImages()];
const test = [...category.testSamples()];
const detector = await CutPasteDetector.create({ preset: 'fast', seed: Number(values.seed), ...(JSON.parse(values.options) as object) });
const report = await detector.fit(train, { workers: 'auto' });
console.log(`aligned: ${report.objectPose?.aligned ?? false}; fused: ${JSON.stringify(report.companion ?? 'none')}`);
const maps = await detector.scoreMaps(test.map((s) => s.image));
const scores = await detector.score(test.map((s) => s.image));
detector.dispose();

const labels = test.map((s) => s.label);
const rows = test.map((sample, i) => {
  const { data, width, height, channels } = sample.image;
  const pixels = Float32Array.from(data, (v) => (data instanceof Uint8Array ? v / 255 : v));
  const [pose] = objectPoses({ data: pixels, batch: 1, height, width, channels });
  const map = maps[i]!;
  let arg = 0;
  for (let k = 1; k < map.data.length; k++) if (map.data[k]! > map.data[arg]!) arg = k;
  const y = ((Math.floor(arg / map.width) + 0.5) * height) / map.height;
  const x = (((arg % map.width) + 0.5) * width) / map.width;
  const [dx, dy, c, s] = [x - pose!.cx, y - pose!.cy, Math.cos(pose!.angle), Math.sin(pose!.angle)];
  const radius = pose!.radius || 1;
  return {
    type: sample.label === 1 ? (sample.defectType ?? 'defect') : 'good',
    score: scores[i]!,
    u: (dx * c + dy * s) / radius,
    v: (-dx * s + dy * c) / radius,
    border: Math.min(x, y, width - x, height - y),
  };
});
const top = rows.filter((r) => r.type === 'good').sort((a, b) => b.score - a.score);
console.log(`\nhighest-scoring normal images (u, v in object radii; border: px from the image's edge):`);
for (const r of top.slice(0, Number(values.top)))
  console.log(`  ${r.score.toFixed(2)}  u ${r.u.toFixed(2)}  v ${r.v.toFixed(2)}  border ${r.border.toFixed(0)}`);

console.log(`\n| image score | image AUROC |\n|---|---:|`);
console.log(`| as scored | ${(rocAuc(Array.from(scores), labels) * 100).toFixed(1)} |`);
for (const margin of values.margins.split(',').map(Number)) {
  const banded = maps.map((map) => {
    let best = -Infinity;
    const scale = test[0]!.image.width / map.width;
    for (let y = 0; y < map.height; y++)
      for (let x = 0; x < map.width; x++)
        if (Math.min(x, y, map.width - 1 - x, map.height - 1 - y) * scale >= margin) best = Math.max(best, map.data[y * map.width + x]!);
    return best;
  });
  console.log(`| map maximum ≥ ${margin} px from the border | ${(rocAuc(banded, labels) * 100).toFixed(1)} |`);
}
