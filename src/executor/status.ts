// `status`: per stage and task, done/failed/stale from the run's own markers first (a done marker counts
// only while its output is there as recorded, output-present.ts), then one batched SLURM query (sacct,
// or scontrol + squeue without accounting) for the rest. Never one process per task.
import { join } from 'node:path';
import { readPlan, type PlanFile } from '../plan/index.js';
import { readMarker } from '../run/markers.js';
import { describeOutputChange } from '../run/output-present.js';
import { runPaths, type RunPaths } from '../run/paths.js';
import { STAGES, type JobsFile, type Stage, type TaskState } from '../slurm/index.js';
import { readJobsFile } from './jobs-file.js';
import { queryJobStates } from './slurm-commands.js';
import { waveOfTask, waveStatuses, type RunWaves } from './wave-status.js';
import { planStageStatus, type PlanStageStatus } from './plan-status.js';
import { stat } from 'node:fs/promises';

const pathExists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/** `stale`: a done marker whose output is missing or changed since; the stage would redo it. */
export type TaskPhase = 'done' | 'failed' | 'stale' | 'running' | 'queued' | 'not-submitted' | 'unknown';

export interface TaskStatus {
  stage: Stage;
  task: number;
  phase: TaskPhase;
  jobId?: string;
  arrayIndex?: number;
  slurmState?: string;
  exitCode?: string | null;
  log?: string;
  reason?: string;
  /** The wave the task belongs to, when the run was submitted in waves. */
  wave?: number;
}

export interface StageStatus {
  stage: Stage;
  total: number;
  counts: Record<TaskPhase, number>;
  tasks: TaskStatus[];
}

export interface RunStatus {
  /** Runs planned on the cluster (`submit SLIDES --out RUN`): the plan tasks and the assemble job. */
  plan?: PlanStageStatus;
  stages: StageStatus[];
  source: 'markers' | 'sacct' | 'scontrol';
  /** Not finished while a wave is still waiting to be submitted. */
  isFinished: boolean;
  /** Runs submitted in waves only: waves planned and submitted, and each wave's state. */
  waves?: RunWaves;
}

const FAILED_STATES = /^(FAILED|CANCELLED|TIMEOUT|OUT_OF_MEMORY|NODE_FAIL|PREEMPTED|BOOT_FAIL|DEADLINE|REVOKED)/;

/** The file a done marker of pack or infer vouches for. */
function outputOf(paths: RunPaths, stage: Stage, shardId: string): string {
  return stage === 'pack' ? paths.shard(shardId) : paths.predictions(shardId);
}

/**
 * Done/failed/stale per task from the shard markers: a task is done when every shard of it is, and a
 * done marker counts only while its output exists with the recorded size (the stages' own first check).
 */
async function markerPhase(
  plan: PlanFile,
  paths: RunPaths,
  stage: Stage,
  task: number,
): Promise<{ phase: TaskPhase | null; reason?: string }> {
  if (stage === 'merge') {
    const m = await readMarker(paths.marker('merge', 'merge'));
    if (m?.planHash !== plan.planHash) return { phase: null };
    return m.status === 'done' ? { phase: 'done' } : { phase: 'failed', reason: m.error?.message };
  }
  let allDone = true;
  let stale: string | null = null;
  for (const s of plan.tasks.pack[task].shards) {
    const id = plan.shards.list[s].id;
    const m = await readMarker(paths.marker(stage, id));
    if (m?.planHash === plan.planHash && m.status === 'failed') return { phase: 'failed', reason: m.error?.message };
    if (!(m?.planHash === plan.planHash && m.status === 'done')) allDone = false;
    else stale ??= await describeOutputChange(m, outputOf(paths, stage, id));
  }
  if (stale) return { phase: 'stale', reason: stale };
  return { phase: allDone ? 'done' : null };
}

/** The latest submitted job covering (stage, task), and its array index. */
function jobFor(jobs: JobsFile | null, stage: Stage, task: number): { jobId: string; index: number | null } | null {
  let found: { jobId: string; index: number | null; attempt: number } | null = null;
  for (const j of jobs?.jobs ?? []) {
    if (j.stage !== stage) continue;
    const index = stage === 'merge' ? null : task - j.offset;
    if (stage !== 'merge' && !j.indices.includes(index as number)) continue;
    if (!found || j.attempt >= found.attempt) found = { jobId: j.jobId, index, attempt: j.attempt };
  }
  return found;
}

function phaseOf(s: TaskState | undefined): TaskPhase {
  if (!s) return 'unknown';
  if (/^(PENDING|REQUEUED|RESV_DEL_HOLD|SUSPENDED)/.test(s.state)) return 'queued';
  if (/^(RUNNING|COMPLETING|CONFIGURING|SIGNALING|STAGE_OUT)/.test(s.state)) return 'running';
  if (FAILED_STATES.test(s.state)) return 'failed';
  if (/^COMPLETED/.test(s.state)) return 'failed';
  return 'unknown';
}

export async function runStatus(run: string): Promise<RunStatus> {
  const paths = runPaths(run);
  const planStage = await planStageStatus(paths);
  // Planned on the cluster and plan.json not written yet: only the plan stage has tasks so far.
  if (planStage && !(await pathExists(paths.plan)))
    return { plan: planStage, stages: [], source: 'markers', isFinished: planStage.isFinished };
  const plan = await readPlan(paths.plan);
  const jobs = await readJobsFile(paths.jobs);
  const stages: StageStatus[] = [];
  const pending: TaskStatus[] = [];
  for (const stage of STAGES) {
    const n = stage === 'merge' ? 1 : plan.tasks.pack.length;
    const tasks: TaskStatus[] = [];
    for (let task = 0; task < n; task++) {
      const { phase, reason } = await markerPhase(plan, paths, stage, task);
      const job = jobFor(jobs, stage, task);
      const t: TaskStatus = { stage, task, phase: phase ?? (job ? 'unknown' : 'not-submitted'), reason };
      const wave = jobs?.waves ? waveOfTask(jobs, stage, task) : undefined;
      if (wave !== undefined) t.wave = wave;
      if (job) {
        t.jobId = job.jobId;
        if (job.index !== null) t.arrayIndex = job.index;
        t.log = join(paths.logDir(stage), job.index === null ? `${job.jobId}.out` : `${job.jobId}_${job.index}.out`);
      }
      if ((!phase || phase === 'stale' || phase === 'failed') && job) pending.push(t);
      tasks.push(t);
    }
    stages.push({ stage, total: n, counts: countPhases(tasks), tasks });
  }
  let source: RunStatus['source'] = 'markers';
  if (pending.length) {
    const ids = [...new Set(pending.map((t) => t.jobId as string))];
    // A minute's margin for clock skew between this machine and the controller.
    const since = jobs ? new Date(Date.parse(jobs.submittedAt) - 60_000) : new Date(Date.UTC(2000, 0, 1));
    const q = await queryJobStates(ids, since);
    source = q.source;
    const byKey = new Map(q.states.map((s) => [`${s.jobId}:${s.index ?? ''}`, s]));
    for (const t of pending) {
      const s = byKey.get(`${t.jobId}:${t.arrayIndex ?? ''}`);
      // A stale task may have been resubmitted: it shows as queued or running while its job is (unknown
      // while sacct does not list a just-submitted task yet); once that job is over, the marker decides.
      if (t.phase === 'stale') {
        const live = s ? phaseOf(s) : q.source === 'sacct' ? 'unknown' : null;
        if (live === 'queued' || live === 'running' || live === 'unknown') {
          t.phase = live;
          t.slurmState = s?.state;
          t.exitCode = s?.exitCode ?? null;
        }
        continue;
      }
      // A failed task may have been resubmitted (merge after a failed wave): queued or running while its
      // latest job is; any other state, or no record, leaves the failed marker in charge.
      if (t.phase === 'failed') {
        const live = s ? phaseOf(s) : null;
        if (live === 'queued' || live === 'running') {
          t.phase = live;
          t.slurmState = s?.state;
          t.exitCode = s?.exitCode ?? null;
          t.reason = `resubmitted; the earlier attempt failed${t.reason ? `: ${t.reason}` : ''}`;
        }
        continue;
      }
      // Without accounting a finished job's record ages out (MinJobAge); gone and unmarked = failed.
      t.phase = !s && q.source === 'scontrol' ? 'failed' : phaseOf(s);
      if (!s && q.source === 'scontrol') t.reason = 'no SLURM record left and no completion marker';
      t.slurmState = s?.state;
      t.exitCode = s?.exitCode ?? null;
      if (s && /^COMPLETED/.test(s.state)) t.reason = 'exited 0 but left no completion marker';
      else if (t.phase === 'failed') t.reason = `${s?.state}${s?.exitCode ? ` (exit ${s.exitCode})` : ''}`;
    }
    for (const st of stages) st.counts = countPhases(st.tasks);
  }
  const waves = jobs ? await waveStatuses(jobs, run) : null;
  // A driver that ended between reading jobs.json and asking SLURM may have just submitted its wave: read again.
  if (waves?.waves.some((w) => w.state === 'stopped' && w.driverJobId)) {
    const again = await readJobsFile(paths.jobs);
    if (again?.waves?.planned.some((w, i) => w.submittedAt && waves.waves[i].state !== 'submitted')) return runStatus(run);
  }
  const isWaiting = Boolean(waves?.waves.some((w) => w.state === 'waiting'));
  // While the assemble job runs, plan.json may be written and the chain not yet submitted.
  const isPlanRunning = Boolean(planStage && !planStage.isFinished);
  const isFinished = !isWaiting && !isPlanRunning && stages.every((s) => s.counts.queued + s.counts.running + s.counts.unknown === 0);
  return { ...(planStage ? { plan: planStage } : {}), stages, source, isFinished, ...(waves ? { waves } : {}) };
}

function countPhases(tasks: TaskStatus[]): Record<TaskPhase, number> {
  const c: Record<TaskPhase, number> = { done: 0, failed: 0, stale: 0, running: 0, queued: 0, 'not-submitted': 0, unknown: 0 };
  for (const t of tasks) c[t.phase]++;
  return c;
}
