/**
 * The density choice's synthetic defects, varied, on encoders saved by `bench/ablate.ts --save-features`
 * (no retraining): for each run and each probe setting, the validation AUROC of every candidate
 * density (shared / per location, L2-normalised / raw) and what the choice keeps; beside it, the test
 * image AUROC of each candidate from the saved test features.
 *
 *   npx tsx bench/explore-probes.ts --runs tile-d8-s0-trained-stain --probes '[{},{"stain":{"strength":[0.2,0.5]}}]'
 */
import { parseArgs } from 'node:util';
import { readSavedRun, savedNetworks } from './savedFeatures';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: '/tmp/feats' },
    runs: { type: 'string' },
    probes: { type: 'string', default: '[{}]' },
    'data-seed': { type: 'string', default: '8' },
  },
});

const tf = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-layers');
await import('@tensorflow/tfjs-backend-wasm');
const lib = await import('../src/node/index');
const { createSyntheticCategory } = await import('../src/synthetic');
const { disposeNetworks } = await import('../src/detector/networks');
const { encoderFeaturizer } = await import('../src/detector/featurizer');
const { fitDensity, scoreDensity } = await import('../src/detector/densityStage');
const { chooseDensityKind } = await import('../src/detector/densityChoice');
const { locationAlignment } = await import('../src/density/locationAlignment');
const { mapsFromGrid } = await import('../src/detector/scoring');
const { toModelInput } = await import('../src/detector/input');
await tf.setBackend('wasm');
tf.enableProdMode();

const pct = (x: number) => (100 * x).toFixed(1);
const probeSettings = JSON.parse(values.probes) as Record<string, unknown>[];

for (const run of (values.runs ?? '').split(',')) {
  const { meta, train: fTrain, test: fTest } = readSavedRun(values.dir, run);
  const { options: o, networks } = await savedNetworks(values.dir, run);
  const category = createSyntheticCategory({
    kind: meta.kind as never,
    seed: Number(values['data-seed']),
    trainCount: meta.n,
    testCount: meta.m,
  });
  const input = await toModelInput([...category.trainImages()], o.imageSize, networks.encoder.inputChannels, 'explore-probes');
  const featurizer = encoderFeaturizer(networks.encoder, meta.layout as never, o.inferenceBatchSize); // saved by ablate: a full PatchLayout
  const { n, m, L, d, labels } = meta;
  // Test AUROC of each candidate, from the saved features.
  const test: string[] = [];
  for (const l2Normalize of [true, false])
    for (const kind of ['shared', 'per-location'] as const) {
      const density = fitDensity(kind, fTrain, n, L, d, { shrinkage: 'ledoit-wolf', l2Normalize, maxRows: 100_000, seed: 0 });
      const maps = mapsFromGrid(scoreDensity(density, fTest, m, L), m, meta.layout, meta.scoreSigma);
      test.push(
        `${kind}${l2Normalize ? '' : ' raw'} ${pct(
          lib.rocAuc(
            maps.map((x) => x.reduce((a, b) => Math.max(a, b), -Infinity)),
            labels,
          ),
        )}`,
      );
    }
  console.log(`${run}: test ${test.join(', ')}`);
  const alignment = locationAlignment(fTrain, n, L, d, true);
  for (const probes of probeSettings) {
    const choice = await chooseDensityKind(featurizer, input.images, fTrain, { ...o, l2Normalize: 'auto' }, alignment, probes);
    console.log(
      `  probes ${JSON.stringify(probes)}: kept ${choice.kind}${choice.l2Normalize ? '' : ' raw'} (${choice.decidedBy} ± ${pct(choice.standardError ?? NaN)}); ` +
        choice.candidates!.map((c) => `${c.kind}${c.l2Normalize ? '' : ' raw'} ${pct(c.auroc)}`).join(', '),
    );
  }
  input.images.dispose();
  disposeNetworks(networks);
}
