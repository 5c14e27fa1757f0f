import { describe, expect, it } from 'vitest';
import type { CategoryResult } from '../../../src/node/cli/evaluateCategory';
import { formatScore, formatSeconds, scoreTable } from '../../../src/node/cli/format';
import { heatmapRange } from '../../../src/heatmap/heatmapRange';
import { csvTable, jsonResults, markdownTable, meanRow } from '../../../src/node/cli/resultsTable';

const row = (
  category: string,
  imageAuroc: number,
  pixelAuroc: number | null,
  auPro: number | null,
  fitSeconds: number,
  pretextAccuracy: number | null = null,
): CategoryResult => ({
  category,
  trainImages: 209,
  testImages: 83,
  imageAuroc,
  pixelAuroc,
  auPro,
  f1Threshold: 301.5,
  f1: 0.95,
  fitSeconds,
  evaluateSeconds: 12.34,
  mode: 'patch',
  steps: 1000,
  density: 'per-location',
  pretextAccuracy,
  imageSize: [256, 256],
});
const results = [row('bottle', 0.9834, 0.976, 0.9012, 300, 0.9125), row('carpet', 0.931, null, null, 200.25)];

describe('results table', () => {
  it('averages metrics over the categories that have them and sums seconds', () => {
    const mean = meanRow(results);
    expect(mean.imageAuroc).toBeCloseTo((0.9834 + 0.931) / 2, 12);
    expect(mean.pixelAuroc).toBeCloseTo(0.976, 12);
    expect(mean.auPro).toBeCloseTo(0.9012, 12);
    expect(mean.fitSeconds).toBeCloseTo(500.25, 12);
    expect(mean.evaluateSeconds).toBeCloseTo(24.68, 12);
    expect(meanRow([row('x', 0.5, null, null, 1)]).pixelAuroc).toBeNull();
    expect(() => meanRow([])).toThrow(RangeError);
  });

  it('prints Markdown with percentages, dashes for missing metrics and a mean row', () => {
    expect(markdownTable(results)).toBe(
      [
        '| category     | image AUROC | pixel AUROC | AUPRO | pretext | fit s | evaluate s |',
        '|--------------|------------:|------------:|------:|--------:|------:|-----------:|',
        '| bottle       |        98.3 |        97.6 |  90.1 |    91.3 | 300.0 |       12.3 |',
        '| carpet       |        93.1 |           – |     – |       – | 200.3 |       12.3 |',
        '| **mean** (2) |        95.7 |        97.6 |  90.1 |    91.3 | 500.3 |       24.7 |',
        '',
      ].join('\n'),
    );
  });

  it('writes CSV with fractions at full precision, empty cells for missing metrics and a mean row', () => {
    const lines = csvTable(results).trimEnd().split('\n');
    expect(lines[0]).toBe(
      'category,image_auroc,pixel_auroc,aupro,fit_seconds,evaluate_seconds,f1_threshold,f1,train_images,test_images,mode,steps,density,image_size,pretext_accuracy',
    );
    expect(lines[1]).toBe('bottle,0.9834,0.976,0.9012,300,12.34,301.5,0.95,209,83,patch,1000,per-location,256x256,0.9125');
    expect(lines[2]).toBe('carpet,0.931,,,200.25,12.34,301.5,0.95,209,83,patch,1000,per-location,256x256,');
    expect(lines[3]!.startsWith('mean,0.9572,0.976,0.9012,500.25,24.68,')).toBe(true);
    expect(lines).toHaveLength(4);
  });

  it('quotes CSV cells that hold commas or quotes', () => {
    expect(
      csvTable([row('odd, "name"', 0.5, null, null, 1)])
        .split('\n')[1]!
        .startsWith('"odd, ""name""",0.5,'),
    ).toBe(true);
  });

  it('writes JSON with the categories, the mean and the metadata', () => {
    const doc = JSON.parse(jsonResults(results, { backend: 'wasm' })) as {
      backend: string;
      categories: CategoryResult[];
      mean: { imageAuroc: number };
    };
    expect(doc.backend).toBe('wasm');
    expect(doc.categories.map((c) => c.category)).toEqual(['bottle', 'carpet']);
    expect(doc.categories[1]!.pixelAuroc).toBeNull();
    expect(doc.mean.imageAuroc).toBeCloseTo(0.9572, 12);
  });
});

describe('score output', () => {
  it('formats scores with four significant digits and large ones as integers', () => {
    expect(formatScore(301.234)).toBe('301.2');
    expect(formatScore(12.3456)).toBe('12.35');
    expect(formatScore(6856.8)).toBe('6857');
  });

  it('formats durations in s, m and h', () => {
    expect(formatSeconds(3.21)).toBe('3.2s');
    expect(formatSeconds(42.4)).toBe('42s');
    expect(formatSeconds(83)).toBe('1m23s');
    expect(formatSeconds(4000)).toBe('1h06m');
    expect(formatSeconds(Number.NaN)).toBe('…');
  });

  it('prints one aligned line per image with its normalised score, its verdict and the threshold', () => {
    const text = scoreTable(
      [
        { file: 'test/crack/000.png', score: 812.46, normalizedScore: 812.46 / 301.2, isAnomalous: true },
        { file: 'good.png', score: 96.1, normalizedScore: 96.1 / 301.2, isAnomalous: false },
      ],
      301.2,
    );
    expect(text).toBe(
      [
        'file                score  normalized  verdict    threshold',
        'test/crack/000.png  812.5        2.70  anomalous      301.2',
        'good.png            96.10        0.32  normal         301.2',
        '',
      ].join('\n'),
    );
    expect(scoreTable([{ file: 'a.png', score: 5, normalizedScore: null, isAnomalous: null }], undefined)).toContain(
      'a.png  5.000           –  –                –',
    );
  });

  it('spans heatmap colours from half to one and a half times the threshold', () => {
    expect(heatmapRange(300)).toEqual([150, 450]);
    expect(heatmapRange(undefined)).toBeUndefined();
    expect(heatmapRange(0)).toBeUndefined();
    expect(heatmapRange(Number.NaN)).toBeUndefined();
  });
});
