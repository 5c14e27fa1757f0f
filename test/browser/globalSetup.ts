/**
 * Before the browser tests: checks that Chromium is there and builds the test page and the example
 * app once (vite, a few seconds). `CUTPASTE_SKIP_BROWSER=1` skips the Chromium tests instead of
 * failing when Chromium is missing (the Node WebGPU test still runs).
 */
import { buildBundle, CHROMIUM_PATH, hasChromium } from './harness';

export default async function setup(): Promise<void> {
  if (!hasChromium()) {
    if (process.env.CUTPASTE_SKIP_BROWSER === '1') return;
    throw new Error(
      `browser tests: no Chromium at ${CHROMIUM_PATH}. Install it (Debian: apt-get install chromium), ` +
        'set CHROMIUM_PATH, or set CUTPASTE_SKIP_BROWSER=1 to skip the Chromium tests.',
    );
  }
  await buildBundle('page');
  await buildBundle('example');
}
