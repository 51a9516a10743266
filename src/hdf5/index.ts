// Public entry of the hdf5 module: the shard layout over h5wasm (the only module importing it).
export { ShardWriter } from './shard-writer.js';
export type { ShardWriterOptions } from './shard-writer.js';
export { ShardReader } from './shard-reader.js';
export type { ShardBatch, WindowTables } from './shard-reader.js';
export { SHARD_LAYOUT_VERSION, WINDOW_LAYOUT_VERSION, DATASETS, READABLE_FILTERS } from './layout.js';
export type { ShardCompression, ShardMeta, ShardSlideMeta, WindowShardMeta } from './layout.js';
export {
  writePredictions,
  readPredictions,
  probabilitiesChecksum,
  predictionsChecksum,
  PREDICTIONS_ATTRS,
  PREDICTIONS_LAYOUT_VERSION,
} from './predictions.js';
export type { Predictions } from './predictions.js';
export { writeClamPatches } from './clam-patches.js';
export type { ClamPatchAttrs } from './clam-patches.js';
export { createFeaturesFile, readFeatureRows, toFloat16, toFloat16Bits, float16ToNumber, FEATURES_DTYPES } from './features.js';
export type { FeatureRows, FeaturesDtype } from './features.js';
export { writeSlideFeatures } from './slide-features.js';
export type { SlideFeatureAttrs } from './slide-features.js';
