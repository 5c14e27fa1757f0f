/**
 * Helpers of the CLI tests: run `cutpaste` (src/node/cli/main.ts through tsx) in a child process, and
 * write a tiny synthetic MVTec-layout category with sharp (no tfjs in the test process).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import sharp from 'sharp';
import { createSyntheticCategory, type SyntheticKind } from '../../../src/data/index';

export const REPO = resolve(import.meta.dirname, '../../..');
const MAIN = join(REPO, 'src/node/cli/main.ts');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `cutpaste ...args` to completion (cwd: the repository unless given). */
export function runCli(args: readonly string[], cwd = REPO): CliResult {
  const result = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw result.error;
  return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** Starts `cutpaste ...args` and returns the child (stdout and stderr piped). */
export function startCli(args: readonly string[], cwd = REPO): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Writes a synthetic category in MVTec AD's layout (train/good, test/<type>, ground_truth/<type>/*_mask.png).
 *
 * @returns the category folder
 */
export async function writeCategory(
  dir: string,
  kind: SyntheticKind,
  options: { trainCount: number; testCount: number; imageSize: [number, number]; seed: number },
): Promise<string> {
  const category = createSyntheticCategory({ kind, ...options });
  const png = async (path: string, data: Uint8Array, width: number, height: number, channels: 1 | 3): Promise<void> => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, await sharp(data, { raw: { width, height, channels } }).png().toBuffer());
  };
  for (let i = 0; i < options.trainCount; i++) {
    const im = category.train(i);
    await png(join(dir, 'train/good', `${String(i).padStart(3, '0')}.png`), im.data, im.width, im.height, im.channels);
  }
  const counts: Record<string, number> = {};
  for (let i = 0; i < options.testCount; i++) {
    const s = category.test(i);
    const k = (counts[s.defectType] = (counts[s.defectType] ?? -1) + 1);
    const name = String(k).padStart(3, '0');
    await png(join(dir, 'test', s.defectType, `${name}.png`), s.image.data, s.image.width, s.image.height, s.image.channels);
    if (s.label === 1) await png(join(dir, 'ground_truth', s.defectType, `${name}_mask.png`), s.mask, s.image.width, s.image.height, 1);
  }
  return dir;
}
