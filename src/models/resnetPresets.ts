import { patchEncoderConfig } from './patchEncoder';
import { deepFreeze, type ResNetConfig } from './resnetConfig';

/** Names of the built-in ResNet architectures. */
export type ResNetPresetName = 'resnet18' | 'resnet18-slim' | 'patch16' | 'patch32' | 'patch48' | 'patch64';

/**
 * The built-in architectures (all BasicBlock ResNets, see `ResNetConfig`):
 * - `resnet18`: the paper's encoder, torchvision's layout: 7×7/2 stem with 64 channels, 3×3/2 max-pool,
 *   blocks [2, 2, 2, 2], widths [64, 128, 256, 512], 'same' padding; 512-d features, total stride 32,
 *   11,176,512 parameters (torchvision's count without `fc`).
 * - `resnet18-slim`: the CPU preset: the same structure (stem, pool, [2, 2, 2, 2] blocks, 18 layers,
 *   receptive field 435 px) at half the width, [32, 64, 128, 256]; 256-d features, 2,798,880 parameters
 *   and ≈ ¼ of the multiply-adds (0.039 G per 64 px image vs 0.148 G). Halving the width rather than
 *   the depth keeps the receptive field and the paper's architecture, and wide-but-shallow convs are
 *   what a CPU runs least efficiently. Measured (wasm, 1 thread, batch 32): ≈ 2.6–2.8× the inference
 *   throughput of `resnet18` at 64–128 px.
 * - `patch32`: a fully convolutional patch encoder with 'valid' padding: 3×3/1 stem (32 channels) and
 *   2×2/2 max-pool, then one block of stride 2 (64 channels) and one of stride 1 (128); 288,800
 *   parameters, receptive field exactly 32 px and total stride 4, so a 32×32 patch gives a 1×1 feature
 *   map and one pass over an image gives the 128-d features of all its 32×32 patches at stride 4 (the
 *   paper's localisation grid: 57×57 patches of a 256 px image, ≈ 1 G multiply-adds, ≈ 0.1 s on wasm).
 *   An even receptive field needs one even kernel (the 2×2 pool); 3×3 convs at strides 1/2/4 add
 *   2/4/8 px each, so any deeper layout that lands on 32 needs its extra blocks at full or half
 *   resolution (4–16× the positions per block); this is the cheapest one with two blocks.
 * - `patch16`, `patch48`, `patch64`: the same family built to other patch sizes (`patchEncoderConfig`):
 *   receptive field exactly 16 / 48 / 64 px, total stride 4, 128-d features, one block per 16 px with
 *   widths [128] / [32, 64, 128] / [32, 32, 64, 128]; 190,112 / 308,448 / 327,008 parameters.
 *   Multiply-adds per crop of their size 0.65 / 6.5 / 11.7 M (per pixel 0.75 / 0.83 / 0.84 × `patch32`'s
 *   3.5 M per 32 px crop); dense map of a 256 px image 0.77 / 0.98 / 0.92 G (`patch32`: 1.04 G).
 */
export const RESNET_PRESETS: Readonly<Record<ResNetPresetName, ResNetConfig>> = deepFreeze({
  resnet18: {
    name: 'resnet18',
    blocks: [2, 2, 2, 2],
    widths: [64, 128, 256, 512],
    strides: [1, 2, 2, 2],
    stem: { channels: 64, kernel: 7, stride: 2, maxPool: { kernel: 3, stride: 2 } },
    padding: 'same',
  },
  'resnet18-slim': {
    name: 'resnet18-slim',
    blocks: [2, 2, 2, 2],
    widths: [32, 64, 128, 256],
    strides: [1, 2, 2, 2],
    stem: { channels: 32, kernel: 7, stride: 2, maxPool: { kernel: 3, stride: 2 } },
    padding: 'same',
  },
  patch16: patchEncoderConfig(16),
  patch32: {
    name: 'patch32',
    blocks: [1, 1],
    widths: [64, 128],
    strides: [2, 1],
    stem: { channels: 32, kernel: 3, stride: 1, maxPool: { kernel: 2, stride: 2 } },
    padding: 'valid',
  },
  patch48: patchEncoderConfig(48),
  patch64: patchEncoderConfig(64),
} satisfies Record<ResNetPresetName, ResNetConfig>);

/**
 * The config of a built-in architecture, with `overrides` applied on top (e.g. `{ inputChannels: 1 }`).
 * @throws RangeError for an unknown name.
 * @example
 * const encoder = resnet(resnetPreset('resnet18', { inputChannels: 1 }), { seed: 7 });
 */
export function resnetPreset(name: ResNetPresetName, overrides: Partial<ResNetConfig> = {}): ResNetConfig {
  const preset = (RESNET_PRESETS as Record<string, ResNetConfig>)[name];
  if (preset === undefined) {
    throw new RangeError(
      `resnetPreset: name must be one of ${Object.keys(RESNET_PRESETS)
        .map((n) => `'${n}'`)
        .join(', ')}, got ${JSON.stringify(name)}`,
    );
  }
  const merged: ResNetConfig = { ...preset, ...overrides, stem: { ...preset.stem, ...overrides.stem } };
  return JSON.parse(JSON.stringify(merged)) as ResNetConfig; // a mutable deep copy
}
