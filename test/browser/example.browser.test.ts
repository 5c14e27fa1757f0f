// The browser example (examples/browser) clicked through in Chromium: normal PNGs picked, a short
// training with its progress bar, test PNGs scored with heatmaps, the detector saved to IndexedDB,
// the page reloaded and the detector loaded back, giving the same scores. Takes a screenshot.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeCategory, type SyntheticImage } from '../../src/synthetic';
import { BUILD_ROOT, bundleDir, CHROMIUM_TESTS, launchChromium, serve, type LaunchedBrowser, type StaticServer } from './harness';

/** Where the screenshot goes. */
export const SCREENSHOT = join(BUILD_ROOT, 'screenshots', 'example.png');

interface FilePayload {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

async function png(image: SyntheticImage, name: string): Promise<FilePayload> {
  const { data, width, height, channels } = image;
  const buffer = await sharp(Buffer.from(data), { raw: { width, height, channels } }).png().toBuffer();
  return { name, mimeType: 'image/png', buffer };
}

/** The scores shown, in order, as the page stored them (full precision). */
const shownScores = (page: Page) => page.$$eval('.result', (els) => els.map((e) => Number((e as HTMLElement).dataset.score)));

const idle = (page: Page, fitted: boolean) =>
  page.waitForSelector(`body[data-busy="false"][data-fitted="${fitted}"]`, { state: 'attached', timeout: 120_000 });

describe.runIf(CHROMIUM_TESTS)('the browser example', () => {
  let server: StaticServer;
  let browser: LaunchedBrowser;
  let trainFiles: FilePayload[];
  let testFiles: FilePayload[];

  beforeAll(async () => {
    // Non-square PNGs (144×160): the page resizes to its own image size.
    const data = synthesizeCategory({
      kind: 'pill',
      seed: 11,
      trainCount: 10,
      testCount: 4,
      defectFraction: 0.5,
      imageSize: [144, 160],
      difficulty: 0.2,
    });
    trainFiles = await Promise.all(data.train.map((image, i) => png(image, `good-${i}.png`)));
    testFiles = await Promise.all(data.test.map((s, i) => png(s.image, `${s.label ? 'defect' : 'good'}-${s.defectType}-${i}.png`)));
    server = await serve(bundleDir('example'));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('trains on picked PNGs with a progress bar, scores dropped test images with heatmaps, and saves and loads the detector', async () => {
    const page = await browser.open(`${server.origin}/isolated/`, false);
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
    expect(await page.inputValue('#backend')).toBe('wasm');
    expect(await page.textContent('#backend-info')).toMatch(/threaded SIMD/);

    await page.setInputFiles('#train-files', trainFiles);
    await page.waitForFunction(() => document.querySelectorAll('#train-thumbs canvas').length === 10);
    expect(await page.isEnabled('#train')).toBe(true);
    await page.fill('#steps', '12');
    const widths: number[] = [];
    const watch = setInterval(() => {
      void page
        .$eval('#bar', (b) => parseFloat((b as HTMLElement).style.width) || 0)
        .then(
          (w) => widths.push(w),
          () => {},
        );
    }, 150);
    await page.click('#train');
    await idle(page, true);
    clearInterval(watch);
    expect(await page.$eval('#bar', (b) => (b as HTMLElement).style.width)).toBe('100%');
    expect(
      widths.some((w) => w > 0 && w < 100),
      `the bar moved through ${widths.join(', ')}`,
    ).toBe(true);
    expect(await page.textContent('#train-status')).toMatch(/^Trained on 10 images in /);

    await page.setInputFiles('#test-files', testFiles);
    await page.waitForFunction(() => document.querySelectorAll('.result').length === 4);
    await idle(page, true);
    const scores = await shownScores(page);
    expect(scores).toHaveLength(4);
    expect(scores.every((s) => Number.isFinite(s) && s > 0)).toBe(true);
    expect(await page.textContent('#threshold')).toMatch(/^threshold \d+\.\d \(fit\)$/);
    // Every overlay is drawn at its image's own size and is not one flat colour.
    const overlays = await page.$$eval('.result canvas', (canvases) =>
      canvases.map((c) => {
        const canvas = c as HTMLCanvasElement;
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        const reds = new Set<number>();
        for (let i = 0; i < data.length; i += 4 * 7) reds.add(data[i]!);
        return { width: canvas.width, height: canvas.height, distinctReds: reds.size };
      }),
    );
    for (const o of overlays) expect(o).toMatchObject({ width: 160, height: 144 });
    expect(Math.min(...overlays.map((o) => o.distinctReds))).toBeGreaterThan(20);
    mkdirSync(join(BUILD_ROOT, 'screenshots'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`[example] scores ${scores.map((s) => s.toFixed(1)).join(', ')}; screenshot ${SCREENSHOT}`);

    await page.click('#save');
    await page.waitForFunction(() =>
      /^Saved to indexeddb:\/\/cutpaste-example/.test(document.getElementById('store-status')!.textContent ?? ''),
    );

    // A fresh page (same origin, same profile): the saved detector comes back from IndexedDB.
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
    expect(await page.isEnabled('#save')).toBe(false);
    await page.click('#load');
    await idle(page, true);
    expect(await page.textContent('#store-status')).toMatch(
      /^Loaded from indexeddb:\/\/cutpaste-example: trained on 10 images, 12 steps, 128×128 px\.$/,
    );
    await page.setInputFiles('#test-files', testFiles);
    await page.waitForFunction(() => document.querySelectorAll('.result').length === 4);
    await idle(page, true);
    expect(await shownScores(page)).toEqual(scores);
    expect(browser.logs.filter((l) => l.startsWith('pageerror'))).toEqual([]);
  });
});
