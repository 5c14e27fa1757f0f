/**
 * Features from more than one stage of CutPaste's trained patch encoder, on runs saved by
 * `bench/ablate.ts --save-features DIR` (their encoder weights are re-loaded; the images are drawn
 * again from the same generator seed). A `'valid'`-padded patch encoder's stage-1 map is larger than
 * its final one; a k × k mean over it (k = the sizes' difference + 1) covers exactly the crop each
 * final position sees, which is what a per-crop embedding's global mean gives. Variants:
 * - `final`: the final map (what the detector uses);
 * - `s1`: stage 1, pooled over the crop;
 * - `s1+final`: both, stacked;
 * - `s1+final (unit)`: both, each scaled to unit length before stacking (neither stage outweighs the other).
 * Prints, per variant and density, CutPaste's image / pixel AUROC alone and fused with the colour
 * scorer (each map divided by the spread of its out-of-fold scores, as the detector fuses them), and
 * the final stage and stage 1 as two separate scorers beside the colour scorer.
 *
 *   npx tsx bench/explore-stages.ts --runs tile-d8-s0-trained:shared,pill-d8-s0-trained:per-location [--dir /tmp/feats] [--data-seed 8]
 */
import { parseArgs } from 'node:util';
import { fitColourScorer, pixelAuroc, readSavedRun, savedNetworks, spread } from './savedFeatures';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: '/tmp/feats' },
    runs: { type: 'string' },
    'data-seed': { type: 'string', default: '8' },
    variants: { type: 'string', default: 'final,s1,s1+final,s1+final (unit)' },
  },
});
const tf = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-layers');
await import('@tensorflow/tfjs-backend-wasm');
const { rocAuc } = await import('../src/math/rocAuc');
const { createSyntheticCategory } = await import('../src/synthetic');
const { fitDensity, scoreDensity } = await import('../src/detector/densityStage');
const { mapsFromGrid, outOfFoldScores } = await import('../src/detector/scoring');
const { toModelInput } = await import('../src/detector/input');
await tf.setBackend('wasm');
tf.enableProdMode();

type ResNet = import('../src/models/resnet').ResNetEncoder;
type Layout = import('../src/detector/embedding').PatchLayout;
const pct = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(1) : '–');
const maxima = (maps: Float32Array[]) => maps.map((map) => map.reduce((a, b) => Math.max(a, b), -Infinity));

/** `[count, rows·cols, dimension]` features of one variant, one dense pass per batch. */
async function stageFeatures(encoder: ResNet, images: import('@tensorflow/tfjs-core').Tensor4D, layout: Layout, variant: string) {
  const count = images.shape[0];
  const L = layout.rows * layout.cols;
  const parts: Float32Array[] = [];
  let dimension = 0;
  for (let start = 0; start < count; start += 8) {
    const size = Math.min(8, count - start);
    const grid = tf.tidy(() => {
      const [s1, last] = encoder.stageMaps(tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1]), [1, encoder.config.blocks.length]) as [
        import('@tensorflow/tfjs-core').Tensor4D,
        import('@tensorflow/tfjs-core').Tensor4D,
      ];
      const k = s1.shape[1] - last.shape[1] + 1;
      const pooled = tf.avgPool(s1, k, 1, 'valid');
      const unit = (x: import('@tensorflow/tfjs-core').Tensor4D) => tf.div(x, tf.add(tf.norm(x, 'euclidean', -1, true), 1e-12));
      const picked =
        variant === 'final'
          ? last
          : variant === 's1'
            ? pooled
            : variant === 's1+final'
              ? tf.concat([pooled, last], -1)
              : tf.concat([unit(pooled), unit(last)], -1);
      const sub =
        layout.subsample === 1 ? picked : tf.maxPool(picked as import('@tensorflow/tfjs-core').Tensor4D, 1, layout.subsample, 'valid');
      return tf.slice(sub, [0, 0, 0, 0], [size, layout.rows, layout.cols, -1]);
    });
    dimension = grid.shape[3]!;
    parts.push((await grid.data()) as Float32Array);
    grid.dispose();
  }
  const out = new Float32Array(count * L * dimension);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return { features: out, dimension };
}

for (const spec of (values.runs ?? '').split(',')) {
  const [run, densityKind] = spec.split(':') as [string, 'shared' | 'per-location'];
  const { meta, masks } = readSavedRun(values.dir, run);
  const { networks } = await savedNetworks(values.dir, run);
  const encoder = networks.encoder as unknown as ResNet;
  const { n, m, L, labels } = meta;
  const layout = meta.layout as Layout;
  const category = createSyntheticCategory({ kind: meta.kind as never, seed: Number(values['data-seed']), trainCount: n, testCount: m });
  const trainIn = await toModelInput([...category.trainImages()], meta.imageSize, encoder.inputChannels, 'stages');
  const samples = [...category.testSamples()];
  const testIn = await toModelInput(
    samples.map((s) => s.image),
    meta.imageSize,
    encoder.inputChannels,
    'stages',
  );
  const settings = { scoreSigma: meta.scoreSigma, shrinkage: 'ledoit-wolf', l2Normalize: true, densityMaxRows: 100_000, seed: 0 };
  const { featurizer: colour, stage: colourStage } = await fitColourScorer(layout, category.channels, trainIn.images, meta.scoreSigma);
  const colourMaps = mapsFromGrid(
    scoreDensity(colourStage.state.density, await colour.embed(testIn.images), m, L),
    m,
    layout,
    meta.scoreSigma,
  );
  const c = spread(colourStage.outOfFold!);
  /** Image AUROC of each defect type against the normal images. */
  const byDefect = (scores: number[]) =>
    [...new Set(samples.filter((s) => s.label === 1).map((s) => s.defectType))]
      .map((type) => {
        const kept = samples.map((_, i) => i).filter((i) => samples[i]!.label === 0 || samples[i]!.defectType === type);
        return `${type} ${pct(
          rocAuc(
            kept.map((i) => scores[i]!),
            kept.map((i) => labels[i]!),
          ),
        )}`;
      })
      .join(', ');
  const pixel = (maps: Float32Array[]) => (masks.length === m * maps[0]!.length ? pct(pixelAuroc(maps, masks)) : '–');
  console.log(`${run}: colour alone ${pct(rocAuc(maxima(colourMaps), labels))} / ${pixel(colourMaps)} (${colourStage.state.density.kind})`);
  /** Each variant's scaled map (its named density), for the three-scorer fusion below. */
  const scaled: Record<string, Float32Array[]> = {};
  for (const variant of values.variants.split(',')) {
    const train = await stageFeatures(encoder, trainIn.images, layout, variant);
    const test = await stageFeatures(encoder, testIn.images, layout, variant);
    const d = train.dimension;
    const line = [`  ${variant} (${d}-d)`];
    for (const kind of ['shared', 'per-location'] as const) {
      const density = fitDensity(kind, train.features, n, L, d, { shrinkage: 'ledoit-wolf', l2Normalize: true, maxRows: 100_000, seed: 0 });
      const maps = mapsFromGrid(scoreDensity(density, test.features, m, L), m, layout, meta.scoreSigma);
      let text = `${kind} ${pct(rocAuc(maxima(maps), labels))} / ${pixel(maps)}`;
      if (kind === densityKind) {
        const own = spread(
          outOfFoldScores({ featurizer: { grid: layout, dimension: d }, density, settings } as never, train.features, n, d, true)!,
        );
        scaled[variant] = maps.map((map) => map.map((v) => (v - own.mu) / own.sd));
        const fused = maps.map((map, i) => map.map((v, p) => (v - own.mu) / own.sd + (colourMaps[i]![p]! - c.mu) / c.sd));
        const scores = maxima(fused);
        text += `, fused ${pct(rocAuc(scores, labels))} / ${pixel(fused)} (${byDefect(scores)})`;
      }
      line.push(text);
    }
    console.log(line.join(' | '));
  }
  if (scaled.final && scaled.s1) {
    // The final stage and stage 1 as two scorers beside the colour scorer (three scaled maps summed).
    const three = scaled.final.map((map, i) => map.map((v, p) => v + scaled.s1![i]![p]! + (colourMaps[i]![p]! - c.mu) / c.sd));
    const scores = maxima(three);
    console.log(`  final, s1 and colour as three scorers: ${pct(rocAuc(scores, labels))} / ${pixel(three)} (${byDefect(scores)})`);
  }
  trainIn.images.dispose();
  testIn.images.dispose();
}
