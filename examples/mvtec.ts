/**
 * Every MVTec AD category under a root: fit on train/good, evaluate on test/ (image AUROC, pixel AUROC,
 * AUPRO, seconds), one results table. The same code as `cutpaste evaluate` (evaluateCategory,
 * markdownTable), called as a library.
 *
 *   npx tsx examples/mvtec.ts [--root ../shared/data/mvtec] [--categories bottle,carpet] [--mode patch|image]
 *                             [--steps N] [--image-size N] [--out DIR] [--backend wasm|cpu|tensorflow] [--quiet]
 *
 * The root holds one folder per category (bottle/train/good/…, bottle/test/…, bottle/ground_truth/…).
 * Patch mode uses a density per location for the paper's aligned objects and a shared one for the rest.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CutPasteOptions } from 'cutpaste/node';
import { parseImageSize, parseInteger } from '../src/node/cli/parseValues';
import { selectBackend } from '../src/node/cli/backend';
import type { BackendName } from '../src/node/cli/commands';
import { type CategoryResult, evaluateCategory } from '../src/node/cli/evaluateCategory';
import { resolveCategories } from '../src/node/cli/evaluateCommand';
import { formatSeconds } from '../src/node/cli/format';
import { loadLibrary } from '../src/node/cli/library';
import { ProgressDisplay } from '../src/node/cli/progress';
import { csvTable, jsonResults, markdownTable, percent } from '../src/node/cli/resultsTable';

const { values } = parseArgs({
  options: {
    root: { type: 'string', default: resolve(import.meta.dirname, '../../shared/data/mvtec') },
    categories: { type: 'string' },
    mode: { type: 'string', default: 'patch' },
    steps: { type: 'string' },
    'image-size': { type: 'string' },
    out: { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
    quiet: { type: 'boolean', default: false },
  },
});

if (!existsSync(values.root)) {
  console.log(`no MVTec AD root at ${values.root}; pass --root <folder holding bottle/, carpet/, …>`);
  process.exit(0);
}

const detector: CutPasteOptions = { preset: 'fast', mode: values.mode === 'image' ? 'image' : 'patch' };
if (values.steps) detector.steps = parseInteger(values.steps, 'steps', 1, Number.MAX_SAFE_INTEGER);
if (values['image-size']) detector.imageSize = parseImageSize(values['image-size']);

const root = resolve(values.root);
const categories = await resolveCategories(root, values.categories?.split(','), 'mvtec');
const backend = await selectBackend(values.backend as BackendName);
const lib = await loadLibrary();
const display = new ProgressDisplay({ quiet: values.quiet });
display.note(`${categories.length} categories under ${root}, ${backend} backend`);

const results: CategoryResult[] = [];
for (const dir of categories) {
  const { result } = await evaluateCategory(lib, dir, { detector, display });
  results.push(result);
  display.note(
    `${result.category}: image AUROC ${percent(result.imageAuroc)}, pixel AUROC ${percent(result.pixelAuroc)}, AUPRO ${percent(result.auPro)} (fit ${formatSeconds(result.fitSeconds)}, evaluate ${formatSeconds(result.evaluateSeconds)})`,
  );
}

console.log(`\n${markdownTable(results)}`);
if (values.out) {
  const out = resolve(values.out);
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'results.md'), markdownTable(results));
  await writeFile(join(out, 'results.json'), jsonResults(results, { backend, root, options: detector }));
  await writeFile(join(out, 'results.csv'), csvTable(results));
  console.log(`wrote results.md, results.json and results.csv to ${out}`);
}
