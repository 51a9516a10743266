// `resubmit`: only the tasks that failed, were cancelled, timed out, ran out of memory, left no
// completion marker or whose output is missing or changed since its marker (status.ts), on the same chunk
// grid (indices < MaxArraySize, `--array=i,j,k`), with their dependants chained as submit chains them
// (resubmit-plan.ts). --dry-run prints, --test-only asks sbatch.
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { WsiHpcError } from '../errors.js';
import { readPlan } from '../plan/index.js';
import { runPaths } from '../run/paths.js';
import { STAGES, type ClusterLimits, type Stage } from '../slurm/index.js';
import { readJobsFile, writeJobsFile } from './jobs-file.js';
import { normalizeResources, normalizeStages } from './options.js';
import { jobKey, planResubmitJobs } from './resubmit-plan.js';
import { liveJobs, sbatch, sbatchTestOnly } from './slurm-commands.js';
import { driverJobIds } from './submit-waves.js';
import { runStatus, type TaskPhase } from './status.js';
import { logArgs, renderStageScript } from './stage-script.js';
import type { SubmitOptions } from './submit.js';

export interface ResubmittedJob {
  stage: Stage;
  chunk: number;
  /** Task number of array index 0. */
  offset: number;
  indices: number[];
  script: string;
  scriptPath: string;
  /** The sbatch arguments; dependency placeholders `{pack:c}` stay until submitted. */
  args: string[];
  jobId?: string;
  /** What `sbatch --test-only` said (nothing submitted). */
  testOnly?: string;
  /** `sbatch --test-only` would not take this job. */
  isTestOnlyRefused?: boolean;
}

/** A task that is not done and why (status' phase and reason); dependants resubmitted with it are not listed. */
export interface ResubmitCause {
  stage: Stage;
  task: number;
  phase: TaskPhase;
  reason?: string;
}

export interface ResubmitResult {
  tasks: Record<Stage, number[]>;
  /** Why: the tasks of `tasks` that are not done themselves. */
  causes: ResubmitCause[];
  jobs: ResubmittedJob[];
  limits: ClusterLimits;
  isDryRun: boolean;
  isTestOnly: boolean;
}

export async function resubmitRun(o: SubmitOptions): Promise<ResubmitResult> {
  const paths = runPaths(resolve(o.run));
  await readPlan(paths.plan);
  const stages = normalizeStages(o.stages);
  const jobsFile = await readJobsFile(paths.jobs);
  if (!jobsFile)
    throw new WsiHpcError('INVALID_OPTION', `${paths.jobs}: nothing was submitted for this run`, {
      hint: `Use \`wsi-hpc submit ${o.run}\` first`,
    });
  const live = await liveJobs([...jobsFile.jobs.map((j) => j.jobId), ...driverJobIds(jobsFile)]);
  if (live.length && !o.isForced) {
    throw new WsiHpcError(
      'INVALID_OPTION',
      `Jobs of this run are still queued or running (${live.join(', ')}); resubmit when they have finished`,
      { hint: `wsi-hpc status ${o.run} --watch` },
    );
  }
  // Waves never submitted (their driver ended early) would all go at once and overrun MaxJobCount.
  const unsubmitted = (jobsFile.waves?.planned ?? []).filter((w) => !w.submittedAt).map((w) => w.wave);
  if (unsubmitted.length && !o.isForced) {
    throw new WsiHpcError(
      'INVALID_OPTION',
      `Wave(s) ${unsubmitted.join(', ')} of this run were never submitted; resubmit would send them all at once`,
      {
        file: paths.jobs,
        hint: `Submit them in turn with \`wsi-hpc submit-wave ${o.run} --wave ${unsubmitted[0]}\` (its driver submits the next), then resubmit what failed`,
      },
    );
  }
  const status = await runStatus(paths.root);
  const failed = (stage: Stage) =>
    status.stages
      .find((s) => s.stage === stage)
      ?.tasks.filter((t) => t.phase !== 'done')
      .map((t) => t.task) ?? [];
  const pack = failed('pack');
  const infer = [...new Set([...failed('infer'), ...pack])].sort((a, b) => a - b);
  const model = o.model ? resolve(o.model) : undefined;
  // Only stages that were submitted before, and of those only the ones --stages names.
  const wanted = (stage: Stage) => stages.includes(stage) && jobsFile.jobs.some((j) => j.stage === stage);
  const tasks: Record<Stage, number[]> = {
    pack: wanted('pack') ? pack : [],
    infer: wanted('infer') ? infer : [],
    merge: wanted('merge') && (infer.length > 0 || failed('merge').length > 0) ? [0] : [],
  };
  if (tasks.infer.length && !model) throw new WsiHpcError('INVALID_OPTION', 'Resubmitting infer tasks needs --model M.onnx');
  const limits: ClusterLimits = {
    maxArraySize: o.limits?.maxArraySize ?? jobsFile.limits.maxArraySize,
    maxJobCount: o.limits?.maxJobCount ?? jobsFile.limits.maxJobCount,
  };
  const attempt = Math.max(0, ...jobsFile.jobs.map((j) => j.attempt)) + 1;
  const causes = status.stages.flatMap((st) =>
    st.tasks
      .filter((t) => t.phase !== 'done' && tasks[st.stage].includes(t.task))
      .map((t): ResubmitCause => ({ stage: t.stage, task: t.task, phase: t.phase, ...(t.reason ? { reason: t.reason } : {}) })),
  );
  const result: ResubmitResult = { tasks, causes, jobs: [], limits, isDryRun: Boolean(o.isDryRun), isTestOnly: Boolean(o.isTestOnly) };
  const planned = planResubmitJobs(tasks, limits);
  const keys: string[] = [];
  for (const stage of STAGES) {
    const res = normalizeResources(stage, o.resources, o.stageResources?.[stage]);
    for (const p of planned.filter((j) => j.stage === stage)) {
      const base = paths.sbatchScript(stage, p.chunk?.chunk ?? 0, attempt);
      const scriptPath = p.isAlone ? base.replace(/\.sbatch$/, '-alone.sbatch') : base;
      result.jobs.push({
        stage,
        chunk: p.chunk?.chunk ?? 0,
        offset: p.chunk?.offset ?? 0,
        indices: p.chunk?.indices ?? [],
        script: await renderStageScript(paths, stage, p.chunk, res, o, model),
        scriptPath,
        args: [
          ...logArgs(paths, stage, p.chunk !== null),
          ...(p.dependency ? [p.dependency] : []),
          '--kill-on-invalid-dep=yes',
          scriptPath,
        ],
      });
      keys.push(jobKey(p));
    }
  }
  if (o.isDryRun || !result.jobs.length) return result;
  await mkdir(paths.slurmDir, { recursive: true });
  const ids = new Map<string, string>();
  for (const [k, job] of result.jobs.entries()) {
    await mkdir(paths.logDir(job.stage), { recursive: true });
    await writeFile(job.scriptPath, job.script, { mode: 0o755 });
    if (o.isTestOnly) {
      const t = await sbatchTestOnly(job.args.filter((a) => !a.startsWith('--dependency')));
      job.testOnly = t.message;
      job.isTestOnlyRefused = t.isRefused;
      continue;
    }
    job.args = job.args.map((a) => a.replace(/\{([^}]+)\}/g, (_, key: string) => ids.get(key) ?? ''));
    const { jobId } = await sbatch(job.args);
    job.jobId = jobId;
    ids.set(keys[k], jobId);
    jobsFile.jobs.push({
      stage: job.stage,
      chunk: job.chunk,
      offset: job.offset,
      indices: job.indices,
      jobId,
      script: job.scriptPath,
      attempt,
    });
    await writeJobsFile(paths.jobs, jobsFile);
  }
  return result;
}
