/**
 * Ctrl-C during `cutpaste fit`: the child process gets SIGINT while training, aborts the fit through its
 * AbortSignal, exits with 130 and leaves no model folder (and no temporary one).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, writeCategory } from './cliHarness';

let work = '';
let data = '';

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cutpaste-sigint-'));
  data = await writeCategory(join(work, 'pill'), 'pill', { trainCount: 6, testCount: 0, imageSize: [48, 64], seed: 2 });
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('cutpaste fit interrupted by Ctrl-C', () => {
  it('stops training, exits with 130 and writes no model', async () => {
    const out = join(work, 'models', 'pill');
    // 100,000 steps would take hours: only the interruption can end this run in time.
    const child = startCli([
      'fit',
      '--data',
      data,
      '--out',
      out,
      '--steps',
      '100000',
      '--batch-size',
      '4',
      '--image-size',
      '48x64',
      '--stride',
      '8',
    ]);
    let stderr = '';
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const started = new Promise<void>((resolve) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('fitting on 6 normal images')) resolve();
      });
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    await started;
    await new Promise((r) => setTimeout(r, 1500)); // let it train a few steps
    const sentAt = performance.now();
    child.kill('SIGINT');
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000));
    const result = await Promise.race([exited, timeout]);
    if (result === 'timeout') child.kill('SIGKILL');
    expect(result, `stderr: ${stderr}`).toEqual({ code: 130, signal: null });
    expect(performance.now() - sentAt).toBeLessThan(30_000);
    expect(stderr).toContain('stopping… (no model will be written');
    expect(stderr).toMatch(/cutpaste fit: interrupted after \d+ of 100000 training steps; no model was written to .*pill\n$/);
    expect(stdout).toBe('');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(work, 'models'))).toBe(false);
    expect(readdirSync(work)).toEqual(['pill']);
  }, 60_000);
});
