// The waves of a run submitted in waves, for `status`: per wave whether it is submitted, waiting (for the
// previous wave to end, or for room under MaxJobCount) or stopped (its driver ended without submitting it),
// from jobs.json and one batched query of the drivers' jobs. Which wave each task belongs to.
import type { JobsFile, Stage } from '../slurm/index.js';
import { queryJobStates } from './slurm-commands.js';

export type WaveState = 'submitted' | 'waiting' | 'stopped';

export interface WaveStatus {
  wave: number;
  chunks: number[];
  /** Array tasks per stage. */
  tasks: number;
  state: WaveState;
  submittedAt?: string;
  /** `submit`, or the job id of the driver that submitted it. */
  submittedBy?: string;
  driverJobId?: string;
  driverState?: string;
  reason: string;
}

export interface RunWaves {
  planned: number;
  submitted: number;
  waves: WaveStatus[];
}

/** (stage, task) -> wave, from the planned waves' jobs. */
export function waveOfTask(file: JobsFile, stage: Stage, task: number): number | undefined {
  for (const w of file.waves?.planned ?? []) {
    for (const j of w.jobs) {
      if (j.stage !== stage) continue;
      if (stage === 'merge' || j.indices.includes(task - j.offset)) return w.wave;
    }
  }
  return undefined;
}

/** null when the run was not submitted in waves. */
export async function waveStatuses(file: JobsFile, run: string): Promise<RunWaves | null> {
  const planned = file.waves?.planned;
  if (!planned) return null;
  const pending = planned.filter((w) => !w.submittedAt && w.driver?.jobId).map((w) => w.driver?.jobId as string);
  const q = pending.length ? await queryJobStates(pending, new Date(Date.parse(file.submittedAt) - 60_000)) : null;
  const stateOf = new Map((q?.states ?? []).map((s) => [s.jobId, s.state]));
  const waves: WaveStatus[] = [];
  for (const w of planned) {
    const base = { wave: w.wave, chunks: w.chunks, tasks: w.tasks };
    const prev = waves[waves.length - 1];
    if (w.submittedAt) {
      const by = w.submittedBy === 'submit' ? '`submit`' : `driver job ${w.submittedBy}`;
      waves.push({ ...base, state: 'submitted', submittedAt: w.submittedAt, submittedBy: w.submittedBy, reason: `submitted by ${by}` });
      continue;
    }
    const id = w.driver?.jobId;
    if (!id) {
      const isWaiting = prev?.state === 'waiting';
      waves.push({
        ...base,
        state: isWaiting ? 'waiting' : 'stopped',
        reason: isWaiting
          ? `waiting for wave ${w.wave - 1}`
          : `wave ${w.wave - 1} submitted no driver for it; run \`wsi-hpc submit-wave ${run} --wave ${w.wave}\``,
      });
      continue;
    }
    const state = stateOf.get(id);
    // sacct may not list a job submitted seconds ago; without accounting an ended job's record ages out.
    const isLive = state ? /^(PENDING|RUNNING|CONFIGURING|COMPLETING|REQUEUED|SUSPENDED)/.test(state) : q?.source === 'sacct';
    waves.push({
      ...base,
      state: isLive ? 'waiting' : 'stopped',
      driverJobId: id,
      ...(state ? { driverState: state } : {}),
      reason: !isLive
        ? `driver job ${id} ended (${state ?? 'no SLURM record left'}) without submitting it: see logs/wave/${id}.out, then run \`wsi-hpc submit-wave ${run} --wave ${w.wave}\``
        : state?.startsWith('RUNNING') || w.driver?.earlierJobIds?.length
          ? `waiting for room under MaxJobCount (driver job ${id} ${state?.toLowerCase() ?? 'queued'}${w.driver?.earlierJobIds?.length ? ', re-queued' : ''})`
          : `waiting for wave ${w.wave - 1} to end (driver job ${id} ${state?.toLowerCase() ?? 'queued'})`,
    });
  }
  return { planned: planned.length, submitted: waves.filter((w) => w.state === 'submitted').length, waves };
}
