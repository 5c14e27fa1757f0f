/**
 * The `cutpaste` command line as data: each command's options and their help (help.ts lays them out). Pure
 * (no tfjs, no file system), so parsing can be tested on its own.
 */
import type { OptionGroup } from '../../math/optionSchema';
import { ALL_DETECTOR_FLAGS, DEFAULT_DETECTOR, DETECTOR_NAMES } from './detectorKinds';

/** The commands of the `cutpaste` tool. */
export type CommandName = 'fit' | 'score' | 'evaluate' | 'calibrate';

/** The command names, in help order. */
export const COMMAND_NAMES: readonly CommandName[] = Object.freeze(['fit', 'score', 'evaluate', 'calibrate']);

/** One `--option` of a command. */
export interface OptionSpec {
  /** Long name without dashes (`image-size`). */
  readonly name: string;
  /** `'string'` options take a value (`--steps 300` or `--steps=300`); `'boolean'` ones do not. */
  readonly type: 'string' | 'boolean';
  /** One-letter alias (`h` for `-h`). */
  readonly short?: string;
  /** The value's placeholder in help (`N`, `DIR`). */
  readonly metavar?: string;
  /** Whether the command needs it. */
  readonly required?: boolean;
  /** One line of help. */
  readonly help: string;
  /** The detector option group it is listed under in help (absent: the command's own options). */
  readonly group?: OptionGroup;
}

/** A command: its options, positional arguments and help text. */
export interface CommandSpec {
  readonly name: CommandName;
  /** The usage line after `cutpaste `. */
  readonly usage: string;
  /** One-line summary (tool help). */
  readonly summary: string;
  /** Paragraphs printed between the usage line and the options. */
  readonly description: string;
  readonly options: readonly OptionSpec[];
  /** Placeholder of positional arguments (`IMAGES...`), or undefined when none are allowed. */
  readonly positionals?: string;
  /** Example command lines. */
  readonly examples: readonly string[];
}

/** Backends the CLI can select (`--backend`). */
export const BACKENDS = Object.freeze(['wasm', 'cpu', 'tensorflow'] as const);
export type BackendName = (typeof BACKENDS)[number];

const COMMON: readonly OptionSpec[] = [
  {
    name: 'backend',
    type: 'string',
    metavar: 'NAME',
    help: 'tfjs backend: wasm (default), cpu, or tensorflow (needs @tensorflow/tfjs-node)',
  },
  {
    name: 'threads',
    type: 'string',
    metavar: 'N',
    help: 'wasm: threads of its convolutions, auto (default: every core for score; 1 for fit and evaluate, which train on --workers instead) or 1–8',
  },
  {
    name: 'max-pixels',
    type: 'string',
    metavar: 'N',
    help: 'refuse image files over N pixels (width × height, read from the header; default 33554432 = 8192×4096)',
  },
  { name: 'quiet', type: 'boolean', short: 'q', help: 'no progress bars or notes on stderr' },
  { name: 'verbose', type: 'boolean', help: 'print stack traces of errors' },
  { name: 'help', type: 'boolean', short: 'h', help: 'show this help' },
];

/** `--encoder-model`: a user's pretrained network, for the detector created or loaded. */
const ENCODER_MODEL: OptionSpec = {
  name: 'encoder-model',
  type: 'string',
  metavar: 'DIR|URL',
  help: 'a tfjs LayersModel (folder with model.json, or an http(s):// or file:// URL) as the encoder; a model saved with one needs it again',
};

/** `--detector` and every detector's flags, read from the option tables (a new flag is one `flag` on its row); help lists them per detector. */
const DETECTOR: readonly OptionSpec[] = [
  {
    name: 'detector',
    type: 'string',
    metavar: 'KIND',
    help: `the detector: ${DETECTOR_NAMES.join(', ')} (default ${DEFAULT_DETECTOR}); its options are listed below`,
  },
  ENCODER_MODEL,
  ...ALL_DETECTOR_FLAGS,
];

/** The three commands. */
export const COMMANDS: Readonly<Record<CommandName, CommandSpec>> = Object.freeze({
  fit: {
    name: 'fit',
    usage: 'fit --data DIR --out MODEL_DIR [options]',
    summary: 'train a detector on normal images and save it',
    description: [
      'Fits a detector (--detector; CutPaste by default) on the normal images of DIR and saves it to MODEL_DIR (model.json and',
      'weights.bin, written atomically). DIR is an MVTec AD category (train/good/*.png), a folder whose',
      'good/ subfolder holds the normal images, or a folder holding the normal images directly (PNG, JPEG,',
      'BMP, TIFF, WebP; no subfolders). The decision threshold saved with the model is the 0.99',
      'quantile of out-of-fold scores of the training images, or with --holdout F of the scores of the',
      'normal images held out of training (evenly spaced in name order; recommended: it is less',
      'conservative). Ctrl-C stops training and writes nothing.',
      'Without --per-location/--no-per-location patch mode chooses from the training features: one density',
      'per location when they line up across images (aligned objects), one shared density otherwise (textures).',
    ].join('\n'),
    options: [
      {
        name: 'data',
        type: 'string',
        metavar: 'DIR',
        required: true,
        help: 'MVTec AD category, folder with good/, or folder of normal images',
      },
      { name: 'out', type: 'string', metavar: 'MODEL_DIR', required: true, help: 'folder to save the model to (created)' },
      { name: 'force', type: 'boolean', help: 'replace a model already saved in MODEL_DIR' },
      {
        name: 'holdout',
        type: 'string',
        metavar: 'F',
        help: 'keep this fraction of the normal images out of training and set the threshold on them (e.g. 0.2)',
      },
      ...DETECTOR,
      ...COMMON,
    ],
    examples: [
      'cutpaste fit --data mvtec/bottle --out models/bottle --per-location',
      'cutpaste fit --data photos --out models/parts --holdout 0.2 --steps 500 --image-size 192x256',
      'cutpaste fit --detector feature-density --data photos --out models/parts-fd --stages 2,3',
    ],
  },
  score: {
    name: 'score',
    usage: 'score --model MODEL_DIR IMAGES... [options]',
    summary: 'score image files with a saved detector',
    description: [
      'Scores each image file (any size; folders give the image files in them and their subfolders, linked',
      'files included, as fit reads them; other entries are named on stderr) and prints file, score,',
      'verdict and threshold. A verdict is "anomalous" when score >= the threshold saved',
      'with the model. --heatmaps writes one PNG overlay per image; in patch mode colours span the fixed',
      'range [threshold / 2, 1.5 × threshold], so the threshold sits mid-scale (green in turbo) and',
      'colours compare across images; image-mode GradCAM maps are normalised per image. Images are resized',
      "to the model's size as they are decoded; heatmaps are drawn at each image's own size up to 4096×4096",
      'pixels (larger ones are scaled down). Files over --max-pixels are refused before decoding.',
      'A file that cannot be read (corrupt, truncated, not an image, over --max-pixels) is skipped and named',
      'on stderr and in the JSON "skipped" list; the exit code is 0 when any image was scored, 3 when none was.',
      "Heatmaps are named after the whole file name (x.jpg -> x.jpg.png), in the images' folders mirrored",
      'below their common folder. OUT_DIR may not be or lie inside an input folder, and a file already at',
      'a heatmap\'s name is replaced only when it is a heatmap cutpaste wrote (its PNG "Software" text).',
      'The normalised score is score / threshold: 1 is the decision boundary. --threshold V replaces the',
      "saved threshold for this run only ('cutpaste calibrate' changes the saved one). --masks writes a",
      'binary PNG per image (255 where the score map >= the threshold, named and replaced as the heatmaps):',
      "an image's score is its map's maximum, so the image threshold applies to pixels (patch mode and",
      'feature-density only; image-mode GradCAM maps are not on the score scale).',
    ].join('\n'),
    options: [
      { name: 'model', type: 'string', metavar: 'MODEL_DIR', required: true, help: 'a folder written by `cutpaste fit`' },
      {
        name: 'heatmaps',
        type: 'string',
        metavar: 'OUT_DIR',
        help: 'write a heatmap overlay PNG per image to OUT_DIR (outside the input folders)',
      },
      { name: 'json', type: 'boolean', help: 'print JSON instead of a table' },
      { name: 'threshold', type: 'string', metavar: 'V', help: 'use this threshold instead of the saved one (this run only)' },
      {
        name: 'masks',
        type: 'string',
        metavar: 'OUT_DIR',
        help: 'write a binary mask PNG per image (255 where the map >= the threshold) to OUT_DIR',
      },
      {
        name: 'report',
        type: 'string',
        metavar: 'DIR',
        help: 'write an HTML report (index.html and images) to DIR (a new or empty folder)',
      },
      ENCODER_MODEL,
      ...COMMON,
    ],
    positionals: 'IMAGES...',
    examples: [
      'cutpaste score --model models/bottle mvtec/bottle/test/broken_large/000.png',
      'cutpaste score --model models/parts new-photos/ --heatmaps heatmaps --json',
      'cutpaste score --model models/parts new-photos/ --threshold 350 --masks masks',
    ],
  },
  evaluate: {
    name: 'evaluate',
    usage: 'evaluate --data MVTEC_ROOT [options] | evaluate --model MODEL_DIR --data CATEGORY [options]',
    summary: 'fit and evaluate every category of an MVTec AD root, or evaluate a saved model',
    description: [
      'For each category under MVTEC_ROOT (every folder with train/good, or those named by --categories),',
      'fits a detector on train/good and evaluates it on test/ (streamed in batches): image AUROC, pixel',
      'AUROC and AUPRO (with ground_truth masks), fit and evaluation seconds, and a mean row. Writes',
      'results.md, results.json and results.csv to --out once every category is done (nothing when one',
      'fails; Ctrl-C keeps the finished ones), or prints the Markdown table to stdout.',
      'Patch mode fits one density per grid location when the training features line up across images',
      '(aligned objects such as bottle or pill) and one shared density otherwise (textures), unless',
      '--per-location or --no-per-location says which.',
      "With --model, the saved detector (any kind) is evaluated as is on one category's test/ (nothing is",
      'trained: detector options are refused). --report DIR writes an HTML report of the category',
      '(scores, per-defect results, confusion matrix at the threshold, image / mask / map side by side).',
    ].join('\n'),
    options: [
      { name: 'data', type: 'string', metavar: 'MVTEC_ROOT', required: true, help: 'folder holding MVTec AD categories' },
      { name: 'categories', type: 'string', metavar: 'A,B', help: 'comma-separated categories (default: every one present)' },
      {
        name: 'out',
        type: 'string',
        metavar: 'DIR',
        help: 'write results.md, results.json and results.csv here (a new or empty folder), at the end',
      },
      { name: 'force', type: 'boolean', help: 'write into a DIR that holds files (results.* there are replaced)' },
      {
        name: 'model',
        type: 'string',
        metavar: 'MODEL_DIR',
        help: 'evaluate this saved model instead of fitting one (--data: one category)',
      },
      { name: 'report', type: 'string', metavar: 'DIR', help: 'write an HTML report to DIR (a new or empty folder; one category)' },
      ...DETECTOR,
      ...COMMON,
    ],
    examples: [
      'cutpaste evaluate --data mvtec --categories bottle,carpet --out results',
      'cutpaste evaluate --data mvtec --mode image --steps 500',
      'cutpaste evaluate --model models/bottle --data mvtec/bottle --report report',
    ],
  },
  calibrate: {
    name: 'calibrate',
    usage: 'calibrate --model MODEL_DIR --data DIR [options]',
    summary: "set a saved model's threshold from images",
    description: [
      'Scores the images of DIR with the saved model and rewrites only its threshold. DIR holding normal',
      'images only (image files directly, or a good/ subfolder) sets the --quantile of their scores',
      '(default 0.99: images the model did not train on); DIR with good/ and defect subfolders',
      '(good/, crack/, …; as an MVTec test/ folder) sets the threshold that maximises F1. The model folder',
      "is rewritten atomically (saved beside it, then swapped), only when 'cutpaste fit' wrote it. Prints",
      'the old and the new threshold.',
    ].join('\n'),
    options: [
      {
        name: 'model',
        type: 'string',
        metavar: 'MODEL_DIR',
        required: true,
        help: 'a folder written by `cutpaste fit` (rewritten in place)',
      },
      {
        name: 'data',
        type: 'string',
        metavar: 'DIR',
        required: true,
        help: 'normal images (flat or good/), or good/ with defect subfolders',
      },
      {
        name: 'quantile',
        type: 'string',
        metavar: 'Q',
        help: 'normal images only: the quantile of their scores, in [0, 1] (default 0.99)',
      },
      ENCODER_MODEL,
      ...COMMON,
    ],
    examples: [
      'cutpaste calibrate --model models/bottle --data held-out-good/',
      'cutpaste calibrate --model models/bottle --data mvtec/bottle/test',
    ],
  },
});

/** Options of the tool itself (`cutpaste --help`, `cutpaste --version`). */
export const TOOL_OPTIONS: readonly OptionSpec[] = Object.freeze([
  { name: 'help', type: 'boolean', short: 'h', help: 'show this help (or `cutpaste COMMAND --help`)' },
  { name: 'version', type: 'boolean', short: 'V', help: 'print the version' },
]);
