// Public surface of src/math: pure, tfjs-free numerics on typed arrays.
export { createRng, uniform, randomInt, logUniform, shuffleInPlace, type Rng } from './random';
export { ledoitWolf, ledoitWolfMatrix, type LedoitWolfEstimate } from './ledoitWolf';
export { empiricalCovarianceMatrix, shrunkCovariance, type CovarianceEstimate } from './covariance';
export { cholesky, NotPositiveDefiniteError } from './cholesky';
export { solveLower, solveLowerTransposed } from './triangularSolve';
export { rocAuc } from './rocAuc';
export { rocCurve, type RocCurve } from './rocCurve';
export { f1Max, type F1Max } from './f1Max';
export { auPro, AUPRO_DEFAULT_FPR_LIMIT, type AuProOptions } from './auPro';
export { labelRegions, type Regions } from './labelRegions';
export { gaussianKernel1d, gaussianBlur, GAUSSIAN_TRUNCATE } from './gaussianBlur';
export { resizeBilinear } from './resizeBilinear';
export { spreadScores, type PatchGridGeometry } from './spreadScores';
