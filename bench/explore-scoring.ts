/**
 * Scoring experiments on features saved by `bench/ablate.ts --save-features DIR`: Gaussian densities
 * against nearest-neighbour distances to a memory bank of training patches (PatchCore's scoring), with
 * no retraining. Image AUROC (max of the spread map) and pixel AUROC per variant.
 *
 *   npx tsx bench/explore-scoring.ts --dir /tmp/feats --runs bolt-d8-s0-trained,pill-d8-s0-trained
 */
import { parseArgs } from 'node:util';
import { l2Rows, readSavedRun, type SavedMeta } from './savedFeatures';

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

const variants = values.variants.split(',');
for (const run of (values.runs ?? '').split(',')) {
  const saved = readSavedRun(values.dir, run);
  const { meta, masks } = saved;
  const rawTrain = saved.train;
  const rawTest = saved.test;
  const fTrain = l2Rows(rawTrain, meta.d);
  const fTest = l2Rows(rawTest, meta.d);
  const { n, m, L, d, labels } = meta;
  const [h, w] = meta.imageSize;
  const pixelSize = masks.length / m;
  const results: string[] = [];
  const evalGrid = (name: string, grid: Float32Array, seconds: number) => {
    const maps = mapsFromGrid(grid, m, meta.layout, meta.scoreSigma);
    const scores = maps.map((map) => map.reduce((a, b) => Math.max(a, b), -Infinity));
    const image = lib.rocAuc(scores, labels);
    let pixel = NaN;
    if (pixelSize === h * w) {
      const fm: number[] = [];
      const fk: number[] = [];
      maps.forEach((map, i) => {
        for (let p = 0; p < map.length; p += 16) {
          fm.push(map[p]!);
          fk.push(masks[i * pixelSize + p]!);
        }
      });
      pixel = lib.rocAuc(fm, fk);
    }
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
