// Public surface of src/data: synthetic MVTec-like images (pure, browser-safe: typed arrays only).
export {
  createSyntheticCategory,
  synthesizeCategory,
  type SyntheticCategory,
  type SyntheticDataset,
  type SyntheticImage,
  type SyntheticTestEntry,
  type SyntheticTestSample,
} from './syntheticCategory';
export {
  listSyntheticKinds,
  resolveSyntheticOptions,
  SYNTHETIC_DEFAULTS,
  SYNTHETIC_SIZE_RANGE,
  type ResolvedSyntheticOptions,
  type SyntheticCategoryOptions,
  type SyntheticKind,
  type SyntheticKindInfo,
} from './syntheticOptions';
export { MASK_EXTENT_THRESHOLD, MASK_THRESHOLD } from './defectMask';
