import * as tf from '@tensorflow/tfjs-core';

/** How {@link conv2dInputGradient} computes dx. */
export type InputGradientMethod = 'auto' | 'conv' | 'phases';

/**
 * The gradient of a 2-D convolution with respect to its input (a transposed convolution), built
 * only from public tfjs ops (conv2d, matMul, transpose, pad, slice, reshape, stack):
 *
 *   dx[b, i, j, ci] = Σ_{oh·sh + kh·dh − top = i, ow·sw + kw·dw − left = j} dy[b, oh, ow, co] · W[kh, kw, ci, co]
 *
 * - `conv`: dy with (stride − 1) zeros inserted between rows and columns, then one stride-1 conv2d
 *   with the filter rotated by 180° and its channel axes swapped. With stride 2 three quarters of
 *   its multiply-adds hit inserted zeros.
 * - `phases`: the output split into its stride·stride sub-pixel phases; each phase is a stride-1
 *   conv2d of dy with the filter taps that land on it (no zeros), and the phases are interleaved.
 * `auto` (the default) takes `conv` at stride 1 and `phases` otherwise.
 *
 * @param dy the gradient of the forward output, `[batch, outHeight, outWidth, outChannels]`.
 * @param filter the forward filter, `[filterHeight, filterWidth, inChannels, outChannels]`.
 * @param info the forward convolution's geometry (`backend_util.computeConv2DInfo`, channels last).
 * @returns dx, `[batch, height, width, inChannels]` (a new tensor).
 * @example
 * const info = tf.backend_util.computeConv2DInfo([8, 32, 24, 3], filter.shape, 2, 1, 'same');
 * const dx = conv2dInputGradient(dy, filter, info);
 */
export function conv2dInputGradient(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  info: tf.backend_util.Conv2DInfo,
  method: InputGradientMethod = 'auto',
): tf.Tensor4D {
  const strided = info.strideHeight > 1 || info.strideWidth > 1;
  const chosen = method === 'auto' ? (strided ? 'phases' : 'conv') : method;
  return tf.tidy(() => (chosen === 'conv' || !strided ? viaConv(dy, filter, info) : viaPhases(dy, filter, info)));
}

/**
 * `swapped[rows[u], cols[v]]`: `[rows.length, cols.length, co, ci]` from the filter with its channel
 * axes swapped (`[kh, kw, co, ci]`); a 180° rotation is `pickTaps(s, [kh−1 … 0], [kw−1 … 0])`.
 * The taps are picked by one matMul with a 0/1 selection matrix, `[taps, kh·kw] × [kh·kw, co·ci]`:
 * on wasm that took ~20 ms on a 3×3×512×512 filter where per-tap Slice + Concat took ~120 ms and
 * Gather or Reverse ~110–160 ms. It is exact for finite weights (x·1 + 0·y + … = x); a non-finite
 * weight spreads NaN to every picked tap of its filter.
 */
function pickTaps(swapped: tf.Tensor4D, rows: number[], cols: number[]): tf.Tensor4D {
  const [kh, kw, co, ci] = swapped.shape;
  if (rows.length === kh && cols.length === kw && rows.every((r, i) => r === i) && cols.every((c, i) => c === i)) {
    return swapped;
  }
  const picks: number[] = [];
  for (const r of rows) for (const c of cols) picks.push(r * kw + c);
  const selection = new Float32Array(picks.length * kh * kw);
  picks.forEach((tap, i) => (selection[i * kh * kw + tap] = 1));
  const taps = tf.matMul(tf.tensor2d(selection, [picks.length, kh * kw]), tf.reshape(swapped, [kh * kw, co * ci]));
  return tf.reshape(taps, [rows.length, cols.length, co, ci]);
}

/** `[kh, kw, ci, co]` → `[kh, kw, co, ci]`. */
function swapChannels(filter: tf.Tensor4D): tf.Tensor4D {
  return tf.transpose(filter, [0, 1, 3, 2]);
}

/** `[n − 1, n − 2, …, 0]`. */
function descending(n: number): number[] {
  return Array.from({ length: n }, (_, i) => n - 1 - i);
}

/**
 * Pads (or crops, where negative) the spatial axes of a `[b, h, w, c]` tensor:
 * `[top, bottom, left, right]`.
 */
function padOrCrop(t: tf.Tensor4D, top: number, bottom: number, left: number, right: number): tf.Tensor4D {
  let out = t;
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    const [b, h, w, c] = out.shape;
    const t0 = Math.max(0, -top);
    const l0 = Math.max(0, -left);
    out = tf.slice(out, [0, t0, l0, 0], [b, h - t0 - Math.max(0, -bottom), w - l0 - Math.max(0, -right), c]);
  }
  if (top > 0 || bottom > 0 || left > 0 || right > 0) {
    out = tf.pad(out, [
      [0, 0],
      [Math.max(0, top), Math.max(0, bottom)],
      [Math.max(0, left), Math.max(0, right)],
      [0, 0],
    ]);
  }
  return out;
}

function viaConv(dy: tf.Tensor4D, filter: tf.Tensor4D, info: tf.backend_util.Conv2DInfo): tf.Tensor4D {
  const { batchSize, outHeight, outWidth, outChannels, strideHeight: sh, strideWidth: sw } = info;
  let dyz = dy;
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
  // Output row i reads dyz rows i − padTop … i − padTop + (kh − 1)·dh; rows H + top onwards are unused.
  const reachH = (info.filterHeight - 1) * info.dilationHeight;
  const reachW = (info.filterWidth - 1) * info.dilationWidth;
  const top = reachH - info.padInfo.top;
  const left = reachW - info.padInfo.left;
  const bottom = info.inHeight + info.padInfo.top - outHeight * sh;
  const right = info.inWidth + info.padInfo.left - outWidth * sw;
  const framed = padOrCrop(dyz, top, bottom, left, right);
  const rotated = pickTaps(swapChannels(filter), descending(info.filterHeight), descending(info.filterWidth));
  return tf.conv2d(framed, rotated, 1, 'valid', 'NHWC', [info.dilationHeight, info.dilationWidth]);
}

/**
 * One axis of the sub-pixel split: for output phase p (rows p, p + s, p + 2s, …) the filter taps
 * that reach it, the dy row the first tap reads for the phase's first output row, and the dy step
 * between taps.
 */
interface AxisPhase {
  taps: number[]; // filter indices k, increasing
  first: number; // dy row that tap taps[0] reads for the phase's first output row
  dilation: number; // dy rows between consecutive taps (> 1 only when stride and dilation share no factor)
}

function axisPhases(size: number, stride: number, pad: number, kernel: number, dilation: number): AxisPhase[] {
  const phases: AxisPhase[] = [];
  for (let p = 0; p < stride; p++) {
    const taps: number[] = [];
    for (let k = 0; k < kernel; k++) if ((((p + pad - k * dilation) % stride) + stride) % stride === 0) taps.push(k);
    const first = taps.length > 0 ? (p + pad - taps[0]! * dilation) / stride : 0;
    const step = taps.length > 1 ? ((taps[1]! - taps[0]!) * dilation) / stride : 1;
    phases.push({ taps: p < size ? taps : [], first, dilation: step });
  }
  return phases;
}

function viaPhases(dy: tf.Tensor4D, filter: tf.Tensor4D, info: tf.backend_util.Conv2DInfo): tf.Tensor4D {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight: sh, strideWidth: sw } = info;
  const rows = axisPhases(inHeight, sh, info.padInfo.top, info.filterHeight, info.dilationHeight);
  const cols = axisPhases(inWidth, sw, info.padInfo.left, info.filterWidth, info.dilationWidth);
  const cellH = Math.ceil(inHeight / sh);
  const cellW = Math.ceil(inWidth / sw);
  // Interleave without a transpose: column phases stacked on a new axis after the width
  // ([b, cellH, cellW, sw, ci] → [b, cellH, cellW·sw, ci]), then row phases after the height.
  const swapped = swapChannels(filter);
  const rowBands = rows.map((r) => {
    const band = cols.map((c) => phase(r, c));
    return sw === 1 ? band[0]! : tf.reshape(tf.stack(band, 3), [batchSize, cellH, cellW * sw, inChannels]);
  });
  const woven: tf.Tensor4D =
    sh === 1 ? (rowBands[0] as tf.Tensor4D) : tf.reshape(tf.stack(rowBands, 2), [batchSize, cellH * sh, cellW * sw, inChannels]);
  return cellH * sh === inHeight && cellW * sw === inWidth
    ? woven
    : tf.slice(woven, [0, 0, 0, 0], [batchSize, inHeight, inWidth, inChannels]);

  function phase(r: AxisPhase, c: AxisPhase): tf.Tensor4D {
    if (r.taps.length === 0 || c.taps.length === 0) {
      return tf.zeros([batchSize, cellH, cellW, inChannels]);
    }
    // Sub-filter: the phase's taps in reverse order (a stride-1 correlation over dy).
    const sub = pickTaps(swapped, [...r.taps].reverse(), [...c.taps].reverse());
    // Output row m of the phase reads dy rows first − (t−1)·D + m … first + m (t taps, dilation D).
    const top = (r.taps.length - 1) * r.dilation - r.first;
    const left = (c.taps.length - 1) * c.dilation - c.first;
    const bottom = cellH + r.first - outHeight;
    const right = cellW + c.first - outWidth;
    const framed = padOrCrop(dy, top, bottom, left, right);
    return tf.conv2d(framed, sub, 1, 'valid', 'NHWC', [r.dilation, c.dilation]);
  }
}
