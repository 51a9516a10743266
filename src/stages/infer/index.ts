// Public entry of the infer stage.
export { runInfer, INFER_DEFAULTS } from './run-infer.js';
export type { InferRunOptions, InferRunResult } from './run-infer.js';
export { inferShard } from './infer-shard.js';
export type { InferShardResult } from './infer-shard.js';
