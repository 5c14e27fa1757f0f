/**
 * Per-location calibration of the patch scores, on runs saved by `bench/ablate.ts --save-features
 * DIR`. Some grid locations score high on every normal image (an aligned object's outline, where a
 * small misalignment moves an edge); the image score, the map's maximum, then reads those locations
 * more than a defect elsewhere. Each location's test scores are standardised by the out-of-fold
 * scores of the training images at that location (`outOfFoldGrid`: each training image scored by a
 * density fitted without it) before the map is spread and its maximum taken. Variants:
 * - `as now`: the map as the detector makes it (the scorer's map divided by the spread of its
 *   out-of-fold image scores, for the fusion);
 * - `centred`: each location's out-of-fold mean subtracted;
 * - `z`: each location's out-of-fold mean subtracted and its standard deviation divided out.
 * Image / pixel AUROC of CutPaste's map alone and fused with the colour scorer (calibrated alike).
 *
 *   npx tsx bench/explore-calibration.ts --runs pill-d8-s0-trained:per-location,board-d8-s0-trained:per-location [--dir /tmp/feats] [--data-seed 8]
 */
import { parseArgs } from 'node:util';
import { fitColourScorer, pixelAuroc, readSavedRun, spread } from './savedFeatures';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: '/tmp/feats' },
    runs: { type: 'string' },
    'data-seed': { type: 'string', default: '8' },
  },
});
const tf = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-backend-wasm');
const { rocAuc } = await import('../src/math/rocAuc');
const { createSyntheticCategory } = await import('../src/synthetic');
const { fitDensity, scoreDensity } = await import('../src/detector/densityStage');
const { mapsFromGrid, outOfFoldGrid, outOfFoldScores } = await import('../src/detector/scoring');
const { toModelInput } = await import('../src/detector/input');
await tf.setBackend('wasm');
tf.enableProdMode();

type Variant = 'as now' | 'centred' | 'z';
const VARIANTS: readonly Variant[] = ['as now', 'centred', 'z'];
const pct = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(1) : '–');
const maxima = (maps: Float32Array[]) => maps.map((map) => map.reduce((a, b) => Math.max(a, b), -Infinity));

/** Test grid scores `[m, L]` calibrated by the out-of-fold training grid `[n, L]` as `variant` says. */
function calibrate(test: Float32Array, oof: Float32Array, n: number, L: number, variant: Variant, image: { mu: number; sd: number }) {
  if (variant === 'as now') return test.map((v) => (v - image.mu) / image.sd);
  const mu = new Float64Array(L);
  const sd = new Float64Array(L);
  for (let i = 0; i < n; i++) for (let l = 0; l < L; l++) mu[l]! += oof[i * L + l]! / n;
  for (let i = 0; i < n; i++) for (let l = 0; l < L; l++) sd[l]! += (oof[i * L + l]! - mu[l]!) ** 2 / n;
  return test.map((v, k) => {
    const l = k % L;
    return variant === 'centred' ? (v - mu[l]!) / image.sd : (v - mu[l]!) / (Math.sqrt(sd[l]!) || 1);
  });
}

for (const spec of (values.runs ?? '').split(',')) {
  const [run, densityKind] = spec.split(':') as [string, 'shared' | 'per-location'];
  const { meta, train, test, masks } = readSavedRun(values.dir, run);
  const { n, m, L, d, labels, layout } = meta;
  const settings = { scoreSigma: meta.scoreSigma, shrinkage: 'ledoit-wolf', l2Normalize: true, densityMaxRows: 100_000, seed: 0 };
  const density = fitDensity(densityKind, train, n, L, d, { shrinkage: 'ledoit-wolf', l2Normalize: true, maxRows: 100_000, seed: 0 });
  const state = { featurizer: { grid: layout, dimension: d }, density, settings } as never;
  const own = {
    test: scoreDensity(density, test, m, L),
    oof: outOfFoldGrid(state, train, n, d, true)!,
    image: spread(outOfFoldScores(state, train, n, d, true)!),
  };

  const category = createSyntheticCategory({ kind: meta.kind as never, seed: Number(values['data-seed']), trainCount: n, testCount: m });
  const trainIn = await toModelInput([...category.trainImages()], meta.imageSize, category.channels, 'calibration');
  const testIn = await toModelInput(
    [...category.testSamples()].map((s) => s.image),
    meta.imageSize,
    category.channels,
    'calibration',
  );
  const { featurizer: colour, stage: colourStage } = await fitColourScorer(layout, category.channels, trainIn.images, meta.scoreSigma);
  const cTrain = await colour.embed(trainIn.images);
  const c = {
    test: scoreDensity(colourStage.state.density, await colour.embed(testIn.images), m, L),
    oof: outOfFoldGrid(colourStage.state, cTrain, n, colour.dimension, false)!,
    image: spread(colourStage.outOfFold!),
  };
  trainIn.images.dispose();
  testIn.images.dispose();

  const pixel = (maps: Float32Array[]) => (masks.length === m * maps[0]!.length ? pct(pixelAuroc(maps, masks)) : '–');
  const line = [run];
  for (const variant of VARIANTS) {
    const a = calibrate(own.test, own.oof, n, L, variant, own.image);
    const b = calibrate(c.test, c.oof, n, L, variant, c.image);
    const alone = mapsFromGrid(a, m, layout, meta.scoreSigma);
    const fused = mapsFromGrid(
      a.map((v, k) => v + b[k]!),
      m,
      layout,
      meta.scoreSigma,
    );
    line.push(
      `${variant}: alone ${pct(rocAuc(maxima(alone), labels))} / ${pixel(alone)}, fused ${pct(rocAuc(maxima(fused), labels))} / ${pixel(fused)}`,
    );
  }
  console.log(line.join(' | '));
}
