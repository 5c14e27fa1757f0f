// Public surface of src/density: Gaussian density estimators on feature vectors (pure, tfjs-free).
export { GaussianDensity, type GaussianDensityJSON } from './GaussianDensity';
export { LocationDensity, type LocationDensityArrays } from './LocationDensity';
export { estimateGaussian, type GaussianEstimate } from './estimateGaussian';
export { GAUSSIAN_DENSITY_DEFAULTS, resolveGaussianDensityOptions, type GaussianDensityOptions } from './gaussianDensityOptions';
export { locationAlignment } from './locationAlignment';
export type { DensityEntry, DensityFitOptions, DensityJSON, FeatureDensity } from './featureDensity';
export { densityFor, densityKinds, registerDensity } from './densityRegistry';
