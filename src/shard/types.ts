// Data types of shard planning: contiguous runs of patches cut from the cohort's grids, and the
// array layout saying which task packs which shards. Patch ranges are [start, end) grid indices.

export interface ShardOptions {
  /** Target bytes of patch pixels per shard (e.g. 1 GiB). Exclusive with patchesPerShard. @default 1 GiB */
  shardSizeBytes?: number;
  /** Target patches per shard. */
  patchesPerShard?: number;
  /** Shards packed (and inferred) by one array task. @default 1 */
  shardsPerTask?: number;
}

export interface ShardConfig {
  readonly shardSizeBytes: number | null;
  readonly patchesPerShard: number | null;
  readonly shardsPerTask: number;
}

/** What shard planning needs to know of each planned slide, in plan order. */
export interface SlidePatches {
  slideId: string;
  count: number;
  /** Bytes of one patch as stored (H * W * 3 for uint8 RGB). */
  patchBytes: number;
}

/** A run of one slide's patches (or, in a window plan, of its windows) inside a shard. */
export interface ShardSegment {
  slideId: string;
  /** Grid indices [start, end) of the slide's patches; in a window plan, indices of its windows. */
  start: number;
  end: number;
  /** Index in the shard of the segment's first patch (window plan: first window). */
  offset: number;
  /** Window plans only: kept positions of these windows, and the index in the shard of the first. */
  positions?: number;
  positionOffset?: number;
}

export interface Shard {
  index: number;
  /** Stable name, e.g. "shard-00042". */
  id: string;
  /** Patches predicted: stored patches, or in a window plan the kept positions of its windows. */
  patches: number;
  /** Window plans only: windows stored. */
  windows?: number;
  segments: ShardSegment[];
  /** Bytes of patch pixels (the file is slightly larger: coordinates and metadata). */
  expectedBytes: number;
}

/** What window shard planning needs of each planned slide, in plan order. */
export interface SlideWindowCounts {
  slideId: string;
  /** Kept positions of each of the slide's windows, in window order. */
  positionsPerWindow: ArrayLike<number>;
}

export interface TaskSpec {
  /** Task index within the stage, 0-based, before any splitting into SLURM arrays. */
  task: number;
  shards: number[];
}

export interface ShardPlan {
  config: ShardConfig;
  targetPatches: number;
  shards: Shard[];
  tasks: TaskSpec[];
  /** Balance: largest shard's patches / mean patches per shard. */
  maxOverMean: number;
  /** Window plans: largest shard's windows (bytes) / mean. */
  bytesMaxOverMean?: number;
}
