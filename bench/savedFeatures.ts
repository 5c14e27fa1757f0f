/**
 * Reads what `bench/ablate.ts --save-features DIR` wrote for one run (`<kind>-d<data seed>-s<seed>-<trained|untrained>[-tag]`):
 * the run's description, the training and test patch features `[count, locations, dimension]` and
 * the test masks (one byte per pixel, 1 on a defect). Shared by the `explore-*` benches.
 */
import { readFileSync } from 'node:fs';
import { l2NormalizeRows } from '../src/density/estimateGaussian';
import { rocAuc } from '../src/math/rocAuc';
import type { PatchGridGeometry } from '../src/math/spreadScores';

/** The `.json` of a saved run. */
export interface SavedMeta {
  kind: string;
  /** Training and test images. */
  n: number;
  m: number;
  /** Locations of the patch grid and feature dimension. */
  L: number;
  d: number;
  layout: PatchGridGeometry;
  imageSize: [number, number];
  scoreSigma: number;
  labels: number[];
}

/** A saved run: features as the encoder gave them (not normalised). */
export interface SavedRun {
  meta: SavedMeta;
  train: Float32Array;
  test: Float32Array;
  masks: Uint8Array;
}

export function readSavedRun(dir: string, run: string): SavedRun {
  const base = `${dir}/${run}`;
  return {
    meta: JSON.parse(readFileSync(`${base}.json`, 'utf8')) as SavedMeta,
    train: readFloats(`${base}.train.f32`),
    test: readFloats(`${base}.test.f32`),
    masks: new Uint8Array(readFileSync(`${base}.masks.u8`)),
  };
}

/** The rows of `x` (each `d` long) scaled to unit length, as a new array (the densities' `l2Normalize`). */
export function l2Rows(x: Float32Array, d: number): Float32Array {
  return Float32Array.from(l2NormalizeRows(x, x.length / d, d));
}

function readFloats(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** The encoder weights `bench/ablate.ts --save-features` wrote beside a run, with the detector options it was built from. */
export function readEncoderWeights(
  dir: string,
  run: string,
): { options: Record<string, unknown>; weights: { name: string; shape: number[]; values: Float32Array }[] } {
  const base = `${dir}/${run}`;
  const { options, index } = JSON.parse(readFileSync(`${base}.encoder.json`, 'utf8')) as {
    options: Record<string, unknown>;
    index: { name: string; shape: number[]; offset: number }[];
  };
  const all = readFloats(`${base}.encoder.f32`);
  const weights = index.map(({ name, shape, offset }) => ({
    name,
    shape,
    values: all.subarray(offset, offset + shape.reduce((a, b) => a * b, 1)),
  }));
  return { options, weights };
}

/**
 * The networks of a saved run, built from its options with the trained encoder's weights set
 * (`readEncoderWeights`), and the resolved options. The caller disposes the networks.
 */
export async function savedNetworks(dir: string, run: string) {
  const tf = await import('@tensorflow/tfjs-core');
  const { resolveCutPasteOptions } = await import('../src/detector/options');
  const { buildNetworks } = await import('../src/detector/networks');
  const saved = readEncoderWeights(dir, run);
  const options = resolveCutPasteOptions(saved.options);
  const networks = buildNetworks(options);
  const named: Record<string, import('@tensorflow/tfjs-core').Tensor> = {};
  for (const w of saved.weights) named[w.name] = tf.tensor(w.values, w.shape);
  networks.encoder.setWeights(named);
  Object.values(named).forEach((t) => t.dispose());
  return { options, networks };
}

/**
 * The colour scorer as the detector fuses it (`colourFeaturizer` over windows of ½, 1 and 2 patches,
 * its density chosen by validation), fitted on `images` (model resolution) on the grid `layout`.
 */
export async function fitColourScorer(
  layout: PatchGridGeometry,
  channels: number,
  images: import('@tensorflow/tfjs-core').Tensor4D,
  scoreSigma: number,
) {
  const { colourFeaturizer } = await import('../src/detector/colourFeaturizer');
  const { fitScoringStage } = await import('../src/detector/scoringStage');
  const featurizer = colourFeaturizer(layout, channels, 16, [0.5, 1, 2]);
  const settings = { scoreSigma, shrinkage: 'ledoit-wolf', l2Normalize: false, densityMaxRows: 100_000, seed: 0, perLocation: 'auto' };
  const stage = await fitScoringStage(featurizer, images, settings as never, () => {});
  return { featurizer, stage };
}

/** Mean and standard deviation of `xs` (sd 1 when they are all equal): how the detector scales a scorer's map. */
export function spread(xs: ArrayLike<number>): { mu: number; sd: number } {
  const a = Array.from(xs);
  const mu = a.reduce((s, v) => s + v, 0) / a.length;
  return { mu, sd: Math.sqrt(a.reduce((s, v) => s + (v - mu) ** 2, 0) / a.length) || 1 };
}

/** Pixel AUROC of `maps` against the saved masks (every 16th pixel); NaN when the maps are not at the masks' size. */
export function pixelAuroc(maps: Float32Array[], masks: Uint8Array): number {
  const pixelSize = masks.length / maps.length;
  if (pixelSize !== maps[0]!.length) return NaN;
  const values: number[] = [];
  const truth: number[] = [];
  maps.forEach((map, i) => {
    for (let p = 0; p < map.length; p += 16) {
      values.push(map[p]!);
      truth.push(masks[i * pixelSize + p]!);
    }
  });
  return rocAuc(values, truth);
}
