import * as tf from '@tensorflow/tfjs-core';

/**
 * The gradient of a depthwise 2-D convolution with respect to its filter, from public tfjs ops
 * (pad, stridedSlice, mul, sum, stack): one multiply-and-reduce per filter tap,
 *
 *   dW[kh, kw, c, m] = Σ_{b, oh, ow} x[b, oh·sh + kh·dh − top, ow·sw + kw·dw − left, c] · dy[b, oh, ow, c·mult + m]
 *
 * @param x the forward input, `[batch, height, width, inChannels]`.
 * @param dy the gradient of the forward output, `[batch, outHeight, outWidth, inChannels · multiplier]`.
 * @param info the forward geometry (`backend_util.computeConv2DInfo(..., depthwise = true)`).
 * @returns dW, `[filterHeight, filterWidth, inChannels, multiplier]` (a new tensor).
 * @example
 * const info = tf.backend_util.computeConv2DInfo(x.shape, [3, 3, 8, 1], 1, 1, 'same', undefined, true);
 * const dW = depthwiseConv2dFilterGradient(x, dy, info);
 */
export function depthwiseConv2dFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, info: tf.backend_util.Conv2DInfo): tf.Tensor4D {
  return tf.tidy(() => {
    const { filterHeight: kh, filterWidth: kw, outHeight, outWidth, strideHeight: sh, strideWidth: sw } = info;
    const [batch, height, width, channels] = x.shape;
    const multiplier = info.outChannels / channels;
    const rows = (kh - 1) * info.dilationHeight + (outHeight - 1) * sh + 1;
    const cols = (kw - 1) * info.dilationWidth + (outWidth - 1) * sw + 1;
    const { top, left } = info.padInfo;
    const bottom = rows - height - top;
    const right = cols - width - left;
    let xp: tf.Tensor4D = x;
    if (bottom < 0 || right < 0)
      xp = tf.slice(xp, [0, 0, 0, 0], [batch, height + Math.min(0, bottom), width + Math.min(0, right), channels]);
    xp = tf.pad(xp, [
      [0, 0],
      [top, Math.max(0, bottom)],
      [left, Math.max(0, right)],
      [0, 0],
    ]);
    const dy5 = tf.reshape(dy, [batch, outHeight, outWidth, channels, multiplier]);
    const taps: tf.Tensor[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const r0 = i * info.dilationHeight;
        const c0 = j * info.dilationWidth;
        const tap = tf.stridedSlice(
          xp,
          [0, r0, c0, 0],
          [batch, r0 + (outHeight - 1) * sh + 1, c0 + (outWidth - 1) * sw + 1, channels],
          [1, sh, sw, 1],
        );
        taps.push(tf.sum(tf.mul(tf.expandDims(tap, 4), dy5), [0, 1, 2])); // [channels, multiplier]
      }
    }
    return tf.reshape(tf.stack(taps), [kh, kw, channels, multiplier]);
  });
}

/**
 * The gradient of a depthwise 2-D convolution with respect to its input, from public tfjs ops:
 * dy with (stride − 1) zeros inserted, then one stride-1 depthwise conv over its `channels · multiplier`
 * channels with the 180°-rotated filter, summed over the multiplier.
 *
 * @param dy the gradient of the forward output, `[batch, outHeight, outWidth, inChannels · multiplier]`.
 * @param filter the forward filter, `[filterHeight, filterWidth, inChannels, multiplier]`.
 * @param info the forward geometry (`backend_util.computeConv2DInfo(..., depthwise = true)`).
 * @returns dx, `[batch, height, width, inChannels]` (a new tensor).
 * @example
 * const dx = depthwiseConv2dInputGradient(dy, filter, info);
 */
export function depthwiseConv2dInputGradient(dy: tf.Tensor4D, filter: tf.Tensor4D, info: tf.backend_util.Conv2DInfo): tf.Tensor4D {
  return tf.tidy(() => {
    const { batchSize, outHeight, outWidth, outChannels, strideHeight: sh, strideWidth: sw } = info;
    const [kh, kw, channels, multiplier] = filter.shape;
    let dyz: tf.Tensor4D = dy;
    if (sh > 1 || sw > 1) {
      const grid = tf.reshape(dy, [batchSize, outHeight, 1, outWidth, 1, outChannels]);
      const spread = tf.pad(grid, [
        [0, 0],
        [0, 0],
        [0, sh - 1],
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ]);
      dyz = tf.reshape(spread, [batchSize, outHeight * sh, outWidth * sw, outChannels]);
    }
    const top = (kh - 1) * info.dilationHeight - info.padInfo.top;
    const left = (kw - 1) * info.dilationWidth - info.padInfo.left;
    const bottom = info.inHeight + info.padInfo.top - outHeight * sh;
    const right = info.inWidth + info.padInfo.left - outWidth * sw;
    if (top < 0 || left < 0 || bottom < 0 || right < 0) {
      const [, h, w, c] = dyz.shape;
      const t0 = Math.max(0, -top);
      const l0 = Math.max(0, -left);
      dyz = tf.slice(dyz, [0, t0, l0, 0], [batchSize, h - t0 - Math.max(0, -bottom), w - l0 - Math.max(0, -right), c]);
    }
    const framed = tf.pad(dyz, [
      [0, 0],
      [Math.max(0, top), Math.max(0, bottom)],
      [Math.max(0, left), Math.max(0, right)],
      [0, 0],
    ]);
    // One filter per dy channel c·multiplier + m, rotated 180°.
    const rotated: tf.Tensor4D = tf.reshape(tf.reverse(filter, [0, 1]), [kh, kw, channels * multiplier, 1]);
    const spread = tf.depthwiseConv2d(framed, rotated, 1, 'valid', 'NHWC', [info.dilationHeight, info.dilationWidth]);
    if (multiplier === 1) return spread;
    const [b, h, w] = spread.shape;
    return tf.sum(tf.reshape(spread, [b, h, w, channels, multiplier]), 4);
  });
}
