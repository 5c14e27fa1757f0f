/**
 * The browser tests fail loudly, not skip, when CI is set and Chromium is missing: a green CI run has
 * run them. (A pure test: it runs the browser suite's global setup against a Chromium that is not there.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  vi.resetModules();
});

async function setupWith(env: Record<string, string | undefined>): Promise<unknown> {
  process.env = { ...saved, CHROMIUM_PATH: '/nonexistent/chromium', ...env };
  vi.resetModules();
  const { default: setup } = await import('./globalSetup');
  return setup().then(
    () => 'skipped',
    (error: unknown) => error,
  );
}

describe('browser tests without Chromium', () => {
  it('skip with CUTPASTE_SKIP_BROWSER=1 outside CI', async () => {
    expect(await setupWith({ CI: undefined, CUTPASTE_SKIP_BROWSER: '1' })).toBe('skipped');
    expect(await setupWith({ CI: 'false', CUTPASTE_SKIP_BROWSER: '1' })).toBe('skipped');
  });
  it('fail under CI even with CUTPASTE_SKIP_BROWSER=1, saying so', async () => {
    const error = await setupWith({ CI: 'true', CUTPASTE_SKIP_BROWSER: '1' });
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/no Chromium at \/nonexistent\/chromium.*under CI the Chromium tests cannot be skipped/);
  });
  it('fail without the skip variable', async () => {
    expect(await setupWith({ CI: undefined, CUTPASTE_SKIP_BROWSER: undefined })).toBeInstanceOf(Error);
  });
});
