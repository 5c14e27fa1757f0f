import { describe, expect, it, vi } from 'vitest';

describe('importSharp', () => {
  it('names the caller, the missing package and the install command when sharp is absent', async () => {
    vi.doMock('sharp', () => {
      throw new Error("Cannot find package 'sharp'");
    });
    const { importSharp } = await import('../../src/node/sharp');
    const error = await importSharp('writeHeatmap').catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      "writeHeatmap: the optional dependency 'sharp' is needed to read and write image files; install it with `npm install sharp`",
    );
    expect((error as Error).cause).toBeInstanceOf(Error);
    vi.doUnmock('sharp');
  });
});
