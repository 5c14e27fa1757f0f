/**
 * How the browser tests compare a backend's outputs with the cpu backend's: the tolerances, stated
 * once, and the error measure.
 *
 * Error of one output (a flat list of numbers): `max |got − ref| / scale`, where `scale` is the
 * output's largest |ref|, but at least 1% of the largest |ref| among the outputs of its group (the
 * outputs sharing its name up to the first space or colon: all gradients, all weights). The floor
 * keeps an output that is zero in exact arithmetic from dividing noise by noise: the gradient of a
 * bias followed by BatchNorm is 0 up to rounding (≈ 1e-6 against gradients of ≈ 0.6).
 */
import type { Outputs, WorkloadName } from './workloads';

/** `[output name prefix, largest allowed error]`; the first matching prefix applies. */
export type ToleranceRules = readonly (readonly [prefix: string, tolerance: number])[];

/**
 * The tolerances against the cpu backend, by workload. Measured on Chromium 156 (SwiftShader) and
 * Node 20 (cpu, wasm, webgpu through Dawn on SwiftShader); the worst errors seen are in comments.
 */
export const TOLERANCES: Readonly<Record<WorkloadName, ToleranceRules>> = Object.freeze({
  augment: [
    // The augmentations run in JS on the read-back pixels: the same numbers on every backend.
    ['cutPaste', 0],
    ['cutPasteScar', 0],
    ['cutout', 0],
    ['scar', 0],
    ['colorJitter', 0],
    ['randomTranslate', 0],
    ['randomCrops', 0],
    ['cutPastePixels', 0],
    ['cutPasteScarPixels', 0],
    // A gather moves values without arithmetic.
    ['extractPatches', 0],
    ['patchGrid', 0],
    // uint8 → float and a bilinear resize, computed by the backend: 8.5e-7 (wasm), 7.9e-7 (webgl, webgpu).
    ['toModelInput', 1e-5],
  ],
  // Pure JS (Float64 arithmetic): bit-identical.
  gde: [
    ['scores', 0],
    ['mean', 0],
    ['covariance', 0],
    ['shrinkage', 0],
  ],
  train: [
    ['loss', 1e-5], // 4.9e-7
    ['stepLosses', 1e-5], // 4.2e-7
    ['grad', 1e-3], // 2.7e-4 for the bias-before-BatchNorm gradient (zero in exact arithmetic), ≤ 1.5e-5 for the others
    ['weight', 1e-4], // 4.1e-6 after 3 momentum-SGD steps, BatchNorm running statistics included
  ],
  scoreMap: [
    ['finalLoss', 1e-5], // 3.2e-7
    // Squared Mahalanobis distances (≈ 300) through a Cholesky solve of a 128-d covariance fitted on
    // 24 patch embeddings: float32 differences of the network are amplified by its conditioning.
    ['scores', 3e-4], // 1.8e-5
    ['map', 3e-4], // 3.1e-5
    ['mapShape', 0],
  ],
});

/** One output's comparison. */
export interface OutputComparison {
  name: string;
  error: number;
  tolerance: number;
}

const groupOf = (name: string) => name.split(/[ :]/)[0]!;
const maxAbs = (values: readonly number[]) => values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/**
 * Compares every output of `got` with `reference` under `rules`.
 * @throws Error when the two have different output names or lengths, or an output has no rule.
 */
export function compareOutputs(reference: Outputs, got: Outputs, rules: ToleranceRules): OutputComparison[] {
  const names = Object.keys(reference);
  const missing = names.filter((n) => !(n in got)).concat(Object.keys(got).filter((n) => !(n in reference)));
  if (missing.length > 0) throw new Error(`outputs differ in name: ${missing.join(', ')}`);
  const groupScale = new Map<string, number>();
  for (const name of names) {
    const g = groupOf(name);
    groupScale.set(g, Math.max(groupScale.get(g) ?? 0, maxAbs(reference[name]!)));
  }
  return names.map((name) => {
    const ref = reference[name]!;
    const out = got[name]!;
    if (ref.length !== out.length) throw new Error(`output ${name} has ${out.length} values, the reference ${ref.length}`);
    const rule = rules.find(([prefix]) => name.startsWith(prefix));
    if (!rule) throw new Error(`no tolerance for output ${name}`);
    let diff = 0;
    for (let i = 0; i < ref.length; i++) diff = Math.max(diff, Math.abs(out[i]! - ref[i]!));
    if (Number.isNaN(diff) || out.some((v) => !Number.isFinite(v))) diff = Infinity;
    const scale = Math.max(maxAbs(ref), 0.01 * groupScale.get(groupOf(name))!);
    return { name, error: diff === 0 ? 0 : diff / scale, tolerance: rule[1] };
  });
}

/** The comparisons that exceed their tolerance, as readable lines. */
export function failures(comparisons: readonly OutputComparison[]): string[] {
  return comparisons.filter((c) => !(c.error <= c.tolerance)).map((c) => `${c.name}: error ${c.error.toExponential(2)} > ${c.tolerance}`);
}

/** The largest error per group, e.g. `grad 2.5e-4, weight 2.8e-7`, for the test output. */
export function summary(comparisons: readonly OutputComparison[]): string {
  const worst = new Map<string, number>();
  for (const c of comparisons) worst.set(groupOf(c.name), Math.max(worst.get(groupOf(c.name)) ?? 0, c.error));
  return [...worst].map(([g, e]) => `${g} ${e === 0 ? '0' : e.toExponential(1)}`).join(', ');
}
