// Gathers the positive-class probability of every planned patch from the per-shard predictions,
// indexed by slide id and grid index (NaN where not predicted), and which slides lack a shard.
import { readPredictions } from '../../hdf5/index.js';
import type { PlanFile } from '../../plan/index.js';
import { readMarker } from '../../run/markers.js';
import type { RunPaths } from '../../run/paths.js';

export interface CollectedProbabilities {
  bySlide: Map<string, Float32Array>;
  /** Slide id → why it is incomplete (a shard not inferred). */
  missing: Map<string, string>;
}

export async function collectProbabilities(plan: PlanFile, paths: RunPaths): Promise<CollectedProbabilities> {
  const bySlide = new Map<string, Float32Array>();
  const missing = new Map<string, string>();
  for (const s of plan.slides) if (s.grid) bySlide.set(s.id, new Float32Array(s.grid.count).fill(Number.NaN));
  for (const shard of plan.shards.list) {
    const marker = await readMarker(paths.marker('infer', shard.id));
    if (marker?.status !== 'done' || marker.planHash !== plan.planHash) {
      for (const g of shard.segments)
        missing.set(g.slideId, `${shard.id} not inferred${marker?.error ? ` (${marker.error.message})` : ''}`);
      continue;
    }
    const pred = await readPredictions(paths.predictions(shard.id));
    const pos = Number(pred.attrs.positive_index ?? 1);
    for (let i = 0; i < pred.slideIndex.length; i++) {
      const target = bySlide.get(pred.slideIds[pred.slideIndex[i]]);
      if (target) target[pred.gridIndex[i]] = pred.probabilities[i * pred.classes + pos];
    }
  }
  return { bySlide, missing };
}
