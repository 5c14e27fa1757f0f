/**
 * A bad command line: an unknown command or option, a missing or malformed value, a data folder that
 * does not exist. The CLI prints its message on one line with a hint to `--help` and exits with code 2.
 *
 * @example
 * throw new UsageError('option --steps must be an integer ≥ 1, got "ten"', 'fit');
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** The command whose usage was wrong (`undefined`: the tool itself). */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super(message);
    this.command = command;
  }
}

/** Exit codes of the `cutpaste` CLI. */
export const EXIT_CODES = Object.freeze({
  /** Success. */
  ok: 0,
  /** A runtime error (corrupt image, unreadable model, …). */
  error: 1,
  /** A bad command line. */
  usage: 2,
  /** `score`: none of the image files could be read (each is named on stderr); nothing was scored. */
  nothingScored: 3,
  /** Interrupted by Ctrl-C (SIGINT); 128 + 2, as shells report it. */
  interrupted: 130,
});
