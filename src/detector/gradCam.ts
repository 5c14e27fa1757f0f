import * as tf from '@tensorflow/tfjs-core';
import type { GaussianDensity } from '../density/GaussianDensity';
import { solveLower, solveLowerTransposed } from '../math/triangularSolve';
import type { Encoder } from '../models/types';

/**
 * GradCAM maps of the image-level model (paper §4.2), one per image, at feature-map resolution
 * `[featureHeight, featureWidth]`, row-major: `relu(Σ_k α_k A_k)`, where A is the encoder's last
 * feature map and α_k = mean over positions of ∂score/∂A_k, the score being the image's squared
 * Mahalanobis distance under `gde`.
 *
 * Because the pooled feature is the spatial mean of A, ∂score/∂A_k(y, x) = ∂score/∂f_k / (h·w) at every
 * position, and ∂score/∂f is exact in closed form: 2Σ⁻¹(f̂ − μ) (two triangular solves with the
 * Cholesky factor), through the L2 normalisation when the density uses it:
 * (I − f̂f̂ᵀ)·2Σ⁻¹(f̂ − μ) / ‖f‖. No gradient tape is needed.
 *
 * @param images `[batch, height, width, channels]` at the encoder's input size.
 */
export async function gradCamMaps(
  encoder: Encoder,
  gde: GaussianDensity,
  images: tf.Tensor4D,
): Promise<{ maps: Float32Array[]; height: number; width: number }> {
  const featureMap = tf.tidy(() => encoder.featureMap(images, false));
  const [b, h, w, d] = featureMap.shape;
  const a = (await featureMap.data()) as Float32Array;
  featureMap.dispose();
  const mean = gde.mean;
  const factor = gde.factor;
  const positions = h * w;
  const maps: Float32Array[] = [];
  for (let i = 0; i < b; i++) {
    const base = i * positions * d;
    const f = new Float64Array(d);
    for (let p = 0; p < positions; p++) for (let k = 0; k < d; k++) f[k]! += a[base + p * d + k]!;
    for (let k = 0; k < d; k++) f[k]! /= positions;
    let norm = 1;
    const x = Float64Array.from(f);
    if (gde.l2Normalize) {
      norm = Math.hypot(...f) || 1;
      for (let k = 0; k < d; k++) x[k]! /= norm;
    }
    const delta = x.map((v, k) => v - mean[k]!);
    const v = solveLowerTransposed(factor, d, solveLower(factor, d, delta)).map((t) => 2 * t);
    let grad = v;
    if (gde.l2Normalize) {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += x[k]! * v[k]!;
      grad = v.map((t, k) => (t - x[k]! * dot) / norm);
    }
    const map = new Float32Array(positions);
    for (let p = 0; p < positions; p++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += grad[k]! * a[base + p * d + k]!;
      map[p] = Math.max(0, s / positions);
    }
    maps.push(map);
  }
  return { maps, height: h, width: w };
}
