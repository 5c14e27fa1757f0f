/**
 * Lazy access to the optional `sharp` package (image decoding, resizing and PNG encoding). Only the
 * part of sharp's API this library uses is typed here, so the published types never reference `sharp`.
 */

/** Metadata sharp reads from a file header. */
export interface SharpMetadata {
  width?: number;
  height?: number;
  /** Bands, alpha included (a palette PNG reports 3 or 4). */
  channels?: number;
  /** `uchar` (8-bit), `ushort` (16-bit), … */
  depth?: string;
  /** `srgb`, `b-w`, `grey16`, `rgb16`, `cmyk`, … */
  space?: string;
  format?: string;
  hasAlpha?: boolean;
  /** EXIF orientation 1–8; 5–8 swap width and height. */
  orientation?: number;
}

/** One sharp pipeline. */
export interface SharpPipeline {
  metadata(): Promise<SharpMetadata>;
  autoOrient(): SharpPipeline;
  removeAlpha(): SharpPipeline;
  resize(width: number, height: number, options: { kernel: 'lanczos3' | 'nearest' | 'linear'; fit: 'fill' }): SharpPipeline;
  toColourspace(space: 'b-w' | 'srgb' | 'grey16' | 'rgb16'): SharpPipeline;
  raw(options?: { depth?: 'uchar' | 'ushort' }): SharpPipeline;
  png(options?: { compressionLevel?: number }): SharpPipeline;
  toBuffer(options: { resolveWithObject: true }): Promise<{ data: Buffer; info: { width: number; height: number; channels: number } }>;
  toBuffer(): Promise<Buffer>;
}

/** Options of the sharp constructor used here. */
export interface SharpInputOptions {
  raw?: { width: number; height: number; channels: 1 | 2 | 3 | 4 };
  /** How strictly to reject damaged input (`'truncated'` rejects truncated and corrupt files). */
  failOn?: 'none' | 'truncated' | 'error' | 'warning';
  /** Largest accepted image in pixels, or false for no limit. */
  limitInputPixels?: number | false;
}

/** The sharp constructor. */
export type Sharp = (input: Uint8Array | Uint16Array, options?: SharpInputOptions) => SharpPipeline;

let pending: Promise<Sharp> | undefined;

/**
 * Imports `sharp` on first use. Throws an `Error` naming the caller, the missing package and the
 * install command when it is not installed.
 *
 * @example
 * const sharp = await importSharp('writeHeatmap');
 */
export function importSharp(caller: string): Promise<Sharp> {
  pending ??= import('sharp').then(
    (module) => ((module as { default?: unknown }).default ?? module) as Sharp,
    (error: unknown) => {
      pending = undefined;
      throw new Error(
        `${caller}: the optional dependency 'sharp' is needed to read and write image files; install it with \`npm install sharp\``,
        { cause: error },
      );
    },
  );
  return pending;
}
