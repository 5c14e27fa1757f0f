import cliProgress from 'cli-progress';
import type { FitProgress } from 'cutpaste/node';
import { formatSeconds } from './format';

/** Where progress goes: a stream (stderr), whether it is a terminal, and whether to print at all. */
export interface ProgressOptions {
  /** Default `process.stderr`. */
  readonly stream?: NodeJS.WriteStream;
  /** Print nothing. Default false. */
  readonly quiet?: boolean;
  /** Draw bars (true) or print plain lines every ~10 % (false). Default: whether `stream` is a TTY. */
  readonly bars?: boolean;
}

/** One running task of a {@link ProgressDisplay}. */
export interface ProgressTask {
  /** Moves the task to `value` (of its total), with an optional detail text (`loss 0.41 | acc 87 %`). */
  update(value: number, detail?: string, eta?: number): void;
  /** Ends the task (the bar stays on screen, at its last value). */
  done(): void;
}

/**
 * Progress on stderr for long runs: cli-progress bars on a terminal (one at a time, redrawn inside
 * `update`, so they move even while tfjs keeps the event loop busy), plain lines every ~10 % when
 * stderr is a file or a pipe (CI logs), nothing when quiet.
 */
export class ProgressDisplay {
  readonly #stream: NodeJS.WriteStream;
  readonly #quiet: boolean;
  readonly #bars: boolean;
  #active: ProgressTask | undefined;

  constructor(options: ProgressOptions = {}) {
    this.#stream = options.stream ?? process.stderr;
    this.#quiet = options.quiet ?? false;
    this.#bars = options.bars ?? this.#stream.isTTY === true;
  }

  /** Prints a line (ending any running bar first). */
  note(line: string): void {
    if (this.#quiet) return;
    this.#active?.done();
    this.#stream.write(`${line}\n`);
  }

  /**
   * Starts a task of `total` units (`'steps'`, `'images'`) labelled `label`; ends the previous one.
   */
  start(label: string, total: number, unit: string): ProgressTask {
    this.#active?.done();
    const task = this.#quiet
      ? { update: () => undefined, done: () => undefined }
      : this.#bars
        ? this.#barTask(label, total, unit)
        : this.#lineTask(label, total, unit);
    const wrapped: ProgressTask = {
      update: (value, detail, eta) => task.update(value, detail, eta),
      done: () => {
        if (this.#active === wrapped) this.#active = undefined;
        task.done();
      },
    };
    this.#active = wrapped;
    return wrapped;
  }

  /** Ends the running task, if any. */
  stop(): void {
    this.#active?.done();
  }

  #barTask(label: string, total: number, unit: string): ProgressTask {
    const bar = new cliProgress.SingleBar(
      {
        stream: this.#stream,
        format: `${label.padEnd(8)} {bar} {value}/{total} ${unit}{detail} | {time}`,
        barsize: 24,
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
        etaBuffer: 20,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    let stopped = false;
    const started = performance.now();
    bar.start(total, 0, { detail: '', time: 'ETA …' });
    return {
      update: (value, detail, eta) => {
        if (stopped) return;
        const left = eta ?? (value > 0 ? ((performance.now() - started) / 1000 / value) * (total - value) : Number.NaN);
        bar.update(value, {
          detail: detail ? ` | ${detail}` : '',
          time: value >= total ? formatSeconds((performance.now() - started) / 1000) : `ETA ${formatSeconds(left)}`,
        });
      },
      done: () => {
        if (stopped) return;
        stopped = true;
        bar.update({ time: formatSeconds((performance.now() - started) / 1000) });
        bar.stop();
      },
    };
  }

  #lineTask(label: string, total: number, unit: string): ProgressTask {
    let printedTenth = 0;
    let last = { value: 0, detail: '' };
    let stopped = false;
    const started = performance.now();
    const print = (value: number, detail: string, eta?: number): void => {
      const elapsed = (performance.now() - started) / 1000;
      const time = value >= total || eta === undefined ? formatSeconds(elapsed) : `ETA ${formatSeconds(eta)}`;
      this.#stream.write(`${label} ${value}/${total} ${unit}${detail ? `, ${detail.replaceAll(' | ', ', ')}` : ''}, ${time}\n`);
    };
    return {
      update: (value, detail = '', eta) => {
        if (stopped) return;
        last = { value, detail };
        const tenth = Math.floor((value / Math.max(1, total)) * 10);
        if (tenth > printedTenth && value < total) {
          printedTenth = tenth;
          print(value, detail, eta ?? (value > 0 ? ((performance.now() - started) / 1000 / value) * (total - value) : undefined));
        }
      },
      done: () => {
        if (stopped) return;
        stopped = true;
        print(last.value, last.detail);
      },
    };
  }
}

/**
 * An `onProgress` for `detector.fit` that shows the three stages: training (step, loss, pretext
 * accuracy, images per second, ETA), embedding the training images, fitting the density.
 *
 * @example
 * const display = new ProgressDisplay();
 * await detector.fit(images, { onProgress: fitProgress(display) });
 * display.stop();
 */
export function fitProgress(display: ProgressDisplay): (progress: FitProgress) => void {
  let stage: FitProgress['stage'] | undefined;
  let task: ProgressTask | undefined;
  return (p) => {
    if (p.stage !== stage) {
      stage = p.stage;
      task =
        p.stage === 'train'
          ? display.start('train', p.steps, 'steps')
          : display.start(p.stage, p.total, p.stage === 'embed' ? 'images' : 'densities');
    }
    if (p.stage === 'train') {
      task!.update(
        p.step,
        `loss ${p.loss.toFixed(3)} | acc ${(p.accuracy * 100).toFixed(0)}% | ${p.imagesPerSecond.toFixed(0)} img/s`,
        p.etaSeconds,
      );
      if (p.step === p.steps) task!.done();
    } else {
      task!.update(p.done);
      if (p.done >= p.total) task!.done();
    }
  };
}
