/**
 * Colour experiment on features saved by `bench/ablate.ts --save-features /tmp/feats` (validation draw,
 * data seed 8): each patch's mean and standard deviation per channel (over its 32 px, on the patch
 * grid) appended to CutPaste's features, each scaled to the features' mean variance, before the
 * density. Prints image AUROC without and with them.
 *
 *   npx tsx bench/explore-colour.ts pill-d8-s0-trained:per-location tile-d8-s0-trained:shared[:raw]
 */
import type { PatchGridGeometry } from '../src/math/spreadScores';
import { l2Rows, readSavedRun } from './savedFeatures';
const { createSyntheticCategory } = await import('../src/synthetic');
const { fitDensity, scoreDensity } = await import('../src/detector/densityStage');
const { mapsFromGrid } = await import('../src/detector/scoring');
const { rocAuc } = await import('../src/math/rocAuc');
function stats(img: { data: Uint8Array; width: number; height: number; channels: number }, layout: PatchGridGeometry): Float32Array {
  const { rows, cols, strideY, strideX, patchHeight: ph, patchWidth: pw } = layout;
  const C = img.channels,
    W = img.width;
  const out = new Float32Array(rows * cols * 2 * C);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      for (let ch = 0; ch < C; ch++) {
        let s = 0,
          q = 0;
        for (let y = r * strideY; y < r * strideY + ph; y++)
          for (let x = c * strideX; x < c * strideX + pw; x++) {
            const v = img.data[(y * W + x) * C + ch]! / 255;
            s += v;
            q += v * v;
          }
        const n = ph * pw,
          mu = s / n;
        out[(r * cols + c) * 2 * C + ch] = mu;
        out[(r * cols + c) * 2 * C + C + ch] = Math.sqrt(Math.max(0, q / n - mu * mu));
      }
    }
  return out;
}
const [, , ...runs] = process.argv;
for (const run of runs) {
  const [name, kindName, mode] = run.split(':');
  const saved = readSavedRun('/tmp/feats', name!);
  const { meta } = saved;
  const { n, m, L, d, layout, labels } = meta;
  const cat = createSyntheticCategory({ kind: meta.kind as 'pill', seed: 8, trainCount: n, testCount: m });
  const trainImgs = [...cat.trainImages()],
    testImgs = [...cat.testSamples()].map((s) => s.image);
  const C = trainImgs[0]!.channels,
    e = 2 * C;
  const raw = mode === 'raw';
  const fTr = raw ? saved.train : l2Rows(saved.train, d),
    fTe = raw ? saved.test : l2Rows(saved.test, d);
  const sTr = trainImgs.map((im) => stats(im, layout)),
    sTe = testImgs.map((im) => stats(im, layout));
  // scale colour features: each to the mean variance of the CNN features
  let vbar = 0;
  {
    const mean = new Float64Array(d),
      sq = new Float64Array(d);
    const N = n * L;
    for (let i = 0; i < N; i++)
      for (let k = 0; k < d; k++) {
        const v = fTr[i * d + k]!;
        mean[k]! += v;
        sq[k]! += v * v;
      }
    for (let k = 0; k < d; k++) vbar += sq[k]! / N - (mean[k]! / N) ** 2;
    vbar /= d;
  }
  const cm = new Float64Array(e),
    cs = new Float64Array(e);
  for (const s of sTr)
    for (let l = 0; l < L; l++)
      for (let k = 0; k < e; k++) {
        cm[k]! += s[l * e + k]!;
        cs[k]! += s[l * e + k]! ** 2;
      }
  const N = n * L;
  const scale = Array.from({ length: e }, (_, k) => Math.sqrt(vbar / Math.max(1e-12, cs[k]! / N - (cm[k]! / N) ** 2)));
  const join = (fe: Float32Array, st: Float32Array[], count: number) => {
    const out = new Float32Array(count * L * (d + e));
    for (let i = 0; i < count; i++)
      for (let l = 0; l < L; l++) {
        out.set(fe.subarray((i * L + l) * d, (i * L + l + 1) * d), (i * L + l) * (d + e));
        for (let k = 0; k < e; k++) out[(i * L + l) * (d + e) + d + k] = (st[i]![l * e + k]! - cm[k]! / N) * scale[k]!;
      }
    return out;
  };
  const opts = { shrinkage: 'ledoit-wolf', l2Normalize: false, maxRows: 100000, seed: 0 } as never;
  const evalOf = (tr: Float32Array, te: Float32Array, dim: number) => {
    const density = fitDensity(kindName!, tr, n, L, dim, opts);
    const maps = mapsFromGrid(scoreDensity(density, te, m, L), m, layout, meta.scoreSigma);
    return (
      100 *
      rocAuc(
        maps.map((x) => x.reduce((a, b) => Math.max(a, b), -Infinity)),
        labels,
      )
    ).toFixed(1);
  };
  console.log(
    `${name} ${kindName}${raw ? ' raw' : ' l2'}: cnn ${evalOf(fTr, fTe, d)}, cnn+colour ${evalOf(join(fTr, sTr, n), join(fTe, sTe, m), d + e)}`,
  );
}
