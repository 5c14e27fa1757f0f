/**
 * Benchmark of the numeric core against scikit-learn on the same data in the same run (not a test).
 *
 *   npx tsx bench/math.ts            # or: npm run bench:math
 *
 * Generates deterministic data (seeded), writes it to a temporary folder as raw binary, times our
 * implementation, then runs bench/math_sklearn.py (system /usr/bin/python3, thread counts left at their
 * defaults) on the same files, and prints one table: task | ours (s) | scikit-learn (s) | ratio
 * (scikit-learn / ours: > 1 means we are faster), plus the largest relative differences between the
 * two results. Times are the best of a few repeats. Env: BENCH_SCALE=0.1 shrinks every size (smoke run).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { GaussianDensity } from '../src/density/index';
import { cholesky, createRng, rocAuc, type Rng } from '../src/math/index';
import { setWasmKernelsEnabled, wasmKernels } from '../src/math/wasmKernels';

const scale = Number(process.env.BENCH_SCALE ?? 1);
const cols = 512;
const trainRows = Math.round(5000 * scale);
const testRows = Math.round(100_000 * scale);
const aucScores = Math.round(10_000_000 * scale);
const repeats = { fitRepeats: 3, scoreRepeats: 1, aucRepeats: 2 };

function gaussian(rng: Rng): number {
  // Box–Muller (one of the pair), fine for benchmark data.
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Correlated features: each column mixes its neighbour, columns have different scales and means. */
function features(rng: Rng, rows: number, shift: number): Float32Array {
  const out = new Float32Array(rows * cols);
  const z = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) z[c] = gaussian(rng);
    for (let c = 0; c < cols; c++) {
      const mix = z[c]! + 0.6 * z[(c + 1) % cols]! - 0.3 * z[(c + 7) % cols]!;
      out[r * cols + c] = (0.5 + (c % 13) / 8) * mix + (c % 5) + shift;
    }
  }
  return out;
}

function bestOf<T>(times: number, fn: () => T): { seconds: number; value: T } {
  let seconds = Infinity;
  let value!: T;
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    value = fn();
    seconds = Math.min(seconds, (performance.now() - t) / 1000);
  }
  return { seconds, value };
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  let scaleB = 0;
  for (let i = 0; i < b.length; i++) scaleB = Math.max(scaleB, Math.abs(b[i]!));
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), 1e-12 * scaleB));
  return m;
}

const folder = mkdtempSync(join(tmpdir(), 'cutpaste-bench-'));
try {
  console.log(`Generating data (train ${trainRows}×${cols}, test ${testRows}×${cols}, ${aucScores} AUC scores) in ${folder}`);
  const rng = createRng('bench-math');
  const train = features(rng, trainRows, 0);
  const test = features(rng, testRows, 0.05);
  const scores = new Float32Array(aucScores);
  const labels = new Uint8Array(aucScores);
  for (let i = 0; i < aucScores; i++) {
    labels[i] = rng() < 0.1 ? 1 : 0;
    scores[i] = Math.round((rng() + 0.4 * labels[i]!) * 1e4) / 1e4; // ties, like quantised pixel scores
  }
  const write = (name: string, a: ArrayBufferView) =>
    writeFileSync(join(folder, name), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  write('train.f32.bin', train);
  write('test.f32.bin', test);
  write('scores.f32.bin', scores);
  write('labels.u8.bin', labels);
  writeFileSync(join(folder, 'meta.json'), JSON.stringify({ trainRows, testRows, cols, aucScores, ...repeats }));

  console.log('Timing ours…');
  const fit = bestOf(repeats.fitRepeats, () => GaussianDensity.fitMatrix(train, trainRows, cols));
  const gde = fit.value;
  const score = bestOf(repeats.scoreRepeats, () => gde.scoreMatrix(test, testRows));
  const auc = bestOf(repeats.aucRepeats, () => rocAuc(scores, labels));

  // The plain TypeScript loops (used where WebAssembly SIMD is unavailable), on a tenth of the test rows.
  setWasmKernelsEnabled(false);
  const fallbackRows = Math.max(1, Math.round(testRows / 10));
  const fitJs = bestOf(1, () => GaussianDensity.fitMatrix(train, trainRows, cols));
  const scoreJs = bestOf(1, () => fitJs.value.scoreMatrix(test.subarray(0, fallbackRows * cols), fallbackRows));
  setWasmKernelsEnabled(true);
  const fallbackDiff = maxRelDiff(scoreJs.value, score.value.subarray(0, fallbackRows));

  // Cholesky at d = 512: ours against ml-matrix (conversion to its Matrix included).
  const covariance = gde.covariance;
  const ours = bestOf(3, () => cholesky(covariance, cols));
  const theirs = bestOf(3, () => {
    const m = new Matrix(cols, cols);
    for (let i = 0; i < cols; i++) for (let j = 0; j < cols; j++) m.set(i, j, covariance[i * cols + j]!);
    return new CholeskyDecomposition(m).lowerTriangularMatrix;
  });
  let cholDiff = 0;
  for (let i = 0; i < cols; i++) {
    for (let j = 0; j <= i; j++) cholDiff = Math.max(cholDiff, Math.abs(ours.value[i * cols + j]! - theirs.value.get(i, j)));
  }

  console.log('Timing scikit-learn on the same files…');
  const script = join(dirname(fileURLToPath(import.meta.url)), 'math_sklearn.py');
  execFileSync('/usr/bin/python3', [script, folder], { stdio: 'inherit' });
  const sk = JSON.parse(readFileSync(join(folder, 'sklearn.json'), 'utf8')) as Record<string, number | string>;
  const skCov = new Float64Array(readFileSync(join(folder, 'sklearn-covariance.f64')).buffer.slice(0));
  const skDist = new Float64Array(readFileSync(join(folder, 'sklearn-mahalanobis.f64')).buffer.slice(0));
  const skFit = Math.min(sk.fitFloat32 as number, sk.fitFloat64 as number);

  const rows: [string, number, number][] = [
    [`LedoitWolf + GDE fit, ${trainRows}×${cols}`, fit.seconds, skFit],
    [`score ${testRows}×${cols} rows (Mahalanobis)`, score.seconds, sk.score as number],
    [`rocAuc on ${aucScores.toExponential(0)} Float32 scores`, auc.seconds, sk.auc as number],
    [`Cholesky ${cols}×${cols} (vs ml-matrix, not sklearn)`, ours.seconds, theirs.seconds],
  ];
  console.log(`\nscikit-learn ${sk.version}, numpy ${sk.numpy}; Node ${process.version}; best of ${JSON.stringify(repeats)}`);
  console.log('| task | ours (s) | scikit-learn (s) | ratio (sklearn/ours) |');
  console.log('|---|---:|---:|---:|');
  for (const [task, a, b] of rows) console.log(`| ${task} | ${a.toFixed(3)} | ${b.toFixed(3)} | ${(b / a).toFixed(2)} |`);
  console.log(
    `\nWebAssembly SIMD kernels: ${wasmKernels() ? 'on' : 'unavailable'}. Plain TypeScript fallback: fit ${fitJs.seconds.toFixed(3)} s, ` +
      `score ${fallbackRows} rows ${scoreJs.seconds.toFixed(3)} s (≈ ${((scoreJs.seconds * testRows) / fallbackRows).toFixed(1)} s for ${testRows}), ` +
      `max relative difference to the SIMD scores ${fallbackDiff.toExponential(1)}`,
  );
  console.log(
    `scikit-learn fit: float32 input ${(sk.fitFloat32 as number).toFixed(3)} s, float64 input ${(sk.fitFloat64 as number).toFixed(3)} s (the faster is in the table)`,
  );
  console.log('Agreement (max relative difference, scikit-learn float64 fit as reference):');
  console.log(`  shrinkage ${Math.abs(gde.shrinkage - (sk.shrinkage as number)) / (sk.shrinkage as number)}`);
  console.log(`  covariance ${maxRelDiff(gde.covariance, skCov)}`);
  console.log(`  Mahalanobis ${maxRelDiff(score.value, skDist)}`);
  console.log(
    `  AUC ${Math.abs(auc.value - (sk.aucValue as number)) / (sk.aucValue as number)} (ours ${auc.value}, sklearn ${sk.aucValue})`,
  );
  console.log(`  Cholesky vs ml-matrix max abs difference ${cholDiff}`);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
