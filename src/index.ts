/**
 * `cutpaste`: CutPaste (Li et al., CVPR 2021) anomaly detection and localisation on TensorFlow.js.
 *
 * Browser-safe entry: no Node built-ins. Floors, lowest first (a floor never imports a higher one):
 * math → density → ops → models → train → detector. Node-only helpers live in `cutpaste/node`.
 * Importing this module registers gradient kernels for backends that lack them (see `src/ops/kernels`);
 * it never selects a backend.
 */
export * from './math/index';
export * from './density/index';
export * from './data/index';
export * from './ops/index';
export * from './models/index';
export * from './train/index';
export * from './detector/index';
export { AbortError, StateError, FormatError } from './errors';
export { VERSION } from './version';
