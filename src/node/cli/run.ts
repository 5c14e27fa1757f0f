import { parseCommandLine } from './args';
import { helpText } from './help';
import { processContext } from './context';
import { EXIT_CODES, UsageError } from './UsageError';

/** What {@link runCli} writes to; defaults to the process's streams. */
export interface CliStreams {
  readonly stdout?: NodeJS.WriteStream;
  readonly stderr?: NodeJS.WriteStream;
}

/**
 * Runs the `cutpaste` tool on `argv` (the arguments after the program name) and returns the exit
 * code: 0 success, 1 runtime error (the library's message; the stack with `--verbose`), 2 bad command
 * line (one line naming the problem and a hint to `--help`), 3 `score` could read none of its images
 * (`EXIT_CODES.nothingScored`), 130 interrupted by Ctrl-C.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2));
 */
export async function runCli(argv: readonly string[], streams: CliStreams = {}): Promise<number> {
  const stdout = streams.stdout ?? process.stdout;
  const stderr = streams.stderr ?? process.stderr;
  const verbose = argv.includes('--verbose');
  let command: string | undefined;
  try {
    const parsed = parseCommandLine(argv);
    if (parsed.command === 'help') {
      stdout.write(helpText(parsed.topic));
      return EXIT_CODES.ok;
    }
    if (parsed.command === 'version') {
      const { VERSION } = await import('../../version');
      stdout.write(`${VERSION}\n`);
      return EXIT_CODES.ok;
    }
    command = parsed.command;
    const context = { ...processContext({ quiet: parsed.args.quiet }), stdout, stderr };
    if (parsed.command === 'fit') return await (await import('./fitCommand')).fitCommand(parsed.args, context);
    if (parsed.command === 'score') return await (await import('./scoreCommand')).scoreCommand(parsed.args, context);
    if (parsed.command === 'calibrate') return await (await import('./calibrateCommand')).calibrateCommand(parsed.args, context);
    return await (await import('./evaluateCommand')).evaluateCommand(parsed.args, context);
  } catch (error) {
    if (error instanceof UsageError) {
      const where = error.command ? `cutpaste ${error.command}` : 'cutpaste';
      stderr.write(`${where}: ${error.message} (run '${where} --help' for usage)\n`);
      return EXIT_CODES.usage;
    }
    const prefix = command ? `cutpaste ${command}` : 'cutpaste';
    if (error instanceof Error && error.name === 'AbortError') {
      stderr.write(`${prefix}: ${error.message}\n`);
      return EXIT_CODES.interrupted;
    }
    stderr.write(`${prefix}: ${error instanceof Error ? error.message : String(error)}\n`);
    if (verbose && error instanceof Error) {
      stderr.write(`${error.stack ?? ''}\n`);
      let cause = error.cause;
      while (cause instanceof Error) {
        stderr.write(`caused by: ${cause.stack ?? cause.message}\n`);
        cause = cause.cause;
      }
    } else if (!verbose) {
      stderr.write(`(run with --verbose for the stack trace)\n`);
    }
    return EXIT_CODES.error;
  }
}
