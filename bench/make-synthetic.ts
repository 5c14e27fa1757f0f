/**
 * Writes the synthetic benchmark: every generated kind as an MVTec AD-layout category, for
 * `cutpaste evaluate` (the figures in docs/results.md).
 *
 *   npx tsx bench/make-synthetic.ts OUT_DIR [--kinds pill,carpet] [--train 200] [--test 100] [--difficulty 0.5] [--seed 7]
 *   npx tsx src/node/cli/main.ts evaluate --data OUT_DIR --out results
 *
 * Each kind at its default size (256 px; ceramic 256 × 320), seed 7, 200 normal training images and
 * 100 test images (half defective, with masks) per kind by default. Deterministic for a seed.
 */
import { parseArgs } from 'node:util';
import { listSyntheticKinds, type SyntheticKind } from '../src/synthetic';
import { generateSyntheticCategory } from '../src/node/index';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    kinds: { type: 'string' },
    train: { type: 'string', default: '200' },
    test: { type: 'string', default: '100' },
    difficulty: { type: 'string', default: '0.5' },
    seed: { type: 'string', default: '7' },
  },
});
const out = positionals[0];
if (!out) {
  console.error('usage: npx tsx bench/make-synthetic.ts OUT_DIR [--kinds a,b] [--train N] [--test N] [--difficulty D] [--seed S]');
  process.exit(2);
}
const kinds = values.kinds ? (values.kinds.split(',') as SyntheticKind[]) : listSyntheticKinds().map((k) => k.kind);
for (const kind of kinds) {
  const summary = await generateSyntheticCategory(`${out}/${kind}`, {
    kind,
    seed: Number(values.seed),
    trainCount: Number(values.train),
    testCount: Number(values.test),
    difficulty: Number(values.difficulty),
    overwrite: true,
  });
  console.log(`${kind}: ${Number(values.train)} train, ${Number(values.test)} test, ${summary.seconds.toFixed(1)} s`);
}
