import type { ResNetConfig } from './resnetConfig';

/** The patch sides (px) with a built-in patch encoder preset (`patch16` … `patch64`). */
export const PATCH_ENCODER_SIZES = Object.freeze([16, 32, 48, 64] as const);

/** Width of the last stage: every patch encoder gives 128-d features, so densities compare across sizes. */
const FEATURE_DIM = 128;

/**
 * A fully convolutional patch encoder whose receptive field is exactly `patchSize` px, with total
 * stride 4 (which divides the detector's default strides, 4 and 8): one pass over an image gives the
 * 128-d features of all its `patchSize` patches at stride 4, and a `patchSize` crop gives a 1 × 1 map.
 *
 * Layout ('valid' padding everywhere): a 3×3/1 stem with 32 channels and a 2×2/2 max-pool (4 px),
 * a block of stride 2 (16 px, total stride 4), then one block of stride 1 per further 16 px (each of
 * its two 3×3 convs adds 8 px at stride 4). Stage widths, from the last one back: 128, 64, 32, 32, …,
 * so the cost per pixel of a crop stays near `patch32`'s and a dense map of a 256 px image costs no
 * more than `patch32`'s. `patchEncoderConfig(32)` is `patch32` exactly (same config, same weights).
 *
 * @param patchSize a multiple of 16, ≥ 16 (px).
 * @throws RangeError for another size.
 * @example
 * const encoder = resnet(patchEncoderConfig(64), { seed: 1 }); // receptiveField 64, totalStride 4
 */
export function patchEncoderConfig(patchSize: number): ResNetConfig {
  if (!(Number.isInteger(patchSize) && patchSize >= 16 && patchSize % 16 === 0)) {
    throw new RangeError(`patchEncoderConfig: patchSize must be a multiple of 16, ≥ 16 (px), got ${String(patchSize)}`);
  }
  const stages = patchSize / 16;
  const widths = Array.from({ length: stages }, (_, i) => Math.max(32, FEATURE_DIM >> (stages - 1 - i)));
  return {
    name: `patch${patchSize}`,
    blocks: widths.map(() => 1),
    widths,
    strides: widths.map((_, i) => (i === 0 ? 2 : 1)),
    stem: { channels: 32, kernel: 3, stride: 1, maxPool: { kernel: 2, stride: 2 } },
    padding: 'valid',
  };
}

/**
 * The built-in patch encoder size for `patchSize`: the largest of {@link PATCH_ENCODER_SIZES} that is
 * ≤ `patchSize` (equal: a one-pass dense map; larger patches are embedded crop by crop), or
 * `undefined` below 16 px.
 */
export function patchEncoderSizeFor(patchSize: number): (typeof PATCH_ENCODER_SIZES)[number] | undefined {
  return [...PATCH_ENCODER_SIZES].reverse().find((s) => s <= patchSize);
}
