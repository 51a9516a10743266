// `submit`: renders one sbatch script per stage and array chunk from templates/, and submits them
// chained: pack chunk c -> infer chunk c (aftercorr: task i waits for pack task i) -> one merge
// job (afterok on every infer chunk). Job ids are recorded in RUN/slurm/jobs.json after each sbatch.
// A run larger than the controller's job table admits goes in waves (slurm/waves.ts, submit-waves.ts).
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { WsiHpcError } from '../errors.js';
import { readPlan, type PlanFile } from '../plan/index.js';
import { planConcernsFor } from '../run/plan-concerns.js';
import { runPaths } from '../run/paths.js';
import {
  splitArray,
  planWaves,
  type ArrayChunk,
  type ClusterLimits,
  type JobsFile,
  type Stage,
  type SubmittedJob,
} from '../slurm/index.js';
import { readJobsFile, writeJobsFile } from './jobs-file.js';
import { logArgs, renderStageScript } from './stage-script.js';
import { normalizeResources, normalizeStages, type ResourceOptions } from './options.js';
import { countQueuedJobs, liveJobs, readClusterLimits, sbatch, sbatchTestOnly } from './slurm-commands.js';
import { driverJobIds, planWaveRecord, submitInWaves, type PlannedDriver } from './submit-waves.js';

export interface SubmitOptions {
  run: string;
  model?: string;
  stages?: string[];
  /** Resources for every stage, then per stage. */
  resources?: ResourceOptions;
  stageResources?: Partial<Record<Stage, ResourceOptions>>;
  /** Shell snippet (module loads, conda activate) run before the command. */
  setup?: string;
  limits?: Partial<ClusterLimits>;
  isDryRun?: boolean;
  isTestOnly?: boolean;
  /** Submit even though jobs of this run are still queued or running. */
  isForced?: boolean;
  /** Extra arguments for the infer command (e.g. --batch-size 64). */
  inferArgs?: string[];
  /** Run each task's command in this image (`<runtime> exec … IMAGE wsi-hpc <stage> …`); a path must exist. */
  container?: { image: string; runtime: 'auto' | 'apptainer' | 'singularity' };
}

export interface PlannedSubmission {
  stage: Stage;
  chunk: ArrayChunk;
  script: string;
  scriptPath: string;
  /** The sbatch arguments, dependency placeholders as `{pack:c}` until submitted. */
  args: string[];
  /** The wave it belongs to, when the run goes in waves. */
  wave?: number;
}

/** The waves of a run too large for MaxJobCount at once (null when it fits in one submission). */
export interface SubmitWaves {
  /** Jobs queued on the cluster at submit time (0 for a dry run given both limits), the margin kept free, and what a wave may add. */
  queuedAtSubmit: number;
  margin: number;
  budget: number;
  planned: Array<{ wave: number; chunks: number[]; tasks: number; jobCount: number; driver: PlannedDriver | null }>;
}

export interface SubmitResult {
  limits: ClusterLimits;
  tasks: number;
  /** testOnly: what `sbatch --test-only` said; isTestOnlyRefused: it would not take the job. */
  submissions: Array<PlannedSubmission & { jobId?: string; testOnly?: string; isTestOnlyRefused?: boolean }>;
  jobsFile: string | null;
  isDryRun: boolean;
  waves: SubmitWaves | null;
}

// Hours of cluster time are not spent on a plan whose shards cannot fit on disk or whose patch count
// is implausible (e.g. --stride 1), unless --force says so.
async function refuseImplausible(plan: PlanFile, runDir: string, stages: Stage[], isForced?: boolean): Promise<void> {
  const concerns = (await planConcernsFor(plan, runDir)).filter(
    (c) => c.kind === 'patches' || (c.kind === 'disk' && stages.includes('pack')),
  );
  if (!concerns.length || isForced) return;
  throw new WsiHpcError('RESOURCE_LIMIT', `Not submitting: ${concerns.map((c) => c.message).join('; ')}`, {
    file: runPaths(runDir).plan,
    hint: 'Free space or replan (e.g. a larger --stride), or pass --force to submit anyway',
  });
}

export async function submitRun(o: SubmitOptions): Promise<SubmitResult> {
  const paths = runPaths(resolve(o.run));
  const plan = await readPlan(paths.plan);
  const stages = normalizeStages(o.stages);
  const model = o.model ? resolve(o.model) : undefined;
  if (stages.includes('infer') && !model)
    throw new WsiHpcError('INVALID_OPTION', 'The infer stage needs --model M.onnx', { hint: 'Or submit --stages pack' });
  const isOffline = Boolean(o.isDryRun && o.limits?.maxArraySize && o.limits.maxJobCount);
  const limits = isOffline ? (o.limits as ClusterLimits) : await readClusterLimits(o.limits);
  const tasks = plan.tasks.pack.length;
  if (tasks === 0)
    throw new WsiHpcError('PLAN_INVALID', `${paths.plan}: the plan has no shards (no tissue patches); nothing to submit`, {
      file: paths.plan,
    });
  const chunks = splitArray(tasks, limits);
  await refuseImplausible(plan, paths.root, stages, o.isForced);
  const previous = await readJobsFile(paths.jobs);
  if (previous && !o.isForced && !o.isDryRun) {
    const live = await liveJobs([...previous.jobs.map((j) => j.jobId), ...driverJobIds(previous)]);
    if (live.length) {
      throw new WsiHpcError(
        'INVALID_OPTION',
        `Jobs of this run are still queued or running (${live.join(', ')}); not submitting a second time`,
        {
          hint: `Watch them with \`wsi-hpc status ${o.run}\`, cancel them (scancel ${live.join(' ')}), or pass --force`,
        },
      );
    }
  }
  if (!o.isDryRun) {
    for (const stage of stages) await mkdir(paths.logDir(stage), { recursive: true });
    await mkdir(paths.slurmDir, { recursive: true });
  }
  // A dry run given both limits never asks the cluster: it plans as if the queue were empty.
  const queued = isOffline ? 0 : await countQueuedJobs();
  const groups = planWaves({ chunks, stages, limits, queued });
  const isWaves = groups.length > 1;
  const planned: PlannedSubmission[] = [];
  for (const g of groups) {
    for (const stage of stages) {
      const res = normalizeResources(stage, o.resources, o.stageResources?.[stage]);
      for (const chunk of stage === 'merge' ? (g.hasMerge ? [null] : []) : g.chunks) {
        const script = await renderStageScript(paths, stage, chunk, res, o, model);
        const scriptPath = paths.sbatchScript(stage, chunk?.chunk ?? 0, 0);
        const dep =
          stage === 'infer' && stages.includes('pack')
            ? [`--dependency=aftercorr:{pack:${chunk?.chunk}}`]
            : stage === 'merge' && stages.includes('infer')
              ? [`--dependency=afterok:${g.chunks.map((c) => `{infer:${c.chunk}}`).join(':')}`]
              : [];
        planned.push({
          stage,
          chunk: chunk ?? { chunk: 0, offset: 0, indices: [] },
          script,
          scriptPath,
          args: [...logArgs(paths, stage, chunk !== null), ...dep, '--kill-on-invalid-dep=yes', scriptPath],
          ...(isWaves ? { wave: g.wave } : {}),
        });
      }
    }
  }
  const waves = isWaves ? planWaveRecord(paths, groups, stages, o, limits, queued) : null;
  const result: SubmitResult = { limits, tasks, submissions: planned, jobsFile: null, isDryRun: Boolean(o.isDryRun), waves };
  if (o.isDryRun) return result;
  if (waves && !o.isTestOnly) return submitInWaves(paths, plan.planHash, limits, result, waves);
  const ids = new Map<string, string>();
  const jobs: SubmittedJob[] = [];
  const file: JobsFile = { schemaVersion: 1, planHash: plan.planHash, submittedAt: new Date().toISOString(), limits, jobs };
  for (const p of result.submissions) {
    await writeFile(p.scriptPath, p.script, { mode: 0o755 });
    const args = p.args.map((a) => a.replace(/\{(\w+):(\d+)\}/g, (_, s: string, c: string) => ids.get(`${s}:${c}`) ?? ''));
    if (o.isTestOnly) {
      const t = await sbatchTestOnly(args.filter((a) => !a.startsWith('--dependency')));
      p.testOnly = t.message;
      p.isTestOnlyRefused = t.isRefused;
      continue;
    }
    const { jobId } = await sbatch(args);
    ids.set(`${p.stage}:${p.chunk.chunk}`, jobId);
    p.jobId = jobId;
    p.args = args;
    jobs.push({
      stage: p.stage,
      chunk: p.chunk.chunk,
      offset: p.chunk.offset,
      indices: p.chunk.indices,
      jobId,
      script: p.scriptPath,
      attempt: 0,
    });
    await writeJobsFile(paths.jobs, file);
  }
  result.jobsFile = o.isTestOnly ? null : paths.jobs;
  return result;
}
