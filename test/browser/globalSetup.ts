/**
 * Before the browser tests: checks that Chromium is there and builds the test page and the example
 * app once (vite, a few seconds). `CUTPASTE_SKIP_BROWSER=1` skips the Chromium tests instead of
 * failing when Chromium is missing (the Node WebGPU test still runs), except under CI (`CI` set):
 * there a missing Chromium always fails, loudly, so a green CI run has run them.
 */
import { buildBundle, CHROMIUM_PATH, hasChromium } from './harness';

/** Whether this runs under CI (`CI` set to anything but empty, `0` or `false`, as CI services set it). */
export function underCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

export default async function setup(): Promise<void> {
  if (!hasChromium()) {
    if (process.env.CUTPASTE_SKIP_BROWSER === '1' && !underCi()) return;
    throw new Error(
      `browser tests: no Chromium at ${CHROMIUM_PATH}. Install it (Debian: apt-get install chromium), ` +
        (underCi()
          ? 'set CHROMIUM_PATH (under CI the Chromium tests cannot be skipped).'
          : 'set CHROMIUM_PATH, or set CUTPASTE_SKIP_BROWSER=1 to skip the Chromium tests.'),
    );
  }
  await buildBundle('page');
  await buildBundle('example');
}
