// Public entry of the infer stage.
export { runInfer } from './run-infer.js';
export { INFER_DEFAULTS } from './defaults.js';
export type { InferRunOptions, InferRunResult } from './run-infer.js';
export { inferShard } from './infer-shard.js';
export type { InferShardResult } from './infer-shard.js';
