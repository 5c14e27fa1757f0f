/**
 * The colour scorer's windows, on features saved by `bench/ablate.ts --save-features DIR`: CutPaste's
 * patch map (the density named after each run) fused with the colour scorer's (`colourFeaturizer`
 * with each variant's `scales`, its own density chosen by validation), each divided by the spread of
 * its out-of-fold scores, as the detector fuses them. Prints, per variant, the colour scorer's image
 * AUROC alone, the fused image / pixel AUROC, and the fused image AUROC from the mean of the k highest
 * map values instead of the maximum (k = 64, 256, 1024 pixels).
 *
 *   npx tsx bench/explore-colour-scales.ts --runs tile-d8-s0-trained:shared,pill-d8-s0-trained:per-location [--variants '1;1,2;0.5,1,2']
 */
import { parseArgs } from 'node:util';
import { pixelAuroc, readSavedRun, spread } from './savedFeatures';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: '/tmp/feats' },
    runs: { type: 'string' },
    'data-seed': { type: 'string', default: '8' },
    /** Variants separated by `;`, each the scales of one colour scorer separated by `,`. */
    variants: { type: 'string', default: '1;1,2;0.5,1,2' },
  },
});
const tf = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-layers');
await import('@tensorflow/tfjs-backend-wasm');
const { rocAuc } = await import('../src/math/rocAuc');
const { createSyntheticCategory } = await import('../src/synthetic');
const { fitDensity, scoreDensity } = await import('../src/detector/densityStage');
const { mapsFromGrid, outOfFoldScores } = await import('../src/detector/scoring');
const { fitScoringStage } = await import('../src/detector/scoringStage');
const { toModelInput } = await import('../src/detector/input');
const { colourFeaturizer } = await import('../src/detector/colourFeaturizer');
await tf.setBackend('wasm');
tf.enableProdMode();

const pct = (x: number) => (100 * x).toFixed(1);
/** Each map's mean of its k highest values (k = 1: its maximum). */
const topMean = (maps: Float32Array[], k: number) =>
  maps.map(
    (map) =>
      Float32Array.from(map)
        .sort()
        .subarray(map.length - k)
        .reduce((s, v) => s + v, 0) / k,
  );

for (const spec of (values.runs ?? '').split(',')) {
  const [run, densityKind] = spec.split(':') as [string, 'shared' | 'per-location'];
  const { meta, train, test, masks } = readSavedRun(values.dir, run);
  const { n, m, L, d, labels } = meta;
  const settings = { scoreSigma: meta.scoreSigma, shrinkage: 'ledoit-wolf', l2Normalize: true, densityMaxRows: 100_000, seed: 0 };
  const density = fitDensity(densityKind, train, n, L, d, { shrinkage: 'ledoit-wolf', l2Normalize: true, maxRows: 100_000, seed: 0 });
  const own = spread(outOfFoldScores({ featurizer: { grid: meta.layout, dimension: d }, density, settings } as never, train, n, d, true)!);
  const ownMaps = mapsFromGrid(scoreDensity(density, test, m, L), m, meta.layout, meta.scoreSigma);
  const pixel = (maps: Float32Array[]) => (masks.length === m * maps[0]!.length ? pct(pixelAuroc(maps, masks)) : '–');
  const category = createSyntheticCategory({ kind: meta.kind as never, seed: Number(values['data-seed']), trainCount: n, testCount: m });
  const trainIn = await toModelInput([...category.trainImages()], meta.imageSize, category.channels, 'colour');
  const testIn = await toModelInput(
    [...category.testSamples()].map((s) => s.image),
    meta.imageSize,
    category.channels,
    'colour',
  );
  const line = [`${run} cutpaste ${pct(rocAuc(topMean(ownMaps, 1), labels))} / ${pixel(ownMaps)}`];
  for (const variant of values.variants.split(';')) {
    const featurizer = colourFeaturizer(meta.layout, category.channels, 16, variant.split(',').map(Number));
    const colourSettings = { ...settings, shrinkage: 'ledoit-wolf' as const, l2Normalize: false, perLocation: 'auto' as const };
    const stage = await fitScoringStage(featurizer, trainIn.images, colourSettings, () => {});
    const colourMaps = mapsFromGrid(
      scoreDensity(stage.state.density, await featurizer.embed(testIn.images), m, L),
      m,
      meta.layout,
      meta.scoreSigma,
    );
    const c = spread(stage.outOfFold!);
    const fused = ownMaps.map((map, i) => map.map((v, p) => (v - own.mu) / own.sd + (colourMaps[i]![p]! - c.mu) / c.sd));
    const topK = [64, 256, 1024].map((k) => `top ${k} ${pct(rocAuc(topMean(fused, k), labels))}`).join(', ');
    line.push(
      `[${variant}] (${stage.state.density.kind}) alone ${pct(rocAuc(topMean(colourMaps, 1), labels))}, fused ${pct(rocAuc(topMean(fused, 1), labels))} / ${pixel(fused)}, ${topK}`,
    );
  }
  trainIn.images.dispose();
  testIn.images.dispose();
  console.log(line.join(' | '));
}
