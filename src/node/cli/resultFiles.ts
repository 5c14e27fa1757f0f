import { checkOutputFolder, listEntries, writeOutputFiles } from '../outputFolder';
import { UsageError } from './UsageError';

/**
 * The `--out` folder of `cutpaste evaluate`. Like `fit --out`, a folder that holds anything (dotfiles
 * included) is refused without `--force`; the result files are written once, at the end, atomically
 * (the rule of `checkOutputFolder` and `writeOutputFiles` in src/node/outputFolder.ts, which
 * `writeReport` follows too).
 */

/**
 * Checks, before any work, that results may be written to `out`.
 *
 * @returns the absolute folder
 * @throws UsageError for a file, or a folder holding entries without `force`
 */
export function checkResultsFolder(out: string, force: boolean, command: string): Promise<string> {
  return checkOutputFolder(out, force, (refusal) =>
    refusal.kind === 'file'
      ? new UsageError(`--out ${out}: is a file, expected a folder for the result files`, command)
      : new UsageError(
          `--out ${out}: the folder holds files (${listEntries(refusal.entries)}); choose a new or empty folder, or pass --force to replace the result files there`,
          command,
        ),
  );
}

/** Writes `files` (name → text) into `dir` as described above. */
export const writeResultFiles: (dir: string, files: Readonly<Record<string, string>>) => Promise<void> = writeOutputFiles;
