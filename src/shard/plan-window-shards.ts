// Cuts a window plan's windows into shards (pure): all slides' windows, concatenated in plan order
// and window order, are split into S contiguous runs balanced at once by bytes (every window has the
// same size) and by kept positions (what sliding inference costs): each window weighs half its share
// of the windows plus half its share of the positions, and shard s takes the windows whose weight
// midpoint falls in [s/S, (s+1)/S). Big slides span shards, small ones share; a slide stays contiguous.
import { assignTasks, shardId } from './plan-shards.js';
import type { Shard, ShardConfig, ShardPlan, ShardSegment, SlideWindowCounts } from './types.js';

export function planWindowShards(slides: readonly SlideWindowCounts[], cfg: ShardConfig, windowBytes: number): ShardPlan {
  const totalWindows = slides.reduce((n, s) => n + s.positionsPerWindow.length, 0);
  let totalPositions = 0;
  for (const s of slides) for (let i = 0; i < s.positionsPerWindow.length; i++) totalPositions += s.positionsPerWindow[i];
  const wanted =
    cfg.patchesPerShard !== null
      ? Math.ceil(totalPositions / cfg.patchesPerShard)
      : Math.ceil((totalWindows * windowBytes) / (cfg.shardSizeBytes as number));
  const count = Math.min(totalWindows, Math.max(totalWindows > 0 ? 1 : 0, wanted));
  const shards: Shard[] = [];
  let current: { segments: ShardSegment[]; windows: number; positions: number } | null = null;
  let currentIndex = -1;
  let cumulative = 0;
  const flush = () => {
    if (!current || current.windows === 0) return;
    const index = shards.length;
    shards.push({
      index,
      id: shardId(index),
      patches: current.positions,
      windows: current.windows,
      segments: current.segments,
      expectedBytes: current.windows * windowBytes,
    });
  };
  for (const s of slides) {
    const per = s.positionsPerWindow;
    for (let w = 0; w < per.length; w++) {
      const weight = 0.5 / totalWindows + (totalPositions > 0 ? (0.5 * per[w]) / totalPositions : 0.5 / totalWindows);
      const target = Math.min(count - 1, Math.floor((cumulative + weight / 2) * count));
      cumulative += weight;
      if (target !== currentIndex || !current) {
        flush();
        current = { segments: [], windows: 0, positions: 0 };
        currentIndex = target;
      }
      let seg = current.segments[current.segments.length - 1];
      if (seg?.slideId !== s.slideId) {
        seg = { slideId: s.slideId, start: w, end: w, offset: current.windows, positions: 0, positionOffset: current.positions };
        current.segments.push(seg);
      }
      seg.end = w + 1;
      seg.positions = (seg.positions ?? 0) + per[w];
      current.windows++;
      current.positions += per[w];
    }
  }
  flush();
  const tasks = assignTasks(shards, cfg.shardsPerTask);
  const balance = (values: number[]) => {
    const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
    return mean === 0 ? 1 : Math.max(...values) / mean;
  };
  const targetPatches = shards.length ? Math.ceil(totalPositions / shards.length) : 0;
  return {
    config: cfg,
    targetPatches,
    shards,
    tasks,
    maxOverMean: balance(shards.map((x) => x.patches)),
    bytesMaxOverMean: balance(shards.map((x) => x.windows ?? 0)),
  };
}
