import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createSyntheticCategory } from '../../src/data/index';
import { generateSyntheticCategory } from '../../src/node/synthetic';

const root = mkdtempSync(join(tmpdir(), 'cutpaste-synthetic-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function readRaw(path: string): Promise<{ data: Uint8Array; width: number; height: number; channels: number }> {
  // A 1-channel PNG must be read as 'b-w', or sharp expands it to sRGB.
  const { channels } = await sharp(path).metadata();
  const input = channels === 1 ? sharp(path).toColourspace('b-w') : sharp(path);
  const { data, info } = await input.raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: info.channels };
}

describe('generateSyntheticCategory', () => {
  it('writes the MVTec layout with PNGs that read back to the exact generated pixels', async () => {
    const options = { kind: 'grid' as const, seed: 8, trainCount: 3, testCount: 6, imageSize: [40, 56] as const };
    const dir = join(root, 'grid');
    const summary = await generateSyntheticCategory(dir, options);
    expect(summary).toMatchObject({ dir, kind: 'grid', height: 40, width: 56, channels: 1, train: 3 });
    expect(readdirSync(join(dir, 'train/good')).sort()).toEqual(['000.png', '001.png', '002.png']);

    const category = createSyntheticCategory(options);
    const expected = await readRaw(join(dir, 'train/good/001.png'));
    expect(expected).toMatchObject({ width: 56, height: 40, channels: 1 });
    expect(Buffer.from(expected.data).equals(Buffer.from(category.train(1).data))).toBe(true);

    // Test files are numbered per folder in test-index order; every defect image has its mask.
    const next: Record<string, number> = {};
    for (let i = 0; i < options.testCount; i++) {
      const sample = category.test(i);
      const k = next[sample.defectType] ?? 0;
      next[sample.defectType] = k + 1;
      const name = String(k).padStart(3, '0');
      const image = await readRaw(join(dir, 'test', sample.defectType, `${name}.png`));
      expect(Buffer.from(image.data).equals(Buffer.from(sample.image.data))).toBe(true);
      const maskPath = join(dir, 'ground_truth', sample.defectType, `${name}_mask.png`);
      if (sample.label === 1) {
        const mask = await readRaw(maskPath);
        expect(mask.channels).toBe(1);
        expect(Buffer.from(mask.data).equals(Buffer.from(sample.mask))).toBe(true);
      } else {
        expect(existsSync(maskPath)).toBe(false);
      }
    }
    expect(summary.test).toEqual(next);
    expect(existsSync(join(dir, 'ground_truth/good'))).toBe(false);
    expect(summary.files.length).toBe(3 + 6 + (6 - next.good!));
    // Nothing but the category is left beside it.
    expect(readdirSync(root)).toEqual(['grid']);
  });

  it('writes RGB kinds as 3-channel PNGs', async () => {
    const dir = join(root, 'pill');
    await generateSyntheticCategory(dir, { kind: 'pill', seed: 1, trainCount: 1, testCount: 0, imageSize: 48 });
    const image = await readRaw(join(dir, 'train/good/000.png'));
    expect(image).toMatchObject({ width: 48, height: 48, channels: 3 });
    rmSync(dir, { recursive: true });
  });

  it('writes a non-square grayscale kind at its own default size (ceramic: 256 × 320) as 1-channel PNGs', async () => {
    const dir = join(root, 'ceramic');
    const summary = await generateSyntheticCategory(dir, { kind: 'ceramic', seed: 2, trainCount: 1, testCount: 0 });
    expect(summary).toMatchObject({ height: 256, width: 320, channels: 1 });
    const image = await readRaw(join(dir, 'train/good/000.png'));
    expect(image).toMatchObject({ width: 320, height: 256, channels: 1 });
    expect(
      Buffer.from(image.data).equals(
        Buffer.from(createSyntheticCategory({ kind: 'ceramic', seed: 2, trainCount: 1, testCount: 0 }).train(0).data),
      ),
    ).toBe(true);
    rmSync(dir, { recursive: true });
  });

  it('refuses to replace a non-empty folder unless asked, and replaces it whole when asked', async () => {
    const dir = join(root, 'occupied');
    mkdirSync(dir);
    writeFileSync(join(dir, 'keep.txt'), 'x');
    const options = { kind: 'wood' as const, trainCount: 1, testCount: 2, imageSize: 32 };
    await expect(generateSyntheticCategory(dir, options)).rejects.toThrow(/already exists and is not empty.*overwrite: true/);
    expect(readdirSync(dir)).toEqual(['keep.txt']);
    await generateSyntheticCategory(dir, { ...options, overwrite: true });
    expect(readdirSync(dir).sort()).toEqual(['ground_truth', 'test', 'train']);
    rmSync(dir, { recursive: true });
  });

  it('leaves nothing behind when aborted part-way', async () => {
    const dir = join(root, 'aborted');
    const controller = new AbortController();
    const progress: number[] = [];
    const run = generateSyntheticCategory(dir, {
      kind: 'carpet',
      trainCount: 4,
      testCount: 4,
      imageSize: 32,
      signal: controller.signal,
      onProgress: (done, total) => {
        progress.push(done);
        expect(total).toBe(8);
        if (done === 3) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(progress).toEqual([1, 2, 3]);
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(root).filter((f) => f.includes('aborted'))).toEqual([]);
  });

  it('validates the options before writing anything', async () => {
    const dir = join(root, 'invalid');
    await expect(generateSyntheticCategory(dir, { kind: 'wood', imageSize: 8 })).rejects.toThrow(RangeError);
    await expect(generateSyntheticCategory(dir, { kind: 'wood', imageSize: 8 })).rejects.toThrow(
      /generateSyntheticCategory: options\.imageSize must be/,
    );
    await expect(generateSyntheticCategory(dir, { kind: 'paper' as 'wood' })).rejects.toThrow(/options\.kind must be one of/);
    expect(existsSync(dir)).toBe(false);
  });

  it('explains how to install sharp when the optional dependency is missing', async () => {
    vi.resetModules();
    vi.doMock('sharp', () => {
      throw new Error("Cannot find package 'sharp'");
    });
    try {
      const fresh = await import('../../src/node/synthetic');
      const dir = join(root, 'no-sharp');
      await expect(fresh.generateSyntheticCategory(dir, { kind: 'wood', trainCount: 1, testCount: 0, imageSize: 32 })).rejects.toThrow(
        /optional dependency 'sharp' is needed.*npm install sharp/,
      );
      expect(existsSync(dir)).toBe(false);
    } finally {
      vi.doUnmock('sharp');
      vi.resetModules();
    }
  });
});
