/**
 * Per-pixel calibration of an aligned object's maps, in the object's own frame. Fits the fast preset
 * on the first `--train` normal images of a generated object kind (a validation draw), scores
 * `--calibrate` further normal images (never seen by `fit`) and the test images, and turns every map
 * into the object's frame (`warpToPoses` with the poses of the images as given and the fitted frame's
 * radius). Each frame pixel's mean and standard deviation over the calibration maps then standardise
 * the test maps there before the maximum is taken, over the pixels the image shows (`shownByPoses`,
 * the detector's margin). Some pixels of the frame score high on every normal image (an outline that
 * a small misalignment moves); the raw maximum reads them more than a defect elsewhere.
 * Prints image AUROC: as scored, the raw maximum in the frame, centred, and z-scored.
 *
 *   npx tsx bench/explore-map-calibration.ts [--kind bolt] [--data-seed 9] [--train 200] [--calibrate 100] [--options '{}']
 */
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    kind: { type: 'string', default: 'bolt' },
    'data-seed': { type: 'string', default: '9' },
    seed: { type: 'string', default: '0' },
    train: { type: 'string', default: '200' },
    calibrate: { type: 'string', default: '100' },
    test: { type: 'string', default: '100' },
    options: { type: 'string', default: '{}' },
  },
});

const tf = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-layers');
await import('@tensorflow/tfjs-backend-wasm');
const { CutPasteDetector } = await import('../src/node/index');
const { createSyntheticCategory } = await import('../src/synthetic');
const { objectPoses, shownByPoses, warpToPoses } = await import('../src/ops/pixels/objectPose');
const { rocAuc } = await import('../src/math/rocAuc');
tf.enableProdMode();
await tf.setBackend('wasm');

type Kind = Parameters<typeof createSyntheticCategory>[0]['kind'];
const trainCount = Number(values.train);
const category = createSyntheticCategory({
  kind: values.kind as Kind,
  seed: Number(values['data-seed']),
  trainCount: trainCount + Number(values.calibrate),
  testCount: Number(values.test),
});
const normals = [...category.trainImages()];
const test = [...category.testSamples()];
const labels = test.map((s) => s.label);
const detector = await CutPasteDetector.create({ preset: 'fast', seed: Number(values.seed), ...(JSON.parse(values.options) as object) });
const report = await detector.fit(normals.slice(0, trainCount), { workers: 'auto' });
const radius = report.objectPose?.radius;
if (!report.objectPose?.aligned || radius === undefined) throw new Error(`${values.kind}: fit did not align the images`);
const frame: number = radius;
const calibration = normals.slice(trainCount);
const calibrationMaps = await detector.scoreMaps(calibration);
const testMaps = await detector.scoreMaps(test.map((s) => s.image));
const scores = Array.from(await detector.score(test.map((s) => s.image)));
const margin = Math.ceil(Math.max(detector.options.patchSize, Math.min(...detector.options.imageSize) / 8));
detector.dispose();

/** Each map in its object's frame, and which frame pixels the image shows. */
function framed(images: typeof normals, maps: { data: Float32Array; height: number; width: number }[]) {
  return images.map((image, i) => {
    const { data, width, height, channels } = image;
    const pixels = Float32Array.from(data, (v) => (data instanceof Uint8Array ? v / 255 : v));
    const [pose] = objectPoses({ data: pixels, batch: 1, height, width, channels });
    const map = maps[i]!;
    const one = { ...pose!, background: [0] };
    const warped = warpToPoses({ data: map.data, batch: 1, height: map.height, width: map.width, channels: 1 }, [one], undefined, frame);
    const [shown] = shownByPoses([one], map.height, map.width, frame, margin);
    return { map: warped.data, shown: shown! };
  });
}
const cal = framed(calibration, calibrationMaps);
const tst = framed(
  test.map((s) => s.image),
  testMaps,
);
const size = cal[0]!.map.length;
const mean = new Float64Array(size);
const sd = new Float64Array(size);
const count = new Float64Array(size);
for (const { map, shown } of cal) {
  for (let p = 0; p < size; p++) {
    if (!shown[p]) continue;
    mean[p]! += map[p]!;
    count[p]! += 1;
  }
}
for (let p = 0; p < size; p++) mean[p] = count[p]! > 0 ? mean[p]! / count[p]! : 0;
for (const { map, shown } of cal) for (let p = 0; p < size; p++) if (shown[p]) sd[p]! += (map[p]! - mean[p]!) ** 2;
for (let p = 0; p < size; p++) sd[p] = count[p]! > 1 ? Math.sqrt(sd[p]! / count[p]!) : 0;
// Pixels shown in fewer than a tenth of the calibration images have no usable statistics: left out.
const usable = Array.from(count, (c) => c >= cal.length / 10);
const floor = [...sd].filter((s, p) => usable[p] && s > 0).sort((a, b) => a - b)[0] ?? 1;
const maxOver = (value: (map: Float32Array, p: number) => number) =>
  tst.map(({ map, shown }) => {
    let best = -Infinity;
    for (let p = 0; p < size; p++) if (shown[p] && usable[p]) best = Math.max(best, value(map, p));
    return best;
  });
const pct = (x: number) => (100 * x).toFixed(1);
console.log(`${values.kind}, generator seed ${values['data-seed']}, detector seed ${values.seed}: frame radius ${radius.toFixed(1)} px`);
console.log(`| image score | image AUROC |\n|---|---:|`);
console.log(`| as scored | ${pct(rocAuc(scores, labels))} |`);
console.log(
  `| maximum in the frame | ${pct(
    rocAuc(
      maxOver((m, p) => m[p]!),
      labels,
    ),
  )} |`,
);
console.log(
  `| centred | ${pct(
    rocAuc(
      maxOver((m, p) => m[p]! - mean[p]!),
      labels,
    ),
  )} |`,
);
console.log(
  `| z-scored | ${pct(
    rocAuc(
      maxOver((m, p) => (m[p]! - mean[p]!) / Math.max(sd[p]!, floor)),
      labels,
    ),
  )} |`,
);
