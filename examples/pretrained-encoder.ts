/**
 * A pretrained network of your own as the encoder: a `tf.LayersModel` from a folder or URL you
 * supply (for instance MobileNet v1 of tfjs-models), cut at one of its layers, with a
 * `FeatureDensityDetector` (no training: a Gaussian density on the network's features, PaDiM-style).
 * The CLI does the same with `cutpaste fit --detector feature-density --encoder-model DIR|URL`.
 *
 *   npx tsx examples/pretrained-encoder.ts [--encoder-model DIR|URL] [--feature-node LAYER]
 *                                          [--data DIR] [--backend wasm|cpu|tensorflow]
 *
 * For instance, MobileNet v1 (a LayersModel, 224×224 RGB in [-1, 1]; downloaded by tfjs from the URL):
 *
 *   npx tsx examples/pretrained-encoder.ts \
 *     --encoder-model https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.25_224/model.json \
 *     --feature-node conv_pw_11_relu --data my-parts
 *
 * Without --encoder-model nothing is downloaded: it builds a small untrained LayersModel itself (and
 * says so), which shows the wiring, not what a pretrained network is worth. Without --data it writes a
 * small synthetic category to examples/output/pretrained-encoder/data. --data is an MVTec AD category
 * or a folder with good/ (normal images, half of them train) and defect subfolders.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '../src/node/cli/backend';
import type { BackendName } from '../src/node/cli/commands';
import { loadEncoderModel } from '../src/node/cli/encoderModel';
import { loadLibrary } from '../src/node/cli/library';

const { values } = parseArgs({
  options: {
    'encoder-model': { type: 'string' },
    'feature-node': { type: 'string' },
    data: { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
  },
});

await selectBackend(values.backend as BackendName);
const lib = await loadLibrary();

// 1. The network: yours, or a small one built here.
let model: tfl.LayersModel;
const source = values['encoder-model'];
if (source !== undefined) {
  model = await loadEncoderModel(lib, source, 'example');
  console.log(`encoder: ${source} (input ${JSON.stringify(model.inputs[0]!.shape)})`);
} else {
  const input = tfl.input({ shape: [64, 64, 3] });
  let x = input;
  for (const [i, filters] of [16, 32, 64].entries()) {
    x = tfl.layers
      .conv2d({ filters, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: `block${i + 1}` })
      .apply(x) as tfl.SymbolicTensor;
  }
  model = tfl.model({ inputs: input, outputs: x });
  console.log(
    'no --encoder-model given: using a small untrained LayersModel built here (nothing downloaded); pass your own, e.g. MobileNet v1 (see the header)',
  );
}
const [height, width] = model.inputs[0]!.shape.slice(1, 3) as [number, number];

// 2. The images: a folder with good/ and defect folders, or a synthetic one.
let dataDir = values.data;
if (dataDir === undefined) {
  dataDir = resolve(import.meta.dirname, 'output/pretrained-encoder/data');
  await lib.generateSyntheticCategory(dataDir, {
    kind: 'pill',
    trainCount: 30,
    testCount: 20,
    imageSize: [height, width],
    seed: 1,
    overwrite: true,
  });
  console.log(`no --data given: wrote a synthetic category to ${dataDir}`);
}
// An MVTec AD category (train/good, test/<type>), or good/ beside defect folders (half of good/ trains).
const dataset = existsSync(join(dataDir, 'train', 'good'))
  ? await lib.loadMvtecCategory(dataDir, { imageSize: [height, width] })
  : await lib.loadImageFolder(dataDir, { imageSize: [height, width], holdout: 0.5 });

// 3. The detector on the network's features, fitted on the normal images, evaluated on the rest.
const detector = await lib.FeatureDensityDetector.create({
  encoder: {
    model,
    ...(values['feature-node'] ? { featureNode: values['feature-node'] } : {}),
    // MobileNet takes [-1, 1]; a model of yours may want ImageNet's mean/std instead.
    preprocess: { scale: 2, offset: -1 },
  },
  imageSize: [height, width],
});
try {
  const report = await detector.fit(await dataset.loadTrain());
  console.log(
    `fitted on ${report.images} normal images: ${report.features} features on a ${report.grid.join('×')} grid (${report.density} density)`,
  );
  const { images, labels } = await dataset.loadTest();
  const evaluation = await detector.evaluate({ images, labels });
  console.log(`image AUROC on ${images.length} test images: ${(evaluation.imageAuroc * 100).toFixed(1)}`);
} finally {
  detector.dispose();
  model.dispose(); // the network is yours: the detector never disposes it
}
