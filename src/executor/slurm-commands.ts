// The only place that runs SLURM's commands (execa, no shell): sbatch with retries on transient
// controller errors, the cluster's limits, and batched state queries (never one process per task).
import { execa } from 'execa';
import { WsiHpcError } from '../errors.js';
import {
  isAccountingDisabled,
  parseConfig,
  parseSacct,
  parseSbatch,
  parseScontrolJobs,
  parseSqueue,
  type ClusterLimits,
  type TaskState,
} from '../slurm/index.js';
import { renderSacctTime } from './sacct-time.js';

const TRANSIENT =
  /Socket timed out|Unable to contact slurm controller|Resource temporarily unavailable|Slurm temporarily unable|Zero Bytes were transmitted/i;

async function run(cmd: string, args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  try {
    const r = await execa(cmd, args, { reject: false, timeout: 120_000 });
    return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode ?? 1 };
  } catch (err) {
    throw new WsiHpcError('TOOL_MISSING', `Could not run \`${cmd}\`: ${(err as Error).message}`, {
      cause: err,
      hint: 'Possible solutions:\n  - run on a SLURM login node\n  - load the SLURM module (module load slurm)\n  - use --executor local',
    });
  }
}

export interface SbatchResult {
  jobId: string;
  attempts: number;
}

/** sbatch --parsable with back-off retries on socket time-outs and similar transient errors. */
export async function sbatch(args: string[], retries = 5, delayMs = 1000): Promise<SbatchResult> {
  for (let attempt = 1; ; attempt++) {
    const r = await run('sbatch', ['--parsable', ...args]);
    if (r.exitCode === 0) return { jobId: parseSbatch(r.stdout), attempts: attempt };
    if (attempt > retries || !TRANSIENT.test(r.stderr)) {
      throw new WsiHpcError('INVALID_OPTION', `sbatch failed (exit ${r.exitCode}): ${r.stderr.trim() || r.stdout.trim()}`, {
        hint: `Command: sbatch --parsable ${args.join(' ')}`,
      });
    }
    await new Promise((res) => setTimeout(res, delayMs * 2 ** (attempt - 1)));
  }
}

/** sbatch --test-only: what the scheduler would do (and whether it would take the job), nothing submitted. */
export async function sbatchTestOnly(args: string[]): Promise<{ message: string; isRefused: boolean }> {
  const r = await run('sbatch', ['--test-only', ...args]);
  return { message: (r.stderr || r.stdout).trim(), isRefused: r.exitCode !== 0 };
}

export async function readClusterLimits(overrides: Partial<ClusterLimits> = {}): Promise<ClusterLimits> {
  let found: Partial<ClusterLimits> = {};
  if (overrides.maxArraySize === undefined || overrides.maxJobCount === undefined) {
    const r = await run('scontrol', ['show', 'config']);
    if (r.exitCode !== 0)
      throw new WsiHpcError('TOOL_MISSING', `Could not read the cluster configuration using \`scontrol show config\`: ${r.stderr.trim()}`, {
        hint: 'Give --max-array-size and --max-job-count, or check that slurmctld is reachable (scontrol ping)',
      });
    found = parseConfig(r.stdout);
  }
  const maxArraySize = overrides.maxArraySize ?? found.maxArraySize;
  const maxJobCount = overrides.maxJobCount ?? found.maxJobCount;
  if (!maxArraySize || !maxJobCount)
    throw new WsiHpcError('TOOL_MISSING', 'Could not make sense of `scontrol show config`: no MaxArraySize/MaxJobCount', {
      hint: 'Give --max-array-size and --max-job-count',
    });
  return { maxArraySize, maxJobCount };
}

export interface StateQuery {
  states: TaskState[];
  /** Which command answered: sacct, or scontrol+squeue when accounting is disabled. */
  source: 'sacct' | 'scontrol';
}

/** States of every task of these jobs, submitted at or after `since`, in one batched query. */
export async function queryJobStates(jobIds: string[], since: Date): Promise<StateQuery> {
  if (jobIds.length === 0) return { states: [], source: 'sacct' };
  // sacct reads a time without zone as local time; a UTC time west of UTC lies in the future and sacct refuses it.
  const sacct = await run('sacct', [
    '-X',
    '-P',
    '-n',
    '--starttime',
    renderSacctTime(since),
    '-j',
    jobIds.join(','),
    '--format=JobID,State,ExitCode',
  ]);
  if (sacct.exitCode === 0 && !isAccountingDisabled(sacct.stdout + sacct.stderr))
    return { states: parseSacct(sacct.stdout), source: 'sacct' };
  // No accounting: finished jobs stay in scontrol for MinJobAge; live ones are in squeue.
  const ids = new Set(jobIds);
  const sc = await run('scontrol', ['show', 'job', '-o']);
  const sq = await run('squeue', ['-h', '-o', '%i|%T', '-j', jobIds.join(',')]);
  const states = [...parseScontrolJobs(sc.stdout), ...parseSqueue(sq.stdout)].filter((s) => ids.has(s.jobId));
  return { states, source: 'scontrol' };
}

/** Job ids (of `jobIds`) that are still pending or running. */
export async function liveJobs(jobIds: string[]): Promise<string[]> {
  if (jobIds.length === 0) return [];
  const r = await run('squeue', ['-h', '-o', '%i|%T', '-j', jobIds.join(',')]);
  return [...new Set(parseSqueue(r.stdout).map((s) => s.jobId))];
}

/** Jobs in the controller's queue now, every user's, each array task counted (`squeue -h -r`): what MaxJobCount limits. */
export async function countQueuedJobs(): Promise<number> {
  const r = await run('squeue', ['-h', '-r', '-o', '%i']);
  if (r.exitCode !== 0)
    throw new WsiHpcError('TOOL_MISSING', `Could not count the queued jobs using \`squeue -h -r\`: ${r.stderr.trim() || r.stdout.trim()}`, {
      hint: 'Check that slurmctld is reachable (scontrol ping), or give --max-array-size and --max-job-count with --dry-run',
    });
  return r.stdout.split('\n').filter((line) => line.trim()).length;
}

export async function scancel(jobIds: string[]): Promise<void> {
  if (jobIds.length) await run('scancel', jobIds);
}
