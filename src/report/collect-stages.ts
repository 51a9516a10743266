// Per stage (pack, infer, merge), one row per unit from the markers: status, duration, device
// and throughput, error; and the log file of the SLURM array task that ran it (slurm/jobs.json,
// mapped as executor/status.ts does: logs/<stage>/<jobId>_<arrayIndex>.out).
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import type { PlanFile } from '../plan/index.js';
import { readMarker, type Marker } from '../run/markers.js';
import { relativeToRun, type RunPaths } from '../run/paths.js';
import type { JobsFile } from '../slurm/index.js';
import type { ReportStage, ReportUnit, UnitStatus } from './types.js';

function numberOr(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

// The latest submission covering (stage, task) wins, as resubmissions append to jobs.json.
function logFor(jobs: JobsFile, paths: RunPaths, stage: Stage, task: number | null): { path: string; jobId: string } | null {
  let found: { jobId: string; index: number | null; attempt: number } | null = null;
  for (const j of jobs.jobs) {
    if (j.stage !== stage) continue;
    const index = task === null ? null : task - j.offset;
    if (index !== null && !j.indices.includes(index)) continue;
    if (!found || j.attempt >= found.attempt) found = { jobId: j.jobId, index, attempt: j.attempt };
  }
  if (!found) return null;
  const file = found.index === null ? `${found.jobId}.out` : `${found.jobId}_${found.index}.out`;
  return { path: join(paths.logDir(stage), file), jobId: found.jobId };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function unitFrom(unit: string, task: number | null, m: Marker | null, planHash: string): ReportUnit {
  // A marker of another plan (an older run in the same folder) says nothing about this one.
  const marker = m?.planHash === planHash ? m : null;
  const r = marker?.result ?? {};
  const status: UnitStatus = marker ? marker.status : 'missing';
  return {
    unit,
    task,
    status,
    seconds: numberOr(marker?.seconds),
    host: marker?.host ?? null,
    patches: numberOr(r.patches),
    patchesPerSecond: numberOr(r.patchesPerSecond),
    provider: typeof r.provider === 'string' ? r.provider : null,
    threads: numberOr(r.threads),
    batchSize: numberOr(r.batchSize),
    error: marker?.error ?? null,
    log: null,
  };
}

// Markers (and log files) are read a few at a time: a big run has thousands of units.
async function collectStage(plan: PlanFile, paths: RunPaths, jobs: JobsFile | null, stage: Stage): Promise<ReportStage> {
  const limit = pLimit(16);
  const specs =
    stage === 'merge'
      ? [{ id: 'merge', task: null }]
      : plan.tasks.pack.flatMap((spec) => spec.shards.map((s) => ({ id: plan.shards.list[s].id, task: spec.task as number | null })));
  const units = await Promise.all(
    specs.map((u) => limit(async () => unitFrom(u.id, u.task, await readMarker(paths.marker(stage, u.id)), plan.planHash))),
  );
  if (jobs) {
    await Promise.all(
      units.map((u) =>
        limit(async () => {
          const log = logFor(jobs, paths, stage, u.task);
          if (log) u.log = { href: relativeToRun(paths, log.path), jobId: log.jobId, exists: await exists(log.path) };
        }),
      ),
    );
  }
  const counts: Record<UnitStatus, number> = { done: 0, failed: 0, missing: 0 };
  for (const u of units) counts[u.status]++;
  const totalSeconds = units.reduce((t, u) => t + (u.seconds ?? 0), 0);
  return { stage, units, counts, totalSeconds };
}

/** The stages the report lists, one section each. */
const REPORT_STAGES = ['pack', 'infer', 'merge'] as const;
type Stage = (typeof REPORT_STAGES)[number];

export async function collectStages(plan: PlanFile, paths: RunPaths, jobs: JobsFile | null): Promise<ReportStage[]> {
  const out: ReportStage[] = [];
  for (const stage of REPORT_STAGES) out.push(await collectStage(plan, paths, jobs, stage));
  return out;
}
