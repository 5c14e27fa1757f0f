/**
 * Scoring experiments on features saved by `bench/ablate.ts --save-features DIR`: Gaussian densities
 * against nearest-neighbour distances to a memory bank of training patches (PatchCore's scoring), with
 * no retraining. Image AUROC (max of the spread map) and pixel AUROC per variant.
 *
 *   npx tsx bench/explore-scoring.ts --dir /tmp/feats --runs bolt-d8-s0-trained,pill-d8-s0-trained
 */
import { parseArgs } from 'node:util';
import { l2Rows, pixelAuroc, readSavedRun, type SavedMeta } from './savedFeatures';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: '/tmp/feats' },
    runs: { type: 'string' },
    variants: { type: 'string', default: 'shared,per-loc,knn-rand,knn-core,knn-win' },
    coreset: { type: 'string', default: '0.1' },
  },
});

const tf = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-backend-wasm');
const lib = await import('../src/node/index');
const { mapsFromGrid } = await import('../src/detector/scoring');
const { fitDensity, scoreDensity } = await import('../src/detector/densityStage');
await tf.setBackend('wasm');
tf.enableProdMode();

const pct = (x: number) => (100 * x).toFixed(1);

/** Squared distance from each query row to its nearest bank row, by matmul in chunks. */
function nearest(queries: Float32Array, q: number, bank: Float32Array, b: number, d: number): Float32Array {
  const out = new Float32Array(q).fill(Infinity);
  const bankChunk = 8192;
  const queryChunk = 2048;
  for (let j0 = 0; j0 < b; j0 += bankChunk) {
    const bj = Math.min(bankChunk, b - j0);
    const B = tf.tensor2d(bank.subarray(j0 * d, (j0 + bj) * d), [bj, d]);
    const bn = tf.sum(tf.square(B), 1);
    for (let i0 = 0; i0 < q; i0 += queryChunk) {
      const qi = Math.min(queryChunk, q - i0);
      const mins = tf.tidy(() => {
        const Q = tf.tensor2d(queries.subarray(i0 * d, (i0 + qi) * d), [qi, d]);
        const qn = tf.sum(tf.square(Q), 1, true);
        const dist = tf.add(tf.sub(qn, tf.mul(2, tf.matMul(Q, B, false, true))), bn);
        return tf.min(dist, 1);
      });
      const v = mins.dataSync();
      mins.dispose();
      for (let k = 0; k < qi; k++) out[i0 + k] = Math.min(out[i0 + k]!, Math.max(0, v[k]!));
    }
    B.dispose();
    bn.dispose();
  }
  return out;
}

/** Greedy k-center coreset (PatchCore) on a random projection to 32 dimensions; returns row indices. */
function coreset(rows: Float32Array, count: number, d: number, k: number, seed = 1): Int32Array {
  const p = 32;
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const proj = new Float32Array(d * p).map(() => rnd());
  const z = new Float32Array(count * p);
  for (let i = 0; i < count; i++)
    for (let a = 0; a < p; a++) {
      let acc = 0;
      for (let c = 0; c < d; c++) acc += rows[i * d + c]! * proj[c * p + a]!;
      z[i * p + a] = acc;
    }
  const minD = new Float32Array(count).fill(Infinity);
  const picked = new Int32Array(k);
  let cur = 0;
  for (let t = 0; t < k; t++) {
    picked[t] = cur;
    let best = -1;
    let bestD = -1;
    const o = cur * p;
    for (let i = 0; i < count; i++) {
      let acc = 0;
      const io = i * p;
      for (let a = 0; a < p; a++) {
        const diff = z[io + a]! - z[o + a]!;
        acc += diff * diff;
      }
      if (acc < minD[i]!) minD[i] = acc;
      if (minD[i]! > bestD) {
        bestD = minD[i]!;
        best = i;
      }
    }
    cur = best;
  }
  return picked;
}

function pickImages(rows: Float32Array, idx: number[], stride: number): Float32Array {
  const out = new Float32Array(idx.length * stride);
  idx.forEach((i, j) => out.set(rows.subarray(i * stride, (i + 1) * stride), j * stride));
  return out;
}

function gather(rows: Float32Array, idx: Int32Array | number[], d: number): Float32Array {
  const out = new Float32Array(idx.length * d);
  for (let j = 0; j < idx.length; j++) out.set(rows.subarray(idx[j]! * d, (idx[j]! + 1) * d), j * d);
  return out;
}

/** Per-location neighbourhood kNN: each test patch against training patches within `r` grid cells. */
function windowKnn(train: Float32Array, n: number, test: Float32Array, m: number, meta: SavedMeta, r: number): Float32Array {
  const { rows, cols } = meta.layout;
  const d = meta.d;
  const L = meta.L;
  const out = new Float32Array(m * L);
  for (let y = 0; y < rows; y++)
    for (let x = 0; x < cols; x++) {
      const cand: number[] = [];
      for (let yy = Math.max(0, y - r); yy <= Math.min(rows - 1, y + r); yy++)
        for (let xx = Math.max(0, x - r); xx <= Math.min(cols - 1, x + r); xx++)
          for (let i = 0; i < n; i++) cand.push(i * L + yy * cols + xx);
      const bank = gather(train, cand, d);
      const q = gather(
        test,
        Array.from({ length: m }, (_, i) => i * L + y * cols + x),
        d,
      );
      const dist = nearest(q, m, bank, cand.length, d);
      for (let i = 0; i < m; i++) out[i * L + y * cols + x] = Math.sqrt(dist[i]!);
    }
  return out;
}

/** Lloyd's k-means on a strided subsample of the rows (at most 20,000), seeded by evenly spaced rows. */
function kMeans(rows: Float32Array, count: number, d: number, k: number, iterations: number): Float32Array {
  const step = Math.max(1, Math.floor(count / 20_000));
  const sample = gather(
    rows,
    Array.from({ length: Math.floor(count / step) }, (_, i) => i * step),
    d,
  );
  const s = sample.length / d;
  const centres = gather(
    sample,
    Array.from({ length: k }, (_, c) => Math.floor(((c + 0.5) * s) / k)),
    d,
  );
  for (let it = 0; it < iterations; it++) {
    const assign = nearestCentre(sample, s, centres, k, d);
    const sums = new Float64Array(k * d);
    const counts = new Float64Array(k);
    for (let i = 0; i < s; i++) {
      const a = assign[i]!;
      counts[a] = counts[a]! + 1;
      for (let c = 0; c < d; c++) sums[a * d + c] = sums[a * d + c]! + sample[i * d + c]!;
    }
    for (let j = 0; j < k; j++) if (counts[j]! > 0) for (let c = 0; c < d; c++) centres[j * d + c] = sums[j * d + c]! / counts[j]!;
  }
  return centres;
}

function nearestCentre(rows: Float32Array, count: number, centres: Float32Array, k: number, d: number): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    let best = Infinity;
    for (let j = 0; j < k; j++) {
      let acc = 0;
      for (let c = 0; c < d; c++) acc += (rows[i * d + c]! - centres[j * d + c]!) ** 2;
      if (acc < best) {
        best = acc;
        out[i] = j;
      }
    }
  }
  return out;
}

const variants = values.variants.split(',');
for (const run of (values.runs ?? '').split(',')) {
  const saved = readSavedRun(values.dir, run);
  const { meta, masks } = saved;
  const rawTrain = saved.train;
  const rawTest = saved.test;
  const fTrain = l2Rows(rawTrain, meta.d);
  const fTest = l2Rows(rawTest, meta.d);
  const { n, m, L, d, labels } = meta;
  const results: string[] = [];
  const evalGrid = (name: string, grid: Float32Array, seconds: number, sigma = meta.scoreSigma) => {
    const maps = mapsFromGrid(grid, m, meta.layout, sigma);
    const scores = maps.map((map) => map.reduce((a, b) => Math.max(a, b), -Infinity));
    const image = lib.rocAuc(scores, labels);
    const pixel = pixelAuroc(maps, masks);
    results.push(`${name} ${pct(image)}/${Number.isFinite(pixel) ? pct(pixel) : '–'} (${seconds.toFixed(0)} s)`);
  };
  const opts = { shrinkage: 'ledoit-wolf' as const, l2Normalize: true, maxRows: 100_000, seed: 0 };
  for (const v of variants) {
    const t0 = performance.now();
    const secs = () => (performance.now() - t0) / 1000;
    if (v === 'shared-raw' || v === 'per-loc-raw') {
      // Without L2 normalisation (features as the encoder gives them: their norm carries contrast and colour).
      const density = fitDensity(v === 'shared-raw' ? 'shared' : 'per-location', rawTrain, n, L, d, { ...opts, l2Normalize: false });
      evalGrid(v, scoreDensity(density, rawTest, m, L), secs());
    } else if (v === 'shared' || v === 'per-loc') {
      const density = fitDensity(v === 'shared' ? 'shared' : 'per-location', fTrain, n, L, d, opts);
      evalGrid(v, scoreDensity(density, fTest, m, L), secs());
    } else if (v === 'per-loc-z' || v === 'shared-z') {
      // Each location's score standardised by the out-of-fold scores of the training images at that location.
      const kindName = v === 'shared-z' ? 'shared' : 'per-location';
      const folds = 5;
      const oof = new Float32Array(n * L);
      for (let f = 0; f < folds; f++) {
        const kept = [...Array(n).keys()].filter((i) => i % folds !== f);
        const held = [...Array(n).keys()].filter((i) => i % folds === f);
        const density = fitDensity(kindName, pickImages(fTrain, kept, L * d), kept.length, L, d, opts);
        const sc = scoreDensity(density, pickImages(fTrain, held, L * d), held.length, L);
        held.forEach((i, j) => oof.set(sc.subarray(j * L, (j + 1) * L), i * L));
      }
      const mu = new Float32Array(L);
      const sd = new Float32Array(L);
      for (let l = 0; l < L; l++) {
        let a = 0;
        for (let i = 0; i < n; i++) a += oof[i * L + l]!;
        mu[l] = a / n;
        let b = 0;
        for (let i = 0; i < n; i++) b += (oof[i * L + l]! - mu[l]!) ** 2;
        sd[l] = Math.sqrt(b / (n - 1)) || 1;
      }
      const density = fitDensity(kindName, fTrain, n, L, d, opts);
      const grid = scoreDensity(density, fTest, m, L);
      const zGrid = grid.map((x, k) => (x - mu[k % L]!) / sd[k % L]!);
      evalGrid(v, zGrid, secs());
    } else if (v.startsWith('per-loc-w')) {
      // One density per location, fitted on the rows of every location within r grid cells (border cells clamped).
      const r = Number(v.slice(9));
      const { rows, cols } = meta.layout;
      const offsets: [number, number][] = [];
      for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) offsets.push([dy, dx]);
      const pooled = new Float32Array(offsets.length * n * L * d);
      offsets.forEach(([dy, dx], o) => {
        for (let i = 0; i < n; i++)
          for (let y = 0; y < rows; y++)
            for (let x = 0; x < cols; x++) {
              const yy = Math.min(rows - 1, Math.max(0, y + dy));
              const xx = Math.min(cols - 1, Math.max(0, x + dx));
              const from = (i * L + yy * cols + xx) * d;
              pooled.set(fTrain.subarray(from, from + d), ((o * n + i) * L + y * cols + x) * d);
            }
      });
      const density = fitDensity('per-location', pooled, offsets.length * n, L, d, opts);
      evalGrid(v, scoreDensity(density, fTest, m, L), secs());
    } else if (v.startsWith('shared-l2n') || v.startsWith('per-loc-l2n')) {
      // L2 rows plus one column: the log of the row's norm, scaled by the number after 'l2n' (default 1)
      // times the rows' per-dimension spread, so the norm (contrast) is kept beside the direction.
      const scale = Number(v.split('l2n')[1] || '1');
      const withNorm = (raw: Float32Array, unit: Float32Array, rowsCount: number) => {
        const out = new Float32Array(rowsCount * (d + 1));
        for (let i = 0; i < rowsCount; i++) {
          let s2 = 0;
          for (let c = 0; c < d; c++) s2 += raw[i * d + c]! ** 2;
          out.set(unit.subarray(i * d, (i + 1) * d), i * (d + 1));
          out[i * (d + 1) + d] = Math.log(Math.sqrt(s2) + 1e-6);
        }
        return out;
      };
      const a = withNorm(rawTrain, fTrain, n * L);
      const b = withNorm(rawTest, fTest, m * L);
      // scale the norm column to the mean per-dimension sd of the unit rows, times `scale`
      const colStats = (x: Float32Array, rowsCount: number, c: number) => {
        let mu = 0;
        for (let i = 0; i < rowsCount; i++) mu += x[i * (d + 1) + c]!;
        mu /= rowsCount;
        let v2 = 0;
        for (let i = 0; i < rowsCount; i++) v2 += (x[i * (d + 1) + c]! - mu) ** 2;
        return { mu, sd: Math.sqrt(v2 / rowsCount) };
      };
      let meanSd = 0;
      for (let c = 0; c < d; c++) meanSd += colStats(a, n * L, c).sd / d;
      const ns = colStats(a, n * L, d);
      for (const [x, cnt] of [
        [a, n * L],
        [b, m * L],
      ] as const)
        for (let i = 0; i < cnt; i++) x[i * (d + 1) + d] = ((x[i * (d + 1) + d]! - ns.mu) / ns.sd) * meanSd * scale;
      const density = fitDensity(v.startsWith('shared') ? 'shared' : 'per-location', a, n, L, d + 1, { ...opts, l2Normalize: false });
      evalGrid(v, scoreDensity(density, b, m, L), secs());
    } else if (/^(shared|per-loc)(-raw)?-s\d+$/.test(v)) {
      // The image score as the maximum of a map spread with a wider Gaussian (σ px after '-s'): weak evidence over a region adds up.
      const sigma = Number(v.split('-s').pop());
      const raw = v.includes('-raw');
      const density = fitDensity(v.startsWith('shared') ? 'shared' : 'per-location', raw ? rawTrain : fTrain, n, L, d, {
        ...opts,
        l2Normalize: !raw,
      });
      evalGrid(v, scoreDensity(density, raw ? rawTest : fTest, m, L), secs(), sigma);
    } else if (v.startsWith('gmm')) {
      // A mixture of shared Gaussians: k-means (k = the number after 'gmm') on the training rows, one
      // Gaussian per cluster, each patch scored by its nearest component (smallest Mahalanobis distance).
      const raw = v.endsWith('-raw');
      const k = Number.parseInt(v.slice(3), 10);
      const tr = raw ? rawTrain : fTrain;
      const te = raw ? rawTest : fTest;
      const total = n * L;
      const centres = kMeans(tr, total, d, k, 12);
      const assign = nearestCentre(tr, total, centres, k, d);
      const grids: Float32Array[] = [];
      for (let c = 0; c < k; c++) {
        const idx: number[] = [];
        for (let i = 0; i < total; i++) if (assign[i] === c) idx.push(i);
        if (idx.length < 4 * d) continue;
        const density = fitDensity('shared', gather(tr, idx, d), idx.length, 1, d, { ...opts, l2Normalize: false });
        grids.push(scoreDensity(density, te, m * L, 1));
      }
      const grid = new Float32Array(m * L).fill(Infinity);
      for (const g of grids) for (let i = 0; i < grid.length; i++) grid[i] = Math.min(grid[i]!, g[i]!);
      evalGrid(`${v}(${grids.length})`, grid, secs());
    } else if (v === 'knn-rand') {
      const k = Math.round(Number(values.coreset) * n * L);
      const idx = Array.from({ length: k }, (_, i) => Math.floor(((i + 0.5) * n * L) / k));
      const dist = nearest(fTest, m * L, gather(fTrain, idx, d), k, d);
      evalGrid(v, dist.map(Math.sqrt), secs());
    } else if (v === 'knn-core') {
      const k = Math.round(Number(values.coreset) * n * L);
      const idx = coreset(fTrain, n * L, d, k);
      const dist = nearest(fTest, m * L, gather(fTrain, idx, d), k, d);
      evalGrid(`${v}${values.coreset}`, dist.map(Math.sqrt), secs());
    } else if (v.startsWith('knn-win')) {
      const r = Number(v.slice(7) || '1');
      evalGrid(`win${r}`, windowKnn(fTrain, n, fTest, m, meta, r), secs());
    }
  }
  console.log(`${run}: ${results.join(', ')}`);
}
