// Public entry of the shard module: balanced shards and task assignment (pure).
export { planShards, shardId, assignTasks } from './plan-shards.js';
export { normalizeShardOptions, parseSize, SHARD_DEFAULTS } from './defaults.js';
export type { Shard, ShardConfig, ShardOptions, ShardPlan, ShardSegment, SlidePatches, TaskSpec } from './types.js';
export { planWindowShards } from './plan-window-shards.js';
export type { SlideWindowCounts } from './types.js';
