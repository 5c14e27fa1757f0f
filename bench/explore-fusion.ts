/**
 * Fusion experiment on features saved by `bench/ablate.ts --save-features DIR`: CutPaste's patch
 * score (the density `auto` chose) fused with `FeatureDensityDetector`'s score (untrained multi-stage
 * features), each standardised by its own out-of-fold training scores. Image AUROC of each and of the sum.
 * `--colour` adds the colour scorer as the detector fits it (`colourFeaturizer`: colour and gradient statistics, its own density chosen
 * by validation): alone, with CutPaste, with both, and with robust (MAD) spreads; `--initial` adds the
 * same kind's untrained run (the encoder at its initial weights) as a further scorer.
 *
 *   npx tsx bench/explore-fusion.ts --runs bolt-d8-s0-trained:shared,pill-d8-s0-trained:per-location [--colour] [--initial]
 */
import { parseArgs } from 'node:util';
import { pixelAuroc, readSavedRun } from './savedFeatures';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: '/tmp/feats' },
    runs: { type: 'string' },
    'data-seed': { type: 'string', default: '8' },
    'fd-options': { type: 'string', default: '{}' },
    /** Also fuse the map of the same kind's untrained run (`<kind>-d<seed>-s0-untrained`, the encoder at its initial weights) as a third scorer. */
    initial: { type: 'boolean', default: false },
    /** Also fuse the colour scorer: each patch's mean and standard deviation of every channel and its gradient magnitude, with its own density. */
    colour: { type: 'boolean', default: false },
  },
});

const tf = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-layers');
await import('@tensorflow/tfjs-backend-wasm');
const lib = await import('../src/node/index');
const { createSyntheticCategory } = await import('../src/synthetic');
const { fitDensity, scoreDensity } = await import('../src/detector/densityStage');
const { mapsFromGrid } = await import('../src/detector/scoring');
const { resizeBilinear } = await import('../src/math/resizeBilinear');
const { outOfFoldScores, scoresFromFeatures } = await import('../src/detector/scoring');
const { fitScoringStage } = await import('../src/detector/scoringStage');
const { planFor, featurizerFor } = await import('../src/detector/featureDensity/FeatureDensityDetector');
const { resolveFeatureDensityOptions } = await import('../src/detector/featureDensity/options');
const { resnet, resnetPreset } = await import('../src/advanced');
const { toModelInput } = await import('../src/detector/input');
const { colourFeaturizer } = await import('../src/detector/colourFeaturizer');
await tf.setBackend('wasm');
tf.enableProdMode();

const pct = (x: number) => (100 * x).toFixed(1);
const stats = (xs: ArrayLike<number>) => {
  const a = Array.from(xs);
  const mu = a.reduce((s, v) => s + v, 0) / a.length;
  const sd = Math.sqrt(a.reduce((s, v) => s + (v - mu) ** 2, 0) / a.length) || 1;
  return { mu, sd };
};
const z = (xs: ArrayLike<number>, ref: ArrayLike<number>) => {
  const { mu, sd } = stats(ref);
  return Array.from(xs, (x) => (x - mu) / sd);
};

const fdCache = new Map<string, { test: Float32Array; oof: Float32Array; maps: Float32Array[] }>();
for (const spec of (values.runs ?? '').split(',')) {
  const [run, kindName] = spec.split(':') as [string, 'shared' | 'per-location'];
  const { meta, train: fTrain, test: fTest, masks } = readSavedRun(values.dir, run);
  const { n, m, L, d, labels } = meta;
  const settings = { scoreSigma: meta.scoreSigma, shrinkage: 'ledoit-wolf', l2Normalize: true, densityMaxRows: 100_000, seed: 0 };
  const gde = { shrinkage: 'ledoit-wolf' as const, l2Normalize: true, maxRows: 100_000, seed: 0 };
  const density = fitDensity(kindName, fTrain, n, L, d, gde);
  const state = { featurizer: { grid: meta.layout, dimension: d }, density, settings } as never;
  const cpTest = scoresFromFeatures(state, fTest, m);
  const cpOof = outOfFoldScores(state, fTrain, n, d, true)!;

  if (!fdCache.has(meta.kind)) {
    const category = createSyntheticCategory({ kind: meta.kind as never, seed: Number(values['data-seed']), trainCount: n, testCount: m });
    const o = resolveFeatureDensityOptions({ seed: 0, ...(JSON.parse(values['fd-options']) as object) });
    const encoder = resnet(resnetPreset(typeof o.encoder === 'string' ? o.encoder : 'resnet18-slim'), { seed: 0 });
    const featurizer = featurizerFor(encoder, planFor(encoder, o), o);
    const trainIn = await toModelInput([...category.trainImages()], o.imageSize, 3, 'fusion');
    const testIn = await toModelInput(
      [...category.testSamples()].map((s) => s.image),
      o.imageSize,
      3,
      'fusion',
    );
    const stage = await fitScoringStage(featurizer, trainIn.images, o, () => {});
    const fdFeatures = await featurizer.embed(testIn.images);
    const test = scoresFromFeatures(stage.state, fdFeatures, m);
    const grid = stage.state.featurizer.grid!;
    const fdMaps = mapsFromGrid(
      scoreDensity(stage.state.density, fdFeatures, m, grid.rows * grid.cols),
      m,
      grid,
      stage.state.settings.scoreSigma,
    );
    fdCache.set(meta.kind, {
      test,
      oof: stage.outOfFold!,
      maps: fdMaps.map((x) => resizeBilinear(x, grid.height, grid.width, meta.imageSize[0], meta.imageSize[1])),
    });
    trainIn.images.dispose();
    testIn.images.dispose();
    encoder.dispose();
  }
  const fd = fdCache.get(meta.kind)!;
  const zc = z(cpTest, cpOof);
  const zf = z(fd.test, fd.oof);
  const fused = zc.map((v, i) => v + zf[i]!);
  const maxFused = zc.map((v, i) => Math.max(v, zf[i]!));
  // Map-level fusion: each map standardised by its detector's out-of-fold image-score statistics, summed, image score = max.
  const cpMaps = mapsFromGrid(scoreDensity(density, fTest, m, L), m, meta.layout, meta.scoreSigma);
  const sc = stats(cpOof);
  const sf = stats(fd.oof);
  const fusedMaps = cpMaps.map((map, i) => map.map((v, p) => (v - sc.mu) / sc.sd + (fd.maps[i]![p]! - sf.mu) / sf.sd));
  const mapMax = fusedMaps.map((map) => map.reduce((a, b) => Math.max(a, b), -Infinity));
  const pixel = (maps: Float32Array[]) => pixelAuroc(maps, masks);
  // The companion's map at half weight: image AUROC and pixel AUROC.
  const halfMaps = cpMaps.map((map, i) => map.map((v, p) => (v - sc.mu) / sc.sd + (0.5 * (fd.maps[i]![p]! - sf.mu)) / sf.sd));
  const halfMax = halfMaps.map((map) => map.reduce((a, b) => Math.max(a, b), -Infinity));
  // The fused score with CutPaste's sharper map: its z-map lifted per image so that its peak is the fused peak.
  const lifted = cpMaps.map((map, i) => {
    const own = map.map((v) => (v - sc.mu) / sc.sd);
    const lift = mapMax[i]! - own.reduce((a, b) => Math.max(a, b), -Infinity);
    return own.map((v) => v + lift);
  });
  if (values.colour) {
    // The colour scorer as the detector fits it: `colourFeaturizer` on CutPaste's grid, its own density chosen by validation.
    const category = createSyntheticCategory({ kind: meta.kind as never, seed: Number(values['data-seed']), trainCount: n, testCount: m });
    const channels = category.channels;
    const trainIn = await toModelInput([...category.trainImages()], meta.imageSize, channels, 'colour');
    const testIn = await toModelInput(
      [...category.testSamples()].map((s) => s.image),
      meta.imageSize,
      channels,
      'colour',
    );
    const featurizer = colourFeaturizer(meta.layout, channels, 16);
    const colourSettings = { ...settings, shrinkage: 'ledoit-wolf' as const, l2Normalize: false, perLocation: 'auto' as const };
    const stage = await fitScoringStage(featurizer, trainIn.images, colourSettings, () => {});
    const cMaps = mapsFromGrid(
      scoreDensity(stage.state.density, await featurizer.embed(testIn.images), m, L),
      m,
      meta.layout,
      meta.scoreSigma,
    );
    trainIn.images.dispose();
    testIn.images.dispose();
    const scs = stats(stage.outOfFold!);
    const top = (maps: Float32Array[]) => maps.map((map) => map.reduce((a, b) => Math.max(a, b), -Infinity));
    const withColour = fusedMaps.map((map, i) => map.map((v, p) => v + (cMaps[i]![p]! - scs.mu) / scs.sd));
    const cutpasteColour = cpMaps.map((map, i) => map.map((v, p) => (v - sc.mu) / sc.sd + (cMaps[i]![p]! - scs.mu) / scs.sd));
    // Each scorer's spread from the median absolute deviation of its out-of-fold scores (robust to a few extreme training images).
    const mad = (xs: ArrayLike<number>) => {
      const a = Float64Array.from(Array.from(xs)).sort();
      const med = a[a.length >> 1]!;
      const dev = Float64Array.from(a, (v) => Math.abs(v - med)).sort();
      return 1.4826 * dev[dev.length >> 1]! || 1;
    };
    const [rc, rf, rs] = [mad(cpOof), mad(fd.oof), mad(stage.outOfFold!)];
    const robust = cpMaps.map((map, i) => map.map((v, p) => v / rc + fd.maps[i]![p]! / rf + cMaps[i]![p]! / rs));
    console.log(
      `${run} robust spreads (sd → 1.4826·MAD): cutpaste ${sc.sd.toFixed(2)} → ${rc.toFixed(2)}, feature density ${sf.sd.toFixed(2)} → ${rf.toFixed(2)}, ` +
        `colour ${scs.sd.toFixed(2)} → ${rs.toFixed(2)}; three scorers ${pct(lib.rocAuc(top(robust), labels))} (pixel ${pct(pixel(robust))})`,
    );
    console.log(
      `${run} (${kindName}) colour (density ${stage.state.density.kind}): alone ${pct(lib.rocAuc(top(cMaps), labels))} (pixel ${pct(pixel(cMaps))}), ` +
        `cutpaste + colour ${pct(lib.rocAuc(top(cutpasteColour), labels))} (pixel ${pct(pixel(cutpasteColour))}), ` +
        `cutpaste + feature density + colour ${pct(lib.rocAuc(top(withColour), labels))} (pixel ${pct(pixel(withColour))})`,
    );
  }
  if (values.initial) {
    // The encoder at its initial weights as a third scorer: its own density of the same kind, standardised the same way.
    const u = readSavedRun(values.dir, `${meta.kind}-d${values['data-seed']}-s0-untrained`);
    const uDensity = fitDensity(kindName, u.train, n, L, d, gde);
    const uState = { featurizer: { grid: meta.layout, dimension: d }, density: uDensity, settings } as never;
    const su = stats(outOfFoldScores(uState, u.train, n, d, true)!);
    const uMaps = mapsFromGrid(scoreDensity(uDensity, u.test, m, L), m, meta.layout, meta.scoreSigma);
    const three = fusedMaps.map((map, i) => map.map((v, p) => v + (uMaps[i]![p]! - su.mu) / su.sd));
    const two = cpMaps.map((map, i) => map.map((v, p) => (v - sc.mu) / sc.sd + (uMaps[i]![p]! - su.mu) / su.sd));
    const initialOnly = uMaps.map((map, i) => map.map((v, p) => (v - su.mu) / su.sd + (fd.maps[i]![p]! - sf.mu) / sf.sd));
    const top = (maps: Float32Array[]) => maps.map((map) => map.reduce((a, b) => Math.max(a, b), -Infinity));
    console.log(
      `${run} (${kindName}) with the initial encoder: trained + initial ${pct(lib.rocAuc(top(two), labels))} (pixel ${pct(pixel(two))}), ` +
        `initial + companion ${pct(lib.rocAuc(top(initialOnly), labels))} (pixel ${pct(pixel(initialOnly))}), ` +
        `trained + initial + companion ${pct(lib.rocAuc(top(three), labels))} (pixel ${pct(pixel(three))})`,
    );
  }
  console.log(
    `${run} (${kindName}): cutpaste ${pct(lib.rocAuc(cpTest, labels))}, feature-density ${pct(lib.rocAuc(fd.test, labels))}, ` +
      `sum of z ${pct(lib.rocAuc(fused, labels))}, max of z ${pct(lib.rocAuc(maxFused, labels))}, ` +
      `max of summed z-maps ${pct(lib.rocAuc(mapMax, labels))}; pixel cutpaste ${pct(pixel(cpMaps))}, fused ${pct(pixel(fusedMaps))}, lifted ${pct(pixel(lifted))}; companion at half weight: image ${pct(lib.rocAuc(halfMax, labels))}, pixel ${pct(pixel(halfMaps))}`,
  );
}
