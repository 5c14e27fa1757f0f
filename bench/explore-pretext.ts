/**
 * Where the pretext task fails: trains the fast preset's patch network on one generated kind (or an
 * MVTec category's train/good) and classifies fresh held-out pretext batches, then breaks the accuracy
 * down by class and by how much each augmented copy changed (changed pixels, mean change, and the
 * change against the original crop's own pixel noise: its mean absolute difference between
 * neighbouring pixels). No test labels are read: this is about the pretext task only.
 *
 *   npx tsx bench/explore-pretext.ts --kind pill [--data-seed 8] [--options '{"steps":1000}'] [--batches 16]
 *   npx tsx bench/explore-pretext.ts --category ../shared/data/mvtec/bottle
 */
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    kind: { type: 'string', default: 'pill' },
    category: { type: 'string' },
    'data-seed': { type: 'string', default: '8' },
    seed: { type: 'string', default: '0' },
    train: { type: 'string', default: '200' },
    options: { type: 'string', default: '{}' },
    batches: { type: 'string', default: '16' },
  },
});

const tf = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-layers');
await import('@tensorflow/tfjs-backend-wasm');
const lib = await import('../src/node/index');
const { createSyntheticCategory } = await import('../src/synthetic');
const { resolveCutPasteOptions, trainOptionsOf } = await import('../src/detector/options');
const { buildNetworks } = await import('../src/detector/networks');
const { toModelInput } = await import('../src/detector/input');
const { trainSelfSupervised } = await import('../src/train/trainer');
const { resolveTrainOptions } = await import('../src/train/options');
const { nextBatch } = await import('../src/train/pretextBatch');
const { visibleCopiesOf } = await import('../src/train/pretextProbe');
const { createRng } = await import('../src/math/random');
tf.enableProdMode();
await tf.setBackend('wasm');

type Kind = Parameters<typeof createSyntheticCategory>[0]['kind'];
const extra = JSON.parse(values.options) as Record<string, unknown>;
const o = resolveCutPasteOptions({ preset: 'fast', seed: Number(values.seed), ...extra } as never);
const networks = buildNetworks(o);
const images = values.category
  ? await (await lib.loadMvtecCategory(values.category, { imageSize: o.imageSize })).loadTrain()
  : [
      ...createSyntheticCategory({
        kind: values.kind as Kind,
        seed: Number(values['data-seed']),
        trainCount: Number(values.train),
        testCount: 2,
      }).trainImages(),
    ];
const input = await toModelInput(images, o.imageSize, networks.encoder.inputChannels, 'explore-pretext');
const trainOptions = trainOptionsOf(o); // what `fit` passes the trainer
const start = performance.now();
const report = await trainSelfSupervised(networks, input.images, { ...trainOptions, workers: 'auto' });
console.log(
  `${values.category ?? values.kind} ${JSON.stringify(extra)}: trained ${((performance.now() - start) / 1000).toFixed(0)} s, ` +
    `last batches ${(100 * report.pretextAccuracy).toFixed(1)} %, held out ${(100 * report.heldOut!.accuracy).toFixed(1)} % ` +
    `(visible ${(100 * report.heldOut!.visibleAccuracy).toFixed(1)} %, ${(100 * report.heldOut!.visibleFraction).toFixed(1)} % of copies)`,
);

// Fresh batches from a stream neither the training nor the trainer's probe used.
const [n, height, width, channels] = input.images.shape;
const dataset = { data: Float32Array.from(await input.images.data()), batch: n, height, width, channels };
const resolved = resolveTrainOptions({ ...trainOptions, redrawInvisible: false });
const rng = createRng(`${o.seed}/explore-pretext`);
interface Row {
  label: number;
  predicted: number;
  changed: number;
  meanChange: number;
  noise: number;
  visible: boolean;
  /** Distance of the changed pixels' centroid from the crop's centre, in crop sides. */
  offCentre: number;
}
const rows: Row[] = [];
for (let b = 0; b < Number(values.batches); b++) {
  const indices = Array.from({ length: o.batchSize }, () => Math.floor(rng() * n));
  const batch = nextBatch(dataset, indices, resolved, rng);
  const { images: px, labels, sources } = batch;
  const visible = visibleCopiesOf(px, labels, sources!);
  const logits = tf.tidy(() => {
    const x = tf.tensor4d(px.data, [px.batch, px.height, px.width, px.channels]);
    return tf.argMax(networks.classifier.apply(networks.head.apply(networks.encoder.features(x, false), false), false), 1);
  });
  const predicted = await logits.data();
  logits.dispose();
  const size = px.height * px.width * px.channels;
  for (let i = 0; i < px.batch; i++) {
    const s = sources![i]! * size;
    const c = i * size;
    let changed = 0;
    let total = 0;
    let noise = 0;
    let pairs = 0;
    let sy = 0;
    let sx = 0;
    for (let y = 0; y < px.height; y++) {
      for (let x = 0; x < px.width; x++) {
        let d = 0;
        for (let k = 0; k < px.channels; k++) {
          const p = (y * px.width + x) * px.channels + k;
          d += Math.abs(px.data[c + p]! - px.data[s + p]!);
          if (x + 1 < px.width) {
            noise += Math.abs(px.data[s + p + px.channels]! - px.data[s + p]!);
            pairs++;
          }
        }
        d /= px.channels;
        if (d > 1 / 255) {
          changed++;
          total += d;
          sy += y;
          sx += x;
        }
      }
    }
    rows.push({
      label: labels[i]!,
      predicted: predicted[i]!,
      changed,
      meanChange: changed ? total / changed : 0,
      noise: noise / pairs,
      visible: visible[i] === 1,
      offCentre: changed
        ? Math.max(Math.abs(sy / changed - (px.height - 1) / 2) / px.height, Math.abs(sx / changed - (px.width - 1) / 2) / px.width)
        : 0,
    });
  }
}

const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(1) : '–');
const classes = o.variant === '3way' ? 3 : 2;
console.log('confusion (rows: label, columns: predicted):');
for (let l = 0; l < classes; l++) {
  const r = rows.filter((x) => x.label === l);
  console.log(
    `  ${l}: ${Array.from({ length: classes }, (_, p) => pct(r.filter((x) => x.predicted === p).length, r.length)).join(' / ')} (${r.length})`,
  );
}
const copies = rows.filter((r) => r.label > 0);
const bucket = (name: string, keep: (r: Row) => boolean) => {
  const r = copies.filter(keep);
  const right = r.filter((x) => x.predicted === x.label).length;
  const flagged = r.filter((x) => x.predicted > 0).length;
  console.log(
    `  ${name.padEnd(34)} ${String(r.length).padStart(5)} copies, exact ${pct(right, r.length).padStart(5)} %, called abnormal ${pct(flagged, r.length).padStart(5)} %`,
  );
};
console.log('copies by change:');
bucket('visible (the probe)', (r) => r.visible);
bucket('not visible', (r) => !r.visible);
for (const [lo, hi] of [
  [0, 1],
  [1, 2],
  [2, 4],
  [4, Infinity],
] as [number, number][]) {
  bucket(
    `visible, change/noise in [${lo}, ${hi})`,
    (r) => r.visible && r.meanChange / Math.max(r.noise, 1e-6) >= lo && r.meanChange / Math.max(r.noise, 1e-6) < hi,
  );
}
for (const [lo, hi] of [
  [4, 16],
  [16, 64],
  [64, 256],
  [256, 1025],
] as [number, number][]) {
  bucket(`visible, changed px in [${lo}, ${hi})`, (r) => r.visible && r.changed >= lo && r.changed < hi);
}
for (const [lo, hi] of [
  [0, 0.125],
  [0.125, 0.25],
  [0.25, 0.5],
] as [number, number][]) {
  bucket(`visible, centroid off centre [${lo}, ${hi})`, (r) => r.visible && r.offCentre >= lo && r.offCentre < hi);
}
for (const l of [1, 2]) bucket(`visible, class ${l}`, (r) => r.visible && r.label === l);
