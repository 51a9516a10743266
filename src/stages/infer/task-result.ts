// The end of an infer task: which shards it covers (the task's, or a session child's --shards), its
// results merged over sessions, and its task marker (written once, by the parent).
import { OptionError } from '../../errors.js';
import type { PlanFile } from '../../plan/index.js';
import { writeTaskMarker } from '../../run/markers.js';
import type { RunPaths } from '../../run/paths.js';
import type { InferShardResult } from './infer-shard.js';
import type { InferRunResult } from './run-infer.js';
import type { SessionOutcome } from './run-sessions.js';

/** The plan shard indexes the task runs; `--shards` must be among them. */
export function taskShards(plan: PlanFile, task: number | null, only?: number[]): number[] {
  const all = task === null ? plan.shards.list.map((s) => s.index) : plan.tasks.pack[task].shards;
  if (!only) return all;
  const allowed = new Set(all);
  const bad = only.filter((i) => !allowed.has(i));
  if (bad.length || !only.length)
    throw new OptionError(
      `\`--shards ${only.join(',')}\`: ${only.length ? `${bad.join(', ')} ${bad.length > 1 ? 'are' : 'is'} not a shard of ${task === null ? 'the plan' : `task ${task}`}` : 'no shard given'}`,
      `Give shard indexes from ${task === null ? 'plan.json shards.list' : `task ${task}: ${all.join(', ')}`}`,
    );
  return [...new Set(only)];
}

export function patchesPerSecond(shards: InferShardResult[]): number {
  const ran = shards.filter((s) => s.status === 'done');
  const seconds = ran.reduce((n, s) => n + s.seconds, 0);
  return seconds > 0 ? ran.reduce((n, s) => n + s.patches, 0) / seconds : 0;
}

/** One task result from its sessions' results: shards in plan order, providers and reasons per session. */
export function mergeSessions(
  outcomes: SessionOutcome[],
  o: { model: string; task: number | null; batchSize: number; chosen: { method: 'sliding' | 'dense'; reason: string } },
): InferRunResult {
  const shards = outcomes.flatMap((s) => s.shards);
  const providers = new Set(outcomes.map((s) => s.provider).filter((p) => p !== null));
  const warnings = [...new Set(outcomes.map((s) => s.warning).filter((w): w is string => w !== null))];
  return {
    task: o.task,
    model: o.model,
    provider: providers.has('cuda') ? 'cuda' : 'cpu',
    threads: outcomes.reduce((n, s) => n + s.threads, 0),
    batchSize: o.batchSize,
    reason: `${outcomes.length} sessions: ${outcomes.map((s) => `[${s.session}${s.gpu === null ? '' : ` GPU ${s.gpu}`}] ${s.reason}`).join('; ')}`,
    method: o.chosen.method,
    methodReason: o.chosen.reason,
    warning: warnings.length ? warnings.join('\n') : null,
    shards: shards.sort((a, b) => a.shard.localeCompare(b.shard)),
    failed: shards.filter((s) => s.status === 'failed').length,
    patchesPerSecond: patchesPerSecond(shards),
    sessions: outcomes,
  };
}

export async function finishTask(
  paths: RunPaths,
  plan: PlanFile,
  task: number | null,
  startedAt: Date,
  result: InferRunResult,
): Promise<InferRunResult> {
  if (task !== null) {
    await writeTaskMarker(paths.marker('infer', `task-${String(task).padStart(5, '0')}`), 'infer', task, {
      isFailed: result.failed > 0,
      planHash: plan.planHash,
      startedAt,
      result: {
        ...result,
        shards: result.shards.map((s) => ({ shard: s.shard, status: s.status, error: s.error })),
        sessions: result.sessions?.map((s) => ({ ...s, shards: s.shards.map((x) => x.shard) })),
      },
    });
  }
  return result;
}
