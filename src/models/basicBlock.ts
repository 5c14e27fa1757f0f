import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../math/random';
import type { BatchNormSettings } from './batchNorm';
import { ConvBn, type ForwardMode } from './convBn';

/**
 * torchvision's BasicBlock: `relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))`, conv1 3×3 with the
 * block's stride, conv2 3×3, and a 1×1-conv + BatchNorm shortcut when the stride or width changes.
 *
 * With `padding: 'valid'` the main path shrinks by 2 px per conv (in its own resolution); the shortcut
 * then reads the input pixels at the centres of the main path's windows: for output position j it takes
 * input position `stride·j + 1 + stride` (the centre of the 3×3∘3×3 window), so the block is exactly
 * translation-equivariant and stays fully convolutional.
 */
export class BasicBlock {
  readonly conv1: ConvBn;
  readonly conv2: ConvBn;
  readonly downsample: ConvBn | null;

  constructor(
    inChannels: number,
    outChannels: number,
    readonly stride: number,
    readonly padding: 'same' | 'valid',
    rng: Rng,
    batchNorm: BatchNormSettings,
  ) {
    const pad = padding === 'same' ? 1 : 0;
    this.conv1 = new ConvBn({ inChannels, outChannels, kernel: 3, stride, pad }, rng, batchNorm);
    this.conv2 = new ConvBn({ inChannels: outChannels, outChannels, kernel: 3, stride: 1, pad }, rng, batchNorm);
    this.downsample =
      stride !== 1 || inChannels !== outChannels
        ? new ConvBn({ inChannels, outChannels, kernel: 1, stride, pad: 0 }, rng, batchNorm)
        : null;
  }

  /** `[batch, height, width, inChannels]` → `[batch, outHeight, outWidth, outChannels]`. */
  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor4D {
    const main = this.conv2.apply(this.conv1.apply(x, mode, true), mode, false);
    let skip = x;
    if (this.padding === 'valid') {
      const [, outH, outW] = main.shape;
      const s = this.stride;
      const offset = 1 + s;
      skip = tf.slice(x, [0, offset, offset, 0], [-1, s * (outH - 1) + 1, s * (outW - 1) + 1, -1]);
    }
    if (this.downsample !== null) skip = this.downsample.apply(skip, mode, false);
    return tf.relu(tf.add(main, skip)) as tf.Tensor4D;
  }

  units(): ConvBn[] {
    return this.downsample === null ? [this.conv1, this.conv2] : [this.conv1, this.conv2, this.downsample];
  }

  named(prefix: string): Record<string, tf.Variable> {
    return {
      ...this.conv1.named(`${prefix}/conv1`, `${prefix}/bn1`),
      ...this.conv2.named(`${prefix}/conv2`, `${prefix}/bn2`),
      ...(this.downsample === null ? {} : this.downsample.named(`${prefix}/downsample/conv`, `${prefix}/downsample/bn`)),
    };
  }

  dispose(): void {
    for (const u of this.units()) u.dispose();
  }
}
