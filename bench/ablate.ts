/**
 * Scoring ablations on generated categories: one training run per kind and seed, then every scoring
 * variant on the same features (training is the expensive part; densities and image scores are
 * cheap). Image AUROC per variant, trained and untrained; the development loop of docs/results.md.
 *
 *   npx tsx bench/ablate.ts --kinds pill,bolt [--data-seed 8] [--seeds 0] [--untrained]
 *                           [--train 200] [--test 100] [--options '{"steps":1000}'] [--tag name]
 *
 * Variants (image AUROC, %):
 * - `shared` / `per-loc`: the patch density, image score = max of the spread map;
 * - `…top2%`: the mean of the top 2 % of the map's pixels instead of its maximum;
 * - `global`: a GDE over each image's mean patch feature (image-level evidence);
 * - `…+global`: the patch score and the global score fused as the sum of their z-scores, each
 *   standardised by the out-of-fold scores of the training images;
 * - `auto`: the density `perLocation: 'auto'` chooses (`chooseDensityKind`).
 * Pixel AUROC is printed for the two patch densities. Settings are chosen on validation draws (any
 * data seed but 7); seed 7 is the reported test draw. Results are appended to bench/output/ablate.jsonl.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    kinds: { type: 'string', default: 'pill' },
    'data-seed': { type: 'string', default: '8' },
    seeds: { type: 'string', default: '0' },
    untrained: { type: 'boolean', default: false },
    train: { type: 'string', default: '200' },
    test: { type: 'string', default: '100' },
    options: { type: 'string', default: '{}' },
    tag: { type: 'string', default: '' },
    workers: { type: 'string', default: 'auto' },
    'save-features': { type: 'string' },
  },
});

const tf = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-layers');
await import('@tensorflow/tfjs-backend-wasm');
const lib = await import('../src/node/index');
const { createSyntheticCategory } = await import('../src/synthetic');
const { resolveCutPasteOptions, trainOptionsOf } = await import('../src/detector/options');
const { buildNetworks, disposeNetworks } = await import('../src/detector/networks');
const { patchLayout } = await import('../src/detector/embedding');
const { mapsFromGrid } = await import('../src/detector/scoring');
const { encoderFeaturizer } = await import('../src/detector/featurizer');
const { fitDensity, scoreDensity } = await import('../src/detector/densityStage');
const { chooseDensityKind } = await import('../src/detector/densityChoice');
const { toModelInput } = await import('../src/detector/input');
const { trainSelfSupervised } = await import('../src/train/trainer');
tf.enableProdMode();
await tf.setBackend('wasm');

type Kind = Parameters<typeof createSyntheticCategory>[0]['kind'];
const extra = JSON.parse(values.options) as Record<string, unknown>;
const dataSeed = Number(values['data-seed']);
const workers = values.workers === 'auto' ? ('auto' as const) : Number(values.workers);
mkdirSync('bench/output', { recursive: true });
const pct = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(1) : '–');

for (const kind of values.kinds.split(',') as Kind[]) {
  const category = createSyntheticCategory({ kind, seed: dataSeed, trainCount: Number(values.train), testCount: Number(values.test) });
  const train = [...category.trainImages()];
  const test = [...category.testSamples()];
  const labels = test.map((s) => s.label);
  for (const seed of values.seeds.split(',').map(Number)) {
    for (const trained of values.untrained ? [true, false] : [true]) {
      const o = resolveCutPasteOptions({ preset: 'fast', seed, ...extra, ...(trained ? {} : { steps: 1 }) } as never);
      const networks = buildNetworks(o);
      const trainIn = await toModelInput(train, o.imageSize, networks.encoder.inputChannels, 'ablate');
      const testIn = await toModelInput(
        test.map((s) => s.image),
        o.imageSize,
        networks.encoder.inputChannels,
        'ablate',
      );
      const start = performance.now();
      // The detector's own training options (patch level, seed `${seed}/train`), as `fit` passes them.
      const report = await trainSelfSupervised(networks, trainIn.images, { ...trainOptionsOf(o), workers });
      const trainSeconds = (performance.now() - start) / 1000;
      const [h, w] = o.imageSize;
      const layout = patchLayout(networks.encoder, h, w, o.patchSize, o.stride);
      const d = networks.encoder.featureDim;
      const L = layout.rows * layout.cols;
      const n = train.length;
      const m = test.length;
      const featurizer = encoderFeaturizer(networks.encoder, layout, o.inferenceBatchSize);
      const fTrain = await featurizer.embed(trainIn.images);
      const fTest = await featurizer.embed(testIn.images);
      const saveDir = values['save-features'];
      if (saveDir !== undefined) {
        // Features, labels and masks for scoring experiments without retraining (bench/output is not committed).
        mkdirSync(saveDir, { recursive: true });
        const base = `${saveDir}/${kind}-d${dataSeed}-s${seed}-${trained ? 'trained' : 'untrained'}${values.tag ? `-${values.tag}` : ''}`;
        writeFileSync(`${base}.train.f32`, Buffer.from(fTrain.buffer, fTrain.byteOffset, fTrain.byteLength));
        // The trained encoder too (`bench/savedFeatures.ts` readEncoderWeights), for experiments that embed new images.
        const weights = networks.encoder.getWeights();
        const index: { name: string; shape: number[]; offset: number }[] = [];
        const blobs: Buffer[] = [];
        let offset = 0;
        for (const [name, t] of Object.entries(weights)) {
          const values = t.dataSync() as Float32Array;
          index.push({ name, shape: t.shape, offset });
          blobs.push(Buffer.from(values.buffer, values.byteOffset, values.byteLength));
          offset += values.length;
          t.dispose();
        }
        writeFileSync(`${base}.encoder.json`, JSON.stringify({ options: { preset: 'fast', seed, ...extra }, index }));
        writeFileSync(`${base}.encoder.f32`, Buffer.concat(blobs));
        writeFileSync(`${base}.test.f32`, Buffer.from(fTest.buffer, fTest.byteOffset, fTest.byteLength));
        writeFileSync(
          `${base}.json`,
          JSON.stringify({
            kind,
            n,
            m,
            L,
            d,
            layout,
            imageSize: o.imageSize,
            patchSize: o.patchSize,
            stride: o.stride,
            scoreSigma: o.scoreSigma,
            labels,
          }),
        );
        const maskBytes = new Uint8Array(test.reduce((a, s) => a + s.mask.length, 0));
        let at = 0;
        for (const s of test) {
          for (let p = 0; p < s.mask.length; p++) maskBytes[at + p] = s.mask[p]! > 0 ? 1 : 0;
          at += s.mask.length;
        }
        writeFileSync(`${base}.masks.u8`, maskBytes);
      }
      const { locationAlignment } = await import('../src/density/locationAlignment');
      const alignment = locationAlignment(fTrain, n, L, d, o.l2Normalize !== false);
      const choice = await chooseDensityKind(featurizer, trainIn.images, fTrain, o, alignment);
      // The variants below use the normalisation the choice kept.
      const gdeOptions = {
        shrinkage: o.shrinkage,
        l2Normalize: choice.l2Normalize ?? o.l2Normalize !== false,
        maxRows: o.densityMaxRows,
        seed: o.seed,
      };

      const row: Record<string, number> = {};
      const patchScores = (
        kindName: 'shared' | 'per-location',
        features: Float32Array,
        count: number,
        from: Float32Array,
        fromCount: number,
      ) => {
        const density = fitDensity(kindName, from, fromCount, L, d, gdeOptions);
        const maps = mapsFromGrid(scoreDensity(density, features, count, L), count, layout, o.scoreSigma);
        return maps;
      };
      const aggregate = (maps: Float32Array[], fraction: number) =>
        maps.map((map) => {
          if (fraction === 0) return map.reduce((a, b) => Math.max(a, b), -Infinity);
          const sorted = Float32Array.from(map).sort();
          const k = Math.max(1, Math.round(fraction * sorted.length));
          let s = 0;
          for (let i = sorted.length - k; i < sorted.length; i++) s += sorted[i]!;
          return s / k;
        });
      // Out-of-fold training scores (5 folds) for the z-score fusion.
      const folds = 5;
      const pick = (from: Float32Array, idx: number[], stride: number) => {
        const out = new Float32Array(idx.length * stride);
        idx.forEach((i, j) => out.set(from.subarray(i * stride, (i + 1) * stride), j * stride));
        return out;
      };
      const pooled = (features: Float32Array, count: number) => {
        const out = new Float32Array(count * d);
        for (let i = 0; i < count; i++)
          for (let l = 0; l < L; l++) for (let k = 0; k < d; k++) out[i * d + k]! += features[(i * L + l) * d + k]! / L;
        return out;
      };
      const gTrain = pooled(fTrain, n);
      const gTest = pooled(fTest, m);
      const globalTest = fitDensity('image', gTrain, n, 1, d, gdeOptions);
      const globalScores = Array.from(scoreDensity(globalTest, gTest, m, 1));
      const oofGlobal: number[] = [];
      const oofPatch: Record<string, number[]> = { shared: [], 'per-location': [] };
      for (let f = 0; f < folds; f++) {
        const kept = [...Array(n).keys()].filter((i) => i % folds !== f);
        const held = [...Array(n).keys()].filter((i) => i % folds === f);
        const g = fitDensity('image', pick(gTrain, kept, d), kept.length, 1, d, gdeOptions);
        oofGlobal.push(...scoreDensity(g, pick(gTrain, held, d), held.length, 1));
        for (const k of ['shared', 'per-location'] as const) {
          oofPatch[k]!.push(
            ...aggregate(patchScores(k, pick(fTrain, held, L * d), held.length, pick(fTrain, kept, L * d), kept.length), 0),
          );
        }
      }
      const z = (xs: number[], ref: number[]) => {
        const mu = ref.reduce((a, b) => a + b, 0) / ref.length;
        const sd = Math.sqrt(ref.reduce((a, b) => a + (b - mu) ** 2, 0) / ref.length) || 1;
        return xs.map((x) => (x - mu) / sd);
      };
      row.global = lib.rocAuc(globalScores, labels);
      const masks = test.map((s) => s.mask);
      for (const k of ['shared', 'per-location'] as const) {
        const maps = patchScores(k, fTest, m, fTrain, n);
        const name = k === 'shared' ? 'shared' : 'per-loc';
        const max = aggregate(maps, 0);
        row[name] = lib.rocAuc(max, labels);
        row[`${name}-top2%`] = lib.rocAuc(aggregate(maps, 0.02), labels);
        const zp = z(max, oofPatch[k]!);
        const zg = z(globalScores, oofGlobal);
        row[`${name}+global`] = lib.rocAuc(
          zp.map((v, i) => v + zg[i]!),
          labels,
        );
        // Pixel AUROC over all test pixels (maps at model size; masks resized only when sizes differ).
        const flatMaps: number[] = [];
        const flatMasks: number[] = [];
        maps.forEach((map, i) => {
          const mask = masks[i]!;
          if (mask.length !== map.length) return;
          for (let p = 0; p < map.length; p += 4) {
            flatMaps.push(map[p]!);
            flatMasks.push(mask[p]! > 0 ? 1 : 0);
          }
        });
        row[`${name}-pixel`] = flatMaps.length ? lib.rocAuc(flatMaps, flatMasks) : NaN;
      }
      row.auto = choice.kind === 'shared' ? row.shared! : row['per-loc']!;
      const record = {
        tag: values.tag,
        kind,
        dataSeed,
        seed,
        trained,
        options: extra,
        trainSeconds,
        pretext: report.pretextAccuracy,
        heldOut: report.heldOut,
        choice,
        row,
        at: new Date().toISOString(),
      };
      appendFileSync('bench/output/ablate.jsonl', `${JSON.stringify(record)}\n`);
      console.log(
        `${kind} seed ${seed} ${trained ? 'trained' : 'untrained'} (${trainSeconds.toFixed(0)} s; pretext ${pct(report.pretextAccuracy)}, held out ` +
          `${pct(report.heldOut?.accuracy ?? NaN)}, visible ${pct(report.heldOut?.visibleAccuracy ?? NaN)} of ${pct(report.heldOut?.visibleFraction ?? NaN)}; ` +
          `auto → ${choice.kind}${choice.l2Normalize === false ? ', raw' : ''} by ${choice.decidedBy} ± ${pct(choice.standardError ?? NaN)}` +
          `${choice.candidates ? ` [${choice.candidates.map((c) => `${c.kind}${c.l2Normalize ? '' : ' raw'} ${pct(c.auroc)}`).join(', ')}]` : ''}): ${Object.entries(
            row,
          )
            .map(([k, v]) => `${k} ${pct(v)}`)
            .join(', ')}`,
      );
      disposeNetworks(networks);
      trainIn.images.dispose();
      testIn.images.dispose();
    }
  }
}
