import * as tf from '@tensorflow/tfjs-core';
import { conv2dFilterGradient } from './conv2dFilterGradient';
import { conv2dInputGradient } from './conv2dInputGradient';
import { depthwiseConv2dFilterGradient, depthwiseConv2dInputGradient } from './depthwiseConv2dGradients';
import { einsumFromOps } from './einsum';
import { segmentSum } from './unsortedSegmentSum';

/**
 * tfjs kernel functions (the `kernelFunc` of a `KernelConfig`) that adapt a kernel's inputs and
 * attributes to the op-level implementations beside this file. They run public ops on the active
 * backend inside `tf.tidy` and return a tensor the engine hands to the caller; ops called inside a
 * kernel are not recorded on the gradient tape (the engine's kernel depth), so gradients stay the
 * gradients tfjs registers for the kernel itself.
 */

/** A kernel input as a Tensor (ops pass Tensors; a bare TensorInfo is wrapped, inside the caller's tidy). */
function tensorOf<R extends tf.Rank>(info: tf.TensorInfo | undefined, name: string): tf.Tensor<R> {
  if (info === undefined) throw new TypeError(`kernel fill: missing input "${name}"`);
  return (info instanceof tf.Tensor ? info : tf.engine().makeTensorFromTensorInfo(info)) as tf.Tensor<R>;
}

const NHWC_OF_NCHW = [0, 2, 3, 1];
const NCHW_OF_NHWC = [0, 3, 1, 2];

/** `[b, c, h, w]` → `[b, h, w, c]` when the kernel's dataFormat is NCHW. */
function channelsLast(t: tf.Tensor4D, dataFormat: string | undefined): tf.Tensor4D {
  return dataFormat === 'NCHW' ? tf.transpose(t, NHWC_OF_NCHW) : t;
}

function shapeChannelsLast(shape: number[], dataFormat: string | undefined): [number, number, number, number] {
  const [a, b, c, d] = shape as [number, number, number, number];
  return dataFormat === 'NCHW' ? [a, c, d, b] : [a, b, c, d];
}

/** Conv2DBackpropFilter: inputs `{x, dy}`, attrs `{strides, pad, dataFormat, dimRoundingMode, filterShape}`. */
export const conv2DBackpropFilterKernel: tf.KernelFunc = ({ inputs, attrs }) => {
  const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  return tf.tidy(() => {
    const x = channelsLast(tensorOf<tf.Rank.R4>(inputs.x, 'x'), a.dataFormat);
    const dy = channelsLast(tensorOf<tf.Rank.R4>(inputs.dy, 'dy'), a.dataFormat);
    const info = tf.backend_util.computeConv2DInfo(x.shape, a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode);
    return conv2dFilterGradient(x, dy, info);
  });
};

/** Conv2DBackpropInput: inputs `{dy, filter}`, attrs `{strides, pad, dataFormat, dimRoundingMode, inputShape}`. */
export const conv2DBackpropInputKernel: tf.KernelFunc = ({ inputs, attrs }) => {
  const a = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  return tf.tidy(() => {
    const dy = channelsLast(tensorOf<tf.Rank.R4>(inputs.dy, 'dy'), a.dataFormat);
    const filter = tensorOf<tf.Rank.R4>(inputs.filter, 'filter');
    const inShape = shapeChannelsLast(a.inputShape, a.dataFormat);
    const info = tf.backend_util.computeConv2DInfo(inShape, filter.shape, a.strides, 1, a.pad, a.dimRoundingMode);
    const dx = conv2dInputGradient(dy, filter, info);
    return a.dataFormat === 'NCHW' ? tf.transpose(dx, NCHW_OF_NHWC) : dx;
  });
};

/** DepthwiseConv2dNativeBackpropFilter: inputs `{x, dy}`, attrs `{strides, dilations, pad, dimRoundingMode, filterShape}`. */
export const depthwiseConv2dNativeBackpropFilterKernel: tf.KernelFunc = ({ inputs, attrs }) => {
  const a = attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  return tf.tidy(() => {
    const x = tensorOf<tf.Rank.R4>(inputs.x, 'x');
    const dy = tensorOf<tf.Rank.R4>(inputs.dy, 'dy');
    const info = tf.backend_util.computeConv2DInfo(x.shape, a.filterShape, a.strides, a.dilations, a.pad, a.dimRoundingMode, true);
    return depthwiseConv2dFilterGradient(x, dy, info);
  });
};

/** DepthwiseConv2dNativeBackpropInput: inputs `{dy, filter}`, attrs `{strides, dilations, pad, dimRoundingMode, inputShape}`. */
export const depthwiseConv2dNativeBackpropInputKernel: tf.KernelFunc = ({ inputs, attrs }) => {
  const a = attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  return tf.tidy(() => {
    const dy = tensorOf<tf.Rank.R4>(inputs.dy, 'dy');
    const filter = tensorOf<tf.Rank.R4>(inputs.filter, 'filter');
    const info = tf.backend_util.computeConv2DInfo(a.inputShape, filter.shape, a.strides, a.dilations, a.pad, a.dimRoundingMode, true);
    return depthwiseConv2dInputGradient(dy, filter, info);
  });
};

/** Einsum: inputs are the operands (keyed by position), attrs `{equation}`. */
export const einsumKernel: tf.KernelFunc = ({ inputs, attrs }) => {
  const { equation } = attrs as unknown as tf.EinsumAttrs;
  return tf.tidy(() => {
    const operands = Object.keys(inputs).map((key) => tensorOf(inputs[key], key));
    return einsumFromOps(equation, operands);
  });
};

/** UnsortedSegmentSum: inputs `{x, segmentIds}`, attrs `{numSegments}`. */
export const unsortedSegmentSumKernel: tf.KernelFunc = ({ inputs, attrs }) => {
  const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
  return tf.tidy(() => segmentSum(tensorOf(inputs.x, 'x'), tensorOf(inputs.segmentIds, 'segmentIds'), numSegments));
};
