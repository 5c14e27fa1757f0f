import { ProgressDisplay } from './progress';

/** Where a command writes: results to stdout, progress and notes to stderr. */
export interface CliContext {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  /** Progress bars and notes on stderr (silent with `--quiet`). */
  readonly display: ProgressDisplay;
}

/**
 * The context of a command run in this process.
 *
 * @example
 * const context = processContext({ quiet: false });
 */
export function processContext(options: { quiet: boolean }): CliContext {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    display: new ProgressDisplay({ stream: process.stderr, quiet: options.quiet }),
  };
}
