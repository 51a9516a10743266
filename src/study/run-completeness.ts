// Which shards of a run have no usable predictions (never inferred, failed, or inferred for another
// plan), so `evaluate` can refuse to score a partial run unless asked to.
import type { PlanFile } from '../plan/index.js';
import { readMarker } from '../run/markers.js';
import type { RunPaths } from '../run/paths.js';

export interface IncompleteShard {
  shard: string;
  /** `not inferred`, `failed: <message>`, `inferred for another plan` or `predictions not usable: <why>`. */
  reason: string;
  slides: string[];
}

export async function findIncompleteShards(plan: PlanFile, paths: RunPaths): Promise<IncompleteShard[]> {
  const out: IncompleteShard[] = [];
  for (const shard of plan.shards.list) {
    const marker = await readMarker(paths.marker('infer', shard.id));
    let reason: string | null = null;
    if (marker === null) reason = 'not inferred';
    else if (marker.status !== 'done') reason = `failed: ${marker.error?.message ?? 'no reason recorded'}`;
    else if (marker.planHash !== plan.planHash) reason = 'inferred for another plan';
    if (reason) out.push({ shard: shard.id, reason, slides: [...new Set(shard.segments.map((g) => g.slideId))] });
  }
  return out;
}

/** Shards whose infer marker says done but whose predictions file was rejected when read (`unusable`). */
export function describeUnusableShards(plan: PlanFile, unusable: ReadonlyMap<string, string>): IncompleteShard[] {
  return plan.shards.list
    .filter((shard) => unusable.has(shard.id))
    .map((shard) => ({
      shard: shard.id,
      reason: `predictions not usable: ${unusable.get(shard.id)}`,
      slides: [...new Set(shard.segments.map((g) => g.slideId))],
    }));
}

/** One line per shard, for an error message: `shard-0001 (not inferred; slides a, b)`. */
export function describeIncompleteShards(shards: readonly IncompleteShard[], limit = 10): string {
  const lines = shards.slice(0, limit).map((s) => `${s.shard} (${s.reason}; slides ${s.slides.join(', ')})`);
  if (shards.length > limit) lines.push(`and ${shards.length - limit} more`);
  return lines.join('; ');
}
