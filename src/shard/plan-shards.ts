// Cuts the cohort's patches into balanced shards: the patches of all slides, concatenated in plan
// order and grid order, are split into S contiguous runs of floor(N/S) or ceil(N/S) patches.
// Big slides span shards, small slides share one, a slide's patches stay contiguous. Pure.
import type { Shard, ShardConfig, ShardPlan, ShardSegment, SlidePatches, TaskSpec } from './types.js';

export function shardId(index: number): string {
  return `shard-${String(index).padStart(5, '0')}`;
}

export function planShards(slides: readonly SlidePatches[], cfg: ShardConfig): ShardPlan {
  const total = slides.reduce((n, s) => n + s.count, 0);
  const patchBytes = Math.max(1, ...slides.map((s) => s.patchBytes));
  const targetPatches = cfg.patchesPerShard ?? Math.max(1, Math.floor((cfg.shardSizeBytes as number) / patchBytes));
  const count = total === 0 ? 0 : Math.ceil(total / targetPatches);
  const shards: Shard[] = [];
  let slide = 0;
  let within = 0;
  for (let index = 0; index < count; index++) {
    // Shard i holds global patches [floor(i*N/S), floor((i+1)*N/S)): sizes differ by at most one.
    let need = Math.floor(((index + 1) * total) / count) - Math.floor((index * total) / count);
    const segments: ShardSegment[] = [];
    let offset = 0;
    let bytes = 0;
    while (need > 0) {
      const s = slides[slide];
      const take = Math.min(need, s.count - within);
      if (take > 0) {
        segments.push({ slideId: s.slideId, start: within, end: within + take, offset });
        offset += take;
        bytes += take * s.patchBytes;
        need -= take;
        within += take;
      }
      if (within >= s.count) {
        slide++;
        within = 0;
      }
    }
    shards.push({ index, id: shardId(index), patches: offset, segments, expectedBytes: bytes });
  }
  const tasks = assignTasks(shards, cfg.shardsPerTask);
  const mean = count === 0 ? 0 : total / count;
  const max = Math.max(0, ...shards.map((s) => s.patches));
  return { config: cfg, targetPatches, shards, tasks, maxOverMean: mean === 0 ? 1 : max / mean };
}

/** Array tasks: task t takes shards [t*perTask, (t+1)*perTask). */
export function assignTasks(shards: readonly Shard[], shardsPerTask: number): TaskSpec[] {
  const tasks: TaskSpec[] = [];
  for (let t = 0; t * shardsPerTask < shards.length; t++) {
    const first = t * shardsPerTask;
    tasks.push({ task: t, shards: shards.slice(first, first + shardsPerTask).map((s) => s.index) });
  }
  return tasks;
}
