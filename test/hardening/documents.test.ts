/**
 * Saved documents and the numbers in them (issue 14, items 12–15 and 17): crafted documents that can
 * never score, or that are built to hurt (deep nesting, huge strings, absurd numbers), are refused by
 * `load` with a FormatError naming the field and a short message; the documented minimum of two
 * training images fits in image mode; images that are empty or disposed, and a backend that is not
 * ready, are refused for what they are; and the gradient worker count is saved and validated.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CutPasteDetector, FormatError, StateError } from '../../src/index';
import { resolveCutPasteOptions } from '../../src/advanced';
import { editDocument, saveToMemory } from '../helpers/artifacts';
import { expectNoLeak } from '../helpers/tensors';
import { objectImages } from '../helpers/textures';
import { TINY_DETECTORS, TINY_SIZE } from '../helpers/tinyDetectors';
import { expectRefusal } from './refusal';

const [H, W] = TINY_SIZE;
type Doc = Record<string, unknown> & {
  options: Record<string, unknown>;
  density: Record<string, unknown>;
  report: Record<string, unknown>;
};

let train: tf.Tensor4D; // 4 normal images
/** The tiny detectors' saves: image mode (8-d features); patch mode with a density per location of a 3 × 4 grid. */
const saved: Record<'image' | 'perLocation', tf.io.ModelArtifacts> = {} as never;

beforeAll(async () => {
  train = objectImages(4, H, W, 3).images;
  for (const [options, set] of [
    [TINY_DETECTORS.image, 'image'],
    [{ ...TINY_DETECTORS.patch, perLocation: true }, 'perLocation'],
  ] as const) {
    const detector = await CutPasteDetector.create({ ...options, seed: 1 });
    await detector.fit(train, { workers: 0 });
    saved[set] = await saveToMemory(detector);
    detector.dispose();
  }
});
afterAll(() => train.dispose());

/** Loading a saved detector with its document changed by `edit` (when the row runs). */
const load = (which: keyof typeof saved, edit: (doc: Doc) => void) => () =>
  CutPasteDetector.load(tf.io.fromMemory(editDocument(saved[which], edit as (doc: Record<string, unknown>) => void)));

/** `{ threshold: { value: { value: … } } }`, `levels` deep, built without recursion. */
function nested(levels: number): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let at = root;
  for (let i = 0; i < levels; i++) at = at.value = {};
  return root;
}

const HUGE = 'x'.repeat(20_000_000);
const at = '^CutPasteDetector\\.load: ';

describe('CutPasteDetector.load refuses documents that can never score, naming the field', () => {
  const rows: [what: string, call: () => unknown, message: RegExp][] = [
    [
      'a per-location model whose imageSize was edited (the grid no longer matches)',
      load('perLocation', (d) => (d.options.imageSize = [64, 56])),
      new RegExp(
        `${at}the saved density does not fit the detector: density\\.locations is 12 but options\\.imageSize 64×56, patchSize 32 and stride 8 give a 5×4 grid of 20 locations$`,
      ),
    ],
    [
      'an image density of another dimension than the encoder',
      load('image', (d) => {
        const gde = d.density.gde as Record<string, unknown>;
        Object.assign(gde, { dimension: 2, mean: [0, 0], covariance: [1, 0, 0, 1] });
      }),
      new RegExp(
        `${at}the saved density does not fit the detector: the density's dimension 2 differs from the 8 of the encoder's features \\(featureStages "last"\\)$`,
      ),
    ],
    [
      'an image density under options.mode patch',
      load('image', (d) => (d.options.mode = 'patch')),
      new RegExp(
        `${at}the saved density does not fit the detector: density\\.kind 'image' does not fit options\\.mode 'patch' with perLocation auto \\(allowed: shared, per-location\\)$`,
      ),
    ],
    [
      'a density per location with perLocation false',
      load('perLocation', (d) => (d.options.perLocation = false)),
      /does not fit options\.mode 'patch' with perLocation false \(allowed: shared\)$/,
    ],
    [
      'a head config that the options do not build',
      load('image', (d) => ((d.networks as { head: { widths: number[] } }).head.widths = [4])),
      new RegExp(
        `${at}networks\\.head is \\{"inputDim":8,"widths":\\[4\\],.*\\} but the saved options and encoder give \\{"inputDim":8,"widths":\\[8\\],.*\\}$`,
      ),
    ],
    [
      'a report naming another density',
      load('image', (d) => (d.report.density = 'shared')),
      new RegExp(`${at}the saved density does not fit the detector: density\\.kind 'image' differs from report\\.density 'shared'$`),
    ],
  ];
  for (const [what, call, message] of rows) {
    it(`refuses ${what}`, async () => {
      await expectRefusal(call, FormatError, message);
    });
  }
});

describe('CutPasteDetector.load bounds what it reads and what it repeats', () => {
  it('refuses a threshold nested 100,000 levels deep with a FormatError, not a stack overflow', async () => {
    const error = await expectRefusal(
      load('image', (d) => (d.threshold = nested(100_000))),
      FormatError,
      new RegExp(
        `${at}the document nests deeper than 32 levels \\(at cutpaste\\.threshold(\\.value)+\\.v… \\(204 characters\\)\\); a detector's document nests about 6$`,
      ),
    );
    expect(error.message.length).toBeLessThan(400);
  });

  const huge: [what: string, edit: (d: Doc) => void, message: RegExp][] = [
    [
      'options.preset',
      (d) => (d.options.preset = HUGE),
      /cutpaste\.options\.preset holds a string of 20000000 characters; at most 4096 are allowed$/,
    ],
    ['format', (d) => (d.format = HUGE), /cutpaste\.format holds a string of 20000000 characters/],
    ['a threshold method', (d) => (d.threshold = { value: 1, method: HUGE }), /cutpaste\.threshold\.method holds a string/],
    [
      'a key of the report',
      (d) => (d.report[HUGE] = 1),
      /cutpaste\.report\.x{40}… \(20000000 characters\) holds a string of 20000000 characters/,
    ],
  ];
  for (const [what, edit, message] of huge) {
    it(`refuses a 20 MB string in ${what} with a message of less than 400 characters`, async () => {
      const error = await expectRefusal(load('image', edit), FormatError, message);
      expect(error.message.length).toBeLessThan(400);
    });
  }

  it('repeats at most 200 characters of an invalid value', async () => {
    const long = 'y'.repeat(3000);
    const error = await expectRefusal(
      load('image', (d) => (d.options.preset = long)),
      FormatError,
      new RegExp(
        `${at}the saved options are invalid: CutPasteDetector: option preset must be 'fast' or 'paper', got "y{200}… \\(3000 characters\\)"$`,
      ),
    );
    expect(error.message.length).toBeLessThan(400);
    const threshold = await expectRefusal(
      load('image', (d) => (d.threshold = { value: long, method: 'fit' })),
      FormatError,
      /the saved threshold is invalid: /,
    );
    expect(threshold.message.length).toBeLessThan(400);
  });
});

describe('CutPasteDetector.load validates every field of the report and the threshold, and the options as create does', () => {
  const report = (field: string, value: unknown, allowed: string, got: string): [string, (d: Doc) => void, RegExp] => [
    `report.${field} = ${got}`,
    (d) => (d.report[field] = value),
    new RegExp(`${at}report\\.${field} must be ${allowed}, got ${got}$`),
  ];
  const rows: [what: string, edit: (d: Doc) => void, message: RegExp][] = [
    [
      'a report that is a number',
      (d) => (d.report = 5 as never),
      new RegExp(`${at}report must be an object \\(the fit report\\) or null, got 5$`),
    ],
    report('steps', -1, 'an integer in \\[1, 10000000\\]', '-1'),
    report('finalLoss', 'low', 'a number ≥ 0 or null', '"low"'),
    report('pretextAccuracy', 2, 'a number in \\[0, 1\\]', '2'),
    report('seconds', -3, 'a finite number ≥ 0', '-3'),
    report('workers', -1, 'an integer in \\[0, 64\\]', '-1'),
    report('workers', 'two', 'an integer in \\[0, 64\\]', '"two"'),
    report('images', 1, 'an integer ≥ 2', '1'),
    report('density', 'mixture', "'image', 'shared', 'per-location'", '"mixture"'),
    report('alignment', 7, 'a number in \\[0, 1\\]', '7'),
    [
      'a threshold method of "guess"',
      (d) => (d.threshold = { value: 1, method: 'guess' }),
      new RegExp(`${at}threshold\\.method must be 'fit', 'quantile', 'f1-max', 'manual', got "guess"$`),
    ],
    [
      'a threshold quantile of 5',
      (d) => (d.threshold = { value: 1, method: 'fit', quantile: 5 }),
      new RegExp(`${at}threshold\\.quantile must be a number in \\[0, 1\\], got 5$`),
    ],
    [
      'steps 1e300 in the options',
      (d) => (d.options.steps = 1e300),
      new RegExp(
        `${at}the saved options are invalid: CutPasteDetector: option steps must be an integer in \\[1, 10000000\\], got 1e\\+300$`,
      ),
    ],
    [
      'a batch size of 1e9 in the options',
      (d) => (d.options.batchSize = 1e9),
      /option batchSize must be an integer in \[1, 4096\], got 1000000000$/,
    ],
  ];
  for (const [what, edit, message] of rows) {
    it(`refuses ${what}`, async () => {
      await expectRefusal(load('image', edit), FormatError, message);
    });
  }

  it('refuses absurd counts in create as well', () => {
    expect(() => resolveCutPasteOptions({ steps: 1e300 })).toThrow(
      /^CutPasteDetector: option steps must be an integer in \[1, 10000000\], got 1e\+300$/,
    );
    expect(() => resolveCutPasteOptions({ densityMaxRows: 1e12 })).toThrow(/option densityMaxRows must be an integer in \[2, 10000000\]/);
    expect(() => resolveCutPasteOptions({ headWidths: [1e9] })).toThrow(
      /option headWidths must be at most 16 integers in \[1, 8192\], got \[1000000000\]$/,
    );
  });

  it('ignores report fields it does not know, and keeps the rest', async () => {
    const copy = await load('image', (d) => (d.report.comment = 'made on a Tuesday'))();
    try {
      expect(copy.fitReport).not.toHaveProperty('comment');
      expect(copy.fitReport?.images).toBe(4);
    } finally {
      copy.dispose();
    }
  });
});

describe('the gradient worker count is part of the saved model', () => {
  it('is saved, loaded back, and optional only for documents written before it was recorded', async () => {
    const doc = (saved.image.userDefinedMetadata as { cutpaste: Doc }).cutpaste;
    expect(doc.report.workers).toBe(0);
    const copy = await CutPasteDetector.load(tf.io.fromMemory(saved.image));
    const old = await load('image', (d) => delete d.report.workers)();
    try {
      expect(copy.fitReport?.workers).toBe(0);
      expect(old.fitReport).not.toHaveProperty('workers');
    } finally {
      copy.dispose();
      old.dispose();
    }
  });
});

describe('two training images, the documented minimum', () => {
  it('fit an image-mode detector (Ledoit-Wolf has no estimate from two rows: shrinkage 1 is used)', async () => {
    const two = tf.slice(train, [0, 0, 0, 0], [2, -1, -1, -1]) as tf.Tensor4D;
    const third = tf.slice(train, [2, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
    await expectNoLeak(async () => {
      const detector = await CutPasteDetector.create({ ...TINY_DETECTORS.image, seed: 4 });
      try {
        const report = await detector.fit(two, { workers: 0 });
        expect(report.images).toBe(2);
        const scores = await detector.score(two);
        // Shrinkage 1: the covariance is trace(S)/d · I, and each of the two rows scores exactly d = 8.
        scores.forEach((s) => expect(s).toBeCloseTo(8, 3));
        // Off the line through the two training rows the density stays sane (a rank-1 covariance gives 1e15 and more).
        const [other] = await detector.score(third);
        expect(other).toBeLessThan(1e4);
      } finally {
        detector.dispose();
      }
    });
    tf.dispose([two, third]);
  });
});

describe('images and backends are refused for what is wrong with them', () => {
  let detector: CutPasteDetector;
  beforeAll(async () => {
    detector = await CutPasteDetector.load(tf.io.fromMemory(saved.image));
  });
  afterAll(() => detector.dispose());

  it('refuses a batch of height 0 as empty, not as NaN', async () => {
    const flat = tf.zeros([1, 0, W, 3]) as tf.Tensor4D;
    await expectRefusal(
      () => detector.score(flat),
      RangeError,
      /^CutPasteDetector\.score: images has height 0 \(shape \[1, 0, 56, 3\]\); height and width must be ≥ 1$/,
    );
    const narrow = tf.zeros([H, 0, 3]) as tf.Tensor3D;
    await expectRefusal(
      () => detector.score([narrow]),
      RangeError,
      /^CutPasteDetector\.score: images\[0\] has width 0 \(shape \[48, 0, 3\]\); height and width must be ≥ 1$/,
    );
    tf.dispose([flat, narrow]);
  });

  it('refuses a disposed tensor with a StateError saying so', async () => {
    const batch = tf.zeros([1, H, W, 3]) as tf.Tensor4D;
    const single = tf.zeros([H, W, 3]) as tf.Tensor3D;
    tf.dispose([batch, single]);
    await expectRefusal(() => detector.score(batch), StateError, /^CutPasteDetector\.score: images is a disposed tensor; /);
    await expectRefusal(() => detector.scoreMaps([single]), StateError, /^CutPasteDetector\.scoreMaps: images\[0\] is a disposed tensor; /);
  });

  it('refuses to load while the backend is still initialising, with a StateError telling to await tf.ready()', async () => {
    const backend = tf.getBackend();
    let finish = () => {};
    // A backend whose asynchronous initialisation the test ends (with a stand-in object) after loading.
    tf.registerBackend('cutpaste-test-pending', () => new Promise((resolve) => (finish = () => resolve({ dispose() {} } as never))), -1);
    const pending = tf.setBackend('cutpaste-test-pending');
    try {
      await expect(CutPasteDetector.load(tf.io.fromMemory(saved.image))).rejects.toThrow(StateError);
      await expect(CutPasteDetector.load(tf.io.fromMemory(saved.image))).rejects.toThrow(
        /^CutPasteDetector\.load: the tfjs backend is not ready \(.*\); await tf\.ready\(\) or await tf\.setBackend\(name\) before loading$/,
      );
    } finally {
      finish();
      await pending.catch(() => false);
      await tf.setBackend(backend);
      tf.removeBackend('cutpaste-test-pending');
    }
  });
});
