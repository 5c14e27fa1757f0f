// Public surface of src/density: the Gaussian density estimator (GDE) that scores features.
export { GaussianDensity, type GaussianDensityJSON } from './GaussianDensity';
export {
  GAUSSIAN_DENSITY_DEFAULTS,
  resolveGaussianDensityOptions,
  type GaussianDensityOptions,
} from './gaussianDensityOptions';
