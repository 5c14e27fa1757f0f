import { capText, describeValue } from '../math/validate';
import { DEFAULT_BATCH_NORM, type BatchNormSettings } from './batchNorm';

/** The stem: one conv (+ BatchNorm + ReLU), optionally followed by a max-pool. */
export interface ResNetStemConfig {
  /** Output channels of the stem conv. Default: `widths[0]` (torchvision: 64). */
  channels: number;
  /** Square kernel side, px. Default 7 (torchvision). */
  kernel: number;
  /** Stride, px. Default 2 (torchvision). */
  stride: number;
  /**
   * Max-pool after the stem: `{ kernel, stride }`, `true` = torchvision's 3×3 stride 2, `false` = none.
   * Default `true`.
   */
  maxPool: boolean | { kernel: number; stride: number };
}

/**
 * A ResNet of BasicBlocks (two 3×3 convs with BatchNorm, an identity or 1×1-conv shortcut), described
 * by data. Fields not given take the defaults below (torchvision's ResNet-18 layout).
 */
export interface ResNetConfig {
  /** Tag that `toConfig()` writes so a saved config says what built it; only `'resnet'` is accepted. */
  kind?: 'resnet';
  /** Short label shown as the encoder's `name`. Default `'resnet'`. */
  name?: string;
  /** BasicBlocks per stage, e.g. `[2, 2, 2, 2]` for ResNet-18. Required. */
  blocks: readonly number[];
  /** Output channels per stage, e.g. `[64, 128, 256, 512]`. Same length as `blocks`. Required. */
  widths: readonly number[];
  /** Stride of each stage's first block. Default `[1, 2, 2, …]` (torchvision: `[1, 2, 2, 2]`). */
  strides?: readonly number[];
  stem?: Partial<ResNetStemConfig>;
  /**
   * `'same'`: symmetric zero padding of ⌊k/2⌋ px on every side of every conv and pool (exactly
   * torchvision's). `'valid'`: no padding anywhere; each block's shortcut is cropped to its output
   * (aligned with the centre of the main path's window), so the network is fully convolutional and
   * each output position sees exactly the `receptiveField`-sized input window at `totalStride` steps.
   * Default `'same'`.
   */
  padding?: 'same' | 'valid';
  /** Channels of the input images: 1 or 3. Default 3. */
  inputChannels?: 1 | 3;
  /**
   * Per-channel input normalisation applied first: `(x − mean) / std` on images in [0, 1].
   * Default for 3 channels: ImageNet's mean [0.485, 0.456, 0.406] and std [0.229, 0.224, 0.225]; for
   * 1 channel their averages, mean [0.449] and std [0.226] (a gray image and its RGB copy are
   * normalised alike).
   */
  normalization?: { mean: readonly number[]; std: readonly number[] };
  /** BatchNorm settings. Default `{ momentum: 0.1, epsilon: 1e-5 }` (PyTorch's). */
  batchNorm?: Partial<BatchNormSettings>;
}

/** A fully resolved, validated, frozen `ResNetConfig`: what `toConfig()` returns. */
export interface ResolvedResNetConfig {
  readonly kind: 'resnet';
  readonly name: string;
  readonly blocks: readonly number[];
  readonly widths: readonly number[];
  readonly strides: readonly number[];
  readonly stem: Readonly<{ channels: number; kernel: number; stride: number; maxPool: false | { kernel: number; stride: number } }>;
  readonly padding: 'same' | 'valid';
  readonly inputChannels: 1 | 3;
  readonly normalization: Readonly<{ mean: readonly number[]; std: readonly number[] }>;
  readonly batchNorm: BatchNormSettings;
}

/** ImageNet's per-channel (RGB) mean of images in [0, 1]: the default normalisation of 3-channel ResNets. */
export const IMAGENET_MEAN: readonly number[] = Object.freeze([0.485, 0.456, 0.406]);
/** ImageNet's per-channel (RGB) standard deviation of images in [0, 1]. */
export const IMAGENET_STD: readonly number[] = Object.freeze([0.229, 0.224, 0.225]);
/** Default mean of 1-channel ResNets: the average of `IMAGENET_MEAN`. */
export const GRAY_MEAN: readonly number[] = Object.freeze([0.449]);
/** Default standard deviation of 1-channel ResNets: the average of `IMAGENET_STD`. */
export const GRAY_STD: readonly number[] = Object.freeze([0.226]);

const TORCHVISION_MAX_POOL = Object.freeze({ kernel: 3, stride: 2 });

function fail(field: string, value: unknown, allowed: string): never {
  let shown: string;
  try {
    shown = capText(JSON.stringify(value) ?? String(value));
  } catch {
    shown = describeValue(value); // a cyclic or very deep value
  }
  throw new RangeError(`resnet: config.${field} must be ${allowed}, got ${shown}`);
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

function intArray(field: string, value: unknown, length?: number): number[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every(isPositiveInt)) {
    fail(field, value, 'a non-empty array of positive integers');
  }
  if (length !== undefined && value.length !== length) {
    fail(field, value, `an array of ${length} positive integers (one per stage, like config.blocks)`);
  }
  return [...value];
}

/** Copies `config`, fills the defaults, validates every field (RangeError naming it) and freezes. */
export function resolveResNetConfig(config: ResNetConfig): ResolvedResNetConfig {
  if (config === null || typeof config !== 'object') {
    throw new TypeError(`resnet: config must be an object, got ${String(config)}`);
  }
  if (config.kind !== undefined && config.kind !== 'resnet') fail('kind', config.kind, "'resnet' or absent");
  const blocks = intArray('blocks', config.blocks);
  const stages = blocks.length;
  const widths = intArray('widths', config.widths, stages);
  const strides = config.strides === undefined ? blocks.map((_, i) => (i === 0 ? 1 : 2)) : intArray('strides', config.strides, stages);

  const stemIn = config.stem ?? {};
  const channels = stemIn.channels ?? widths[0]!;
  const kernel = stemIn.kernel ?? 7;
  const stride = stemIn.stride ?? 2;
  if (!isPositiveInt(channels)) fail('stem.channels', channels, 'a positive integer');
  if (!isPositiveInt(kernel)) fail('stem.kernel', kernel, 'a positive integer');
  if (!isPositiveInt(stride)) fail('stem.stride', stride, 'a positive integer');
  const mp = stemIn.maxPool ?? true;
  let maxPool: false | { kernel: number; stride: number };
  if (mp === true) maxPool = { ...TORCHVISION_MAX_POOL };
  else if (mp === false) maxPool = false;
  else if (typeof mp === 'object' && mp !== null && isPositiveInt(mp.kernel) && isPositiveInt(mp.stride)) {
    maxPool = { kernel: mp.kernel, stride: mp.stride };
  } else fail('stem.maxPool', mp, 'true, false or { kernel, stride } with positive integers');

  const padding = config.padding ?? 'same';
  if (padding !== 'same' && padding !== 'valid') fail('padding', padding, "'same' or 'valid'");
  const inputChannels = config.inputChannels ?? 3;
  if (inputChannels !== 1 && inputChannels !== 3) fail('inputChannels', inputChannels, '1 or 3');

  const norm = config.normalization ?? {
    mean: inputChannels === 3 ? IMAGENET_MEAN : GRAY_MEAN,
    std: inputChannels === 3 ? IMAGENET_STD : GRAY_STD,
  };
  const meanOk = Array.isArray(norm.mean) && norm.mean.length === inputChannels && norm.mean.every(Number.isFinite);
  if (!meanOk) fail('normalization.mean', norm.mean, `an array of ${inputChannels} finite numbers (one per input channel)`);
  const stdOk = Array.isArray(norm.std) && norm.std.length === inputChannels && norm.std.every((s) => Number.isFinite(s) && s > 0);
  if (!stdOk) fail('normalization.std', norm.std, `an array of ${inputChannels} positive numbers (one per input channel)`);

  const momentum = config.batchNorm?.momentum ?? DEFAULT_BATCH_NORM.momentum;
  const epsilon = config.batchNorm?.epsilon ?? DEFAULT_BATCH_NORM.epsilon;
  if (!(typeof momentum === 'number' && momentum > 0 && momentum <= 1)) fail('batchNorm.momentum', momentum, 'in (0, 1]');
  if (!(typeof epsilon === 'number' && epsilon > 0 && Number.isFinite(epsilon))) {
    fail('batchNorm.epsilon', epsilon, 'a positive number');
  }
  const name = config.name ?? 'resnet';
  if (typeof name !== 'string' || name.length === 0) fail('name', name, 'a non-empty string');

  return deepFreeze({
    kind: 'resnet' as const,
    name,
    blocks,
    widths,
    strides,
    stem: { channels, kernel, stride, maxPool },
    padding,
    inputChannels,
    normalization: { mean: [...norm.mean], std: [...norm.std] },
    batchNorm: { momentum, epsilon },
  });
}

/** Freezes `o` and everything reachable from it; returns `o`. */
export function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/** One spatial layer of the network, in order: what `receptiveField` and output sizes are built from. */
interface SpatialLayer {
  kernel: number;
  stride: number;
  pad: number;
}

/** The spatial layers along the main path, in order (stem conv, pool, then two 3×3 convs per block). */
export function spatialLayers(c: ResolvedResNetConfig): SpatialLayer[] {
  const pad = (k: number) => (c.padding === 'same' ? Math.floor(k / 2) : 0);
  const layers: SpatialLayer[] = [{ kernel: c.stem.kernel, stride: c.stem.stride, pad: pad(c.stem.kernel) }];
  if (c.stem.maxPool) layers.push({ ...c.stem.maxPool, pad: pad(c.stem.maxPool.kernel) });
  c.blocks.forEach((n, stage) => {
    for (let b = 0; b < n; b++) {
      layers.push({ kernel: 3, stride: b === 0 ? c.strides[stage]! : 1, pad: pad(3) });
      layers.push({ kernel: 3, stride: 1, pad: pad(3) });
    }
  });
  return layers;
}

/** Product of all strides: the input pixels between neighbouring feature-map positions. */
export function totalStrideOf(c: ResolvedResNetConfig): number {
  return spatialLayers(c).reduce((s, l) => s * l.stride, 1);
}

/** Side (px) of the input window one feature-map position depends on. */
export function receptiveFieldOf(c: ResolvedResNetConfig): number {
  let rf = 1;
  let jump = 1;
  for (const l of spatialLayers(c)) {
    rf += (l.kernel - 1) * jump;
    jump *= l.stride;
  }
  return rf;
}

/** Feature-map size for an input of `size` px (PyTorch's floor rule); ≤ 0 when the input is too small. */
export function featureSizeOf(c: ResolvedResNetConfig, size: number): number {
  let n = size;
  for (const l of spatialLayers(c)) {
    n = Math.floor((n + 2 * l.pad - l.kernel) / l.stride) + 1;
    if (n <= 0) return 0;
  }
  return n;
}
