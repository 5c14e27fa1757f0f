// The HTML report (`writeReport` of cutpaste/node) opened from disk (file://) in Chromium: the threshold
// slider recomputes the confusion matrix, the flagged counts and the verdicts and moves the histogram's
// threshold line; a click on a thumbnail enlarges it; a hostile file name stays text; nothing is
// fetched from the network. Takes screenshots.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeCategory } from '../../src/synthetic';
import { writeReport, type ReportData, type ReportImage } from '../../src/node/index';
import { confusionMatrix } from '../../src/node/report/reportStats';
import { BUILD_ROOT, CHROMIUM_TESTS, launchChromium, type LaunchedBrowser } from './harness';

/** Where the screenshots go. */
export const SCREENSHOTS = {
  page: join(BUILD_ROOT, 'screenshots', 'report.png'),
  zoom: join(BUILD_ROOT, 'screenshots', 'report-zoom.png'),
};

const HOSTILE = `good/<img src=x onerror="window.pwned=1">'.png`;

/** A 9 × 12 score map: a little texture everywhere, plus the share of defect pixels in each cell. */
function fakeMap(mask: Uint8Array, height: number, width: number, seed: number) {
  const rows = 9,
    cols = 12;
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let defect = 0;
      const y0 = Math.floor((r * height) / rows),
        y1 = Math.floor(((r + 1) * height) / rows);
      const x0 = Math.floor((c * width) / cols),
        x1 = Math.floor(((c + 1) * width) / cols);
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) defect += mask[y * width + x]! > 0 ? 1 : 0;
      data[r * cols + c] = 10 + ((seed * 7 + r * 3 + c * 5) % 11) + (60 * defect) / ((y1 - y0) * (x1 - x0));
    }
  }
  return { data, height: rows, width: cols };
}

const counts = (page: Page) =>
  page.evaluate(() => ['cm-tp', 'cm-fp', 'cm-tn', 'cm-fn'].map((id) => Number(document.getElementById(id)!.textContent)));

const moveSlider = (page: Page, value: number) =>
  page.$eval(
    '#threshold-slider',
    (el, v) => {
      const input = el as HTMLInputElement;
      input.value = String(input.dataset.log ? Math.log10(v) : v); // the slider moves along the histogram's axis
      input.dispatchEvent(new Event('input', { bubbles: true }));
    },
    value,
  );

describe.runIf(CHROMIUM_TESTS)('the HTML report in Chromium', () => {
  let browser: LaunchedBrowser;
  let dir: string;
  let images: ReportImage[];
  let threshold: number;

  beforeAll(async () => {
    // Non-square images (72 × 96), half of them defective, with masks.
    const set = synthesizeCategory({ kind: 'pill', seed: 5, trainCount: 1, testCount: 12, imageSize: [72, 96], difficulty: 0.3 });
    images = set.test.map((s, i) => {
      const map = fakeMap(s.mask, 72, 96, i);
      return {
        name: i === 0 ? HOSTILE : `${s.defectType}/${String(i).padStart(3, '0')}.png`,
        score: Math.max(...map.data),
        label: s.label,
        defectType: s.defectType,
        image: s.image,
        map,
        mask: s.mask,
      };
    });
    const scores = images.map((im) => im.score).sort((a, b) => a - b);
    threshold = scores[Math.floor(scores.length / 2)]!;
    const data: ReportData = {
      title: 'synthetic pill <test>',
      images,
      threshold: { value: threshold, method: 'quantile', quantile: 0.99 },
      metrics: { pixelAuroc: 0.9, auPro: 0.8 },
      heatmap: { range: [threshold / 2, threshold * 1.5] },
      options: { preset: 'fast', imageSize: [72, 96] },
    };
    dir = mkdtempSync(join(tmpdir(), 'cutpaste-report-browser-'));
    await writeReport(join(dir, 'report'), data);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('recomputes the confusion matrix as the slider moves, enlarges a clicked image, and fetches nothing from the network', async () => {
    const requests: string[] = [];
    browser.context.on('request', (r) => requests.push(r.url()));
    const page = await browser.open(pathToFileURL(join(dir, 'report', 'index.html')).href, false);
    await page.waitForLoadState('load');

    const expected = (t: number) => {
      const m = confusionMatrix(images, t);
      return [m.truePositives, m.falsePositives, m.trueNegatives, m.falseNegatives];
    };
    expect(await counts(page)).toEqual(expected(threshold));
    expect(await page.$$eval('figure.card', (cards) => cards.length)).toBe(12);
    expect(await page.$$eval('figure.card img', (imgs) => imgs.length)).toBe(36); // image, mask, heatmap
    // Every thumbnail loaded from the report's folder.
    await page.$$eval('img.thumb', (imgs) => Promise.all(imgs.map((i) => (i as HTMLImageElement).decode())));
    expect(await page.$$eval('img.thumb', (imgs) => imgs.filter((i) => (i as HTMLImageElement).naturalWidth !== 96).length)).toBe(0);
    mkdirSync(join(BUILD_ROOT, 'screenshots'), { recursive: true });
    await page.screenshot({ path: SCREENSHOTS.page, fullPage: true });

    const lineX = () => page.$eval('#hist-threshold', (l) => Number(l.getAttribute('x1')));
    const before = await lineX();
    const max = Math.max(...images.map((im) => im.score));
    await moveSlider(page, max + 0.001);
    expect(await counts(page)).toEqual(expected(max + 0.001)); // nothing flagged
    expect(await page.textContent('#flagged-count')).toBe('0');
    expect(await lineX()).toBeGreaterThan(before);
    const low = Math.min(...images.map((im) => im.score));
    await moveSlider(page, low);
    expect(await counts(page)).toEqual(expected(low)); // everything flagged
    expect(await page.$$eval('.verdict.anomalous', (v) => v.length)).toBe(12);
    expect(await page.$$eval('td.flagged', (cells) => cells.map((c) => c.textContent))).toEqual(
      (await page.$$eval('td.flagged', (cells) => cells.map((c) => (c as HTMLElement).dataset.total))).map((n) => `${n} / ${n}`),
    );
    await page.click('#threshold-reset');
    expect(await counts(page)).toEqual(expected(threshold));
    expect(await lineX()).toBeCloseTo(before, 1);

    // Click to enlarge: the heatmap of the highest-scoring image opens in the dialog.
    const heatmap = page.locator('figure.card').first().locator('img.thumb').nth(2);
    const src = await heatmap.getAttribute('src');
    await heatmap.click();
    await page.waitForSelector('dialog#zoom[open]');
    expect(await page.$eval('#zoom-img', (i) => i.getAttribute('src'))).toBe(src);
    await page.$eval('#zoom-img', (i) => (i as HTMLImageElement).decode());
    expect(await page.$eval('#zoom-img', (i) => (i as HTMLImageElement).getBoundingClientRect().width)).toBeGreaterThan(300);
    await page.screenshot({ path: SCREENSHOTS.zoom });
    await page.click('#zoom-img');
    expect(await page.$eval('dialog#zoom', (d) => (d as HTMLDialogElement).open)).toBe(false);

    // The hostile name is shown as text and ran nothing.
    expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.$$eval('b.name', (b) => b.map((x) => x.textContent))).toContain(HOSTILE);
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
    expect(browser.logs.filter((l) => l.startsWith('pageerror'))).toEqual([]);
    console.log(`[report] screenshots ${SCREENSHOTS.page}, ${SCREENSHOTS.zoom}`);
  });
});
