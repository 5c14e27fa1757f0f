// Public surface of src/ops: tfjs ops (augmentations, patches, upsampling) and backend kernel fills.
import './kernels/index';
export {};
