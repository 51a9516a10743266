// The plan stage of a run planned on the cluster (`submit SLIDES --out RUN`): per plan task and for the
// assemble job, done/failed from their markers, else the job's state from one batched SLURM query.
import { join } from 'node:path';
import { readMarker } from '../run/markers.js';
import type { RunPaths } from '../run/paths.js';
import { planTaskPaths, readPlanRequest, type PlanRequest } from '../stages/plan/plan-tasks.js';
import { readPlanJobs } from './submit-plan.js';
import { queryJobStates } from './slurm-commands.js';
import type { TaskPhase, TaskStatus } from './status.js';

export type PlanTaskStatus = Omit<TaskStatus, 'stage' | 'wave'> & { stage: 'plan' | 'assemble' };

export interface PlanStageStatus {
  /** Plan tasks, then the assemble job (task 0 of stage `assemble`). */
  tasks: PlanTaskStatus[];
  counts: Record<TaskPhase, number>;
  total: number;
  slides: number;
  /** plan.json written and, when the request said so, the chain submitted (the assemble marker is done). */
  isAssembled: boolean;
  /** Every plan task and the assemble job have ended (done or failed). */
  isFinished: boolean;
}

function phaseOfState(state: string | undefined, hasMarker: boolean): TaskPhase {
  if (!state) return 'unknown';
  if (/^(PENDING|REQUEUED|RESV_DEL_HOLD|SUSPENDED)/.test(state)) return 'queued';
  if (/^(RUNNING|COMPLETING|CONFIGURING|SIGNALING|STAGE_OUT)/.test(state)) return 'running';
  // Ended without the marker it should have written (or killed): failed.
  return hasMarker ? 'done' : 'failed';
}

/** Null when the run was not planned on the cluster (no plan-tasks/request.json). */
export async function planStageStatus(paths: RunPaths): Promise<PlanStageStatus | null> {
  const request: PlanRequest | null = await readPlanRequest(paths.root).catch(() => null);
  if (!request) return null;
  const tp = planTaskPaths(paths);
  const jobs = await readPlanJobs(paths);
  const current = jobs?.requestHash === request.requestHash ? jobs : null;
  const tasks: PlanTaskStatus[] = [];
  const pending: PlanTaskStatus[] = [];
  const add = async (stage: 'plan' | 'assemble', task: number, markerPath: string, jobId: string | undefined, index?: number) => {
    const m = await readMarker(markerPath);
    const mine = m?.planHash === request.requestHash ? m : null;
    const t: PlanTaskStatus = {
      stage,
      task,
      phase: mine ? (mine.status === 'done' ? 'done' : 'failed') : jobId ? 'unknown' : 'not-submitted',
    };
    if (mine?.error) t.reason = mine.error.message;
    if (jobId) {
      t.jobId = jobId;
      if (index !== undefined) t.arrayIndex = index;
      t.log = join(paths.logDir('plan'), index === undefined ? `assemble-${jobId}.out` : `${jobId}_${index}.out`);
      if (!mine) pending.push(t);
    }
    tasks.push(t);
  };
  for (let task = 0; task < request.tasks; task++) {
    const job = current?.jobs.find((j) => j.indices.includes(task - j.offset));
    await add('plan', task, tp.taskMarker(task), job?.jobId, job ? task - job.offset : undefined);
  }
  await add('assemble', 0, tp.assembleMarker, current?.assemble?.jobId);
  if (pending.length && current) {
    const q = await queryJobStates([...new Set(pending.map((t) => t.jobId as string))], new Date(Date.parse(current.submittedAt) - 60_000));
    const byKey = new Map(q.states.map((s) => [`${s.jobId}:${s.index ?? ''}`, s]));
    for (const t of pending) {
      const s = byKey.get(`${t.jobId}:${t.arrayIndex ?? ''}`);
      // No record left (accounting off, MinJobAge passed) and no marker: it ended without finishing.
      t.phase = !s && q.source === 'scontrol' ? 'failed' : phaseOfState(s?.state, false);
      t.slurmState = s?.state;
      t.exitCode = s?.exitCode ?? null;
      if (t.phase === 'failed')
        t.reason = s
          ? `${s.state}${s.exitCode ? ` (exit ${s.exitCode})` : ''}, no completion marker`
          : 'no SLURM record left and no completion marker';
    }
  }
  const counts: Record<TaskPhase, number> = { done: 0, failed: 0, stale: 0, running: 0, queued: 0, 'not-submitted': 0, unknown: 0 };
  for (const t of tasks) counts[t.phase]++;
  const assemble = tasks[tasks.length - 1];
  return {
    tasks,
    counts,
    total: tasks.length,
    slides: request.slides.length,
    isAssembled: assemble.phase === 'done',
    isFinished: counts.queued + counts.running + counts.unknown === 0,
  };
}
