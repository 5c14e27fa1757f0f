// Public surface of src/math: pure, tfjs-free numerics on typed arrays.
export { createRng, uniform, randomInt, logUniform, shuffleInPlace, type Rng } from './random';
