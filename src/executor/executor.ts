// One executor interface over local and SLURM execution (as submitit separates them): submit, status,
// cancel, resubmit. `run`, `submit`, `resubmit`, `status` and `study` pick one with executorFor(name).
import { resolve } from 'node:path';
import { WsiHpcError } from '../errors.js';
import { runPaths } from '../run/paths.js';
import { readJobsFile } from './jobs-file.js';
import { type LocalRunOptions, type LocalRunResult, runLocal } from './local.js';
import { type ResubmitResult, resubmitRun } from './resubmit.js';
import { liveJobs, scancel } from './slurm-commands.js';
import { type RunStatus, runStatus } from './status.js';
import { type SubmitOptions, type SubmitResult, submitRun } from './submit.js';
import { driverJobIds } from './submit-waves.js';
import { readPlanJobs } from './submit-plan.js';

export type ExecutorName = 'local' | 'slurm';
export const EXECUTORS: readonly ExecutorName[] = ['local', 'slurm'];

export interface CancelResult {
  executor: ExecutorName;
  /** What was stopped: SLURM job ids still queued or running, or the stages a local run had started. */
  cancelled: string[];
}

export interface Executor<Options, Submitted, Resubmitted> {
  readonly name: ExecutorName;
  /** SLURM: submits the chained arrays and returns; local: runs every task here and returns when they ended. */
  submit(o: Options): Promise<Submitted>;
  /** Per stage and task from the run's markers (and, for SLURM jobs, one batched scheduler query). */
  status(run: string): Promise<RunStatus>;
  cancel(run: string): Promise<CancelResult>;
  /** Only what is not done: SLURM resubmits those tasks and their dependants; local reruns the stages, whose tasks skip finished shards. */
  resubmit(o: Options): Promise<Resubmitted>;
}

export type SlurmExecutor = Executor<SubmitOptions, SubmitResult, ResubmitResult>;
export type LocalExecutor = Executor<LocalRunOptions, LocalRunResult, LocalRunResult>;

const slurmExecutor: SlurmExecutor = {
  name: 'slurm',
  submit: submitRun,
  status: runStatus,
  resubmit: resubmitRun,
  async cancel(run) {
    const paths = runPaths(resolve(run));
    const path = paths.jobs;
    // A cluster plan's assemble job first (it would submit the chain), then its plan array.
    const planJobs = await readPlanJobs(paths);
    const planIds = await liveJobs([
      ...(planJobs?.assemble ? [planJobs.assemble.jobId] : []),
      ...(planJobs?.jobs.map((j) => j.jobId) ?? []),
    ]);
    await scancel(planIds);
    // Wave drivers first, so none submits another wave; then the jobs as jobs.json lists them now.
    const before = await readJobsFile(path);
    if (!before && planJobs) return { executor: 'slurm', cancelled: planIds };
    if (!before)
      throw new WsiHpcError('INVALID_OPTION', `${path}: nothing was submitted for this run`, {
        file: path,
        hint: `Give the run folder \`wsi-hpc submit\` submitted; a local run (run --executor local) stops with Ctrl-C`,
      });
    const drivers = await liveJobs(driverJobIds(before));
    await scancel(drivers);
    const live = await liveJobs((await readJobsFile(path))?.jobs.map((j) => j.jobId) ?? []);
    await scancel(live);
    return { executor: 'slurm', cancelled: [...planIds, ...drivers, ...live] };
  },
};

/** Local runs of this process, by run folder: cancel aborts them (their tasks' process groups get SIGTERM). */
const running = new Map<string, { controller: AbortController; tasks: () => string[] }>();

async function runLocalCancellable(o: LocalRunOptions): Promise<LocalRunResult> {
  const run = resolve(o.run);
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  if (o.signal?.aborted) controller.abort();
  const stages: string[] = [];
  running.set(run, { controller, tasks: () => stages });
  try {
    return await runLocal({
      ...o,
      signal: controller.signal,
      onStage: (s) => {
        stages.push(s);
        o.onStage?.(s);
      },
    });
  } finally {
    running.delete(run);
    o.signal?.removeEventListener('abort', onAbort);
  }
}

const localExecutor: LocalExecutor = {
  name: 'local',
  submit: runLocalCancellable,
  status: runStatus,
  resubmit: runLocalCancellable,
  async cancel(run) {
    const r = running.get(resolve(run));
    r?.controller.abort();
    return { executor: 'local', cancelled: r ? r.tasks() : [] };
  },
};

export function executorFor(name: 'local'): LocalExecutor;
export function executorFor(name: 'slurm'): SlurmExecutor;
export function executorFor(name: ExecutorName): LocalExecutor | SlurmExecutor;
export function executorFor(name: ExecutorName): LocalExecutor | SlurmExecutor {
  return name === 'slurm' ? slurmExecutor : localExecutor;
}
