// Public entry of the pack stage.
export { runPack } from './run-pack.js';
export { PACK_RUN_DEFAULTS } from './defaults.js';
export type { PackRunOptions, PackRunResult } from './run-pack.js';
export { packShard, hashShardPatches } from './pack-shard.js';
export type { PackShardResult } from './pack-shard.js';
