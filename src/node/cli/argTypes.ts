/**
 * The typed arguments of each `cutpaste` command, as `parseCommandLine` returns them. Pure types.
 */
import type { CutPasteOptions } from 'cutpaste/node';
import type { BackendName, CommandName } from './commands';

/** Options every command takes. */
export interface CommonArgs {
  /** tfjs backend (default `'wasm'`). */
  readonly backend: BackendName;
  /** `--threads`: XNNPACK threads of the wasm backend (`useThreadedWasm`); absent: `'auto'`. */
  readonly threads?: number | 'auto';
  /** `--max-pixels`: largest image file read, in pixels (`maxPixels` of the readers); absent: the library's default. */
  readonly maxPixels?: number;
  /** No progress output on stderr. */
  readonly quiet: boolean;
  /** Stack traces on errors. */
  readonly verbose: boolean;
  /** `--encoder-model`: a tfjs LayersModel folder or URL, the encoder of the detector created or loaded. */
  readonly encoderModel?: string;
}

/**
 * Detector options of `fit` and `evaluate`: `--detector` (absent: `DEFAULT_DETECTOR`), the options
 * with a flag in that detector's option table (absent ones take its defaults), and `--workers`:
 * gradient worker threads for training (`FitOptions.workers`, CutPaste only).
 */
export type DetectorArgs = { readonly [K in keyof CutPasteOptions]?: CutPasteOptions[K] } & {
  readonly detector?: string;
  readonly workers?: number | 'auto';
  readonly [option: string]: unknown;
};

/** `cutpaste fit`. */
export interface FitArgs extends CommonArgs, DetectorArgs {
  readonly data: string;
  readonly out: string;
  readonly force: boolean;
  /** Fraction of the normal images kept out of training to set the threshold, in [0, 1). */
  readonly holdout?: number;
}

/** `cutpaste score`. */
export interface ScoreArgs extends CommonArgs {
  readonly model: string;
  /** Image files or folders, as given. */
  readonly images: readonly string[];
  readonly heatmaps?: string;
  readonly json: boolean;
  /** `--threshold`: replaces the saved threshold for this run. */
  readonly threshold?: number;
  /** `--masks`: folder of binary mask PNGs. */
  readonly masks?: string;
  /** `--report`: folder of the HTML report. */
  readonly report?: string;
}

/** `cutpaste calibrate`. */
export interface CalibrateArgs extends CommonArgs {
  readonly model: string;
  readonly data: string;
  /** Normal images only: the quantile of their scores, in [0, 1] (default 0.99). */
  readonly quantile?: number;
}

/** `cutpaste evaluate`. */
export interface EvaluateArgs extends CommonArgs, DetectorArgs {
  readonly data: string;
  readonly categories?: readonly string[];
  readonly out?: string;
  /** Write into a non-empty `--out` folder (replacing results.md, results.json, results.csv there). */
  readonly force: boolean;
  /** `--model`: evaluate this saved detector (one category) instead of fitting. */
  readonly model?: string;
  /** `--report`: folder of the HTML report (one category). */
  readonly report?: string;
}

/** What the command line asks for. */
export type ParsedCommandLine =
  | { readonly command: 'help'; readonly topic?: CommandName }
  | { readonly command: 'version' }
  | { readonly command: 'fit'; readonly args: FitArgs }
  | { readonly command: 'score'; readonly args: ScoreArgs }
  | { readonly command: 'evaluate'; readonly args: EvaluateArgs }
  | { readonly command: 'calibrate'; readonly args: CalibrateArgs };
