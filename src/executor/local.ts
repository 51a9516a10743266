// The local executor: each array task is its own process running the very sbatch script SLURM would run
// (stage-script.ts), with the environment a SLURM task gets, at most floor(cores / CPUs per task) at once.
// infer task i starts when pack task i finished (aftercorr), merge after every infer task (afterok);
// a failed task fails alone and its dependants are skipped.
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { WsiHpcError } from '../errors.js';
import { readPlan } from '../plan/index.js';
import { readMarker } from '../run/markers.js';
import { runPaths, type RunPaths } from '../run/paths.js';
import type { Stage } from '../slurm/index.js';
import { describeEnd, logTail, startTaskProcess, type TaskProcess } from './local-process.js';
import { type NodeState, runSchedule, type ScheduleNode } from './local-schedule.js';
import { normalizeResources, normalizeStages } from './options.js';
import { renderStageScript } from './stage-script.js';
import type { SubmitOptions } from './submit.js';

export interface LocalRunOptions {
  run: string;
  model?: string;
  stages?: string[];
  /** Infer threads: each infer task gets min(threads, cores) CPUs and `infer --threads N`. */
  threads?: number;
  /** Extra arguments of the infer command (--batch-size, --method), as `submit` passes them. */
  inferArgs?: string[];
  /** --container: each task runs the image's wsi-hpc through apptainer/singularity exec, as on the cluster. */
  container?: SubmitOptions['container'];
  /** Cores to fill; default os.availableParallelism(). */
  cores?: number;
  onStage?: (stage: Stage) => void;
  onWarning?: (m: string) => void;
  /** Aborting cancels the run: running tasks' process groups get SIGTERM (SIGKILL 5 s later), nothing new starts. */
  signal?: AbortSignal;
}

export interface LocalTaskEnd {
  /** Array task; null for the merge job. */
  task: number | null;
  reason: string;
  log: string;
  /** The last lines of its log. */
  tail?: string[];
  /** `shard: CODE: message` of its failed shards, from its task marker (the stage prints them only without --quiet). */
  errors?: string[];
}

export interface LocalStageResult {
  stage: Stage;
  tasks: number;
  cpusPerTask: number;
  done: number;
  /** Tasks that exited non-zero or were killed. */
  failed: number;
  /** Tasks not run because a task they depend on did not finish. */
  skipped: number;
  cancelled: number;
  failures: LocalTaskEnd[];
  skips: LocalTaskEnd[];
}

export interface LocalRunResult {
  executor: 'local';
  /** SLURM_ARRAY_JOB_ID of this run's tasks is `<jobId>-<stage>`. */
  jobId: string;
  cores: number;
  stages: LocalStageResult[];
  /** Tasks that did not finish: failed, skipped or cancelled. */
  failed: number;
  isCancelled: boolean;
}

export interface LocalRunPlan {
  run: string;
  model: string | null;
  /** Per stage: the tasks it would run and the shards they cover (merge: one task over every slide). */
  stages: Array<{ stage: Stage; tasks: number; shards: number; cpusPerTask: number }>;
  cores: number;
}

/**
 * CPUs per task here: the cores spread over the tasks (floor(cores / tasks), at least 1), so a run of many
 * tasks runs them side by side with one CPU each (the demo's pack+infer on a busy 2-core machine: 47.7 s
 * with two 1-CPU infer tasks at once, 95.6 s with one 2-CPU task at a time) and a single task gets every
 * core. The merge job gets every core; --threads sets the infer tasks' CPUs (capped to the cores).
 */
export function localCpus(stage: Stage, cores: number, tasks: number, threads?: number): number {
  if (stage === 'infer' && threads) return Math.max(1, Math.min(cores, threads));
  if (stage === 'merge') return cores;
  return Math.max(1, Math.floor(cores / Math.max(1, tasks)));
}

function checkModel(stages: Stage[], model: string | undefined): void {
  if (stages.includes('infer') && !model) throw new WsiHpcError('INVALID_OPTION', 'The infer stage needs --model M.onnx');
}

/** What `runLocal` would do, for `run --dry-run`: reads the plan, runs and writes nothing. */
export async function planLocalRun(o: Pick<LocalRunOptions, 'run' | 'model' | 'stages' | 'threads' | 'cores'>): Promise<LocalRunPlan> {
  const stages = normalizeStages(o.stages);
  const run = resolve(o.run);
  checkModel(stages, o.model);
  const plan = await readPlan(runPaths(run).plan);
  const cores = o.cores ?? availableParallelism();
  return {
    run,
    model: o.model ? resolve(o.model) : null,
    stages: stages.map((stage) => ({
      stage,
      tasks: stage === 'merge' ? 1 : plan.tasks.pack.length,
      shards: plan.shards.list.length,
      cpusPerTask: localCpus(stage, cores, plan.tasks.pack.length, o.threads),
    })),
    cores,
  };
}

interface LocalTask {
  stage: Stage;
  task: number | null;
  script: string;
  log: string;
  env: NodeJS.ProcessEnv;
}

/** The environment SLURM gives an array task (or the merge job), over the user's own. */
function taskEnv(jobId: string, stage: Stage, task: number | null, count: number, cpus: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SLURM_CPUS_PER_TASK: String(cpus), SLURM_JOB_NAME: `wsihpc-${stage}` };
  for (const k of ['SLURM_ARRAY_TASK_ID', 'SLURM_ARRAY_JOB_ID', 'SLURM_ARRAY_TASK_COUNT', 'SLURM_JOB_ID']) delete env[k];
  if (task === null) return { ...env, SLURM_JOB_ID: `${jobId}-${stage}` };
  return {
    ...env,
    SLURM_JOB_ID: `${jobId}-${stage}_${task}`,
    SLURM_ARRAY_JOB_ID: `${jobId}-${stage}`,
    SLURM_ARRAY_TASK_ID: String(task),
    SLURM_ARRAY_TASK_COUNT: String(count),
  };
}

/** Renders and writes each stage's script (the one `submit` would submit, one array over every task). */
async function writeScripts(paths: RunPaths, stages: Stage[], n: number, cpus: (s: Stage) => number, o: LocalRunOptions) {
  const model = o.model ? resolve(o.model) : undefined;
  const inferArgs = [...(o.inferArgs ?? []), ...(o.threads === undefined ? [] : ['--threads', String(o.threads)])];
  const scripts = new Map<Stage, string>();
  await mkdir(paths.slurmDir, { recursive: true });
  for (const stage of stages) {
    const res = normalizeResources(stage, {}, { cpusPerTask: cpus(stage) });
    const chunk = stage === 'merge' ? null : { chunk: 0, offset: 0, indices: Array.from({ length: n }, (_, i) => i) };
    const text = await renderStageScript(paths, stage, chunk, res, { run: paths.root, inferArgs, container: o.container }, model);
    await writeFile(paths.localScript(stage), text, { mode: 0o755 });
    await mkdir(paths.logDir(stage), { recursive: true });
    scripts.set(stage, paths.localScript(stage));
  }
  return scripts;
}

/** The task graph: pack i -> infer i (aftercorr) -> merge (afterok on every infer task). */
function taskNodes(paths: RunPaths, stages: Stage[], n: number, jobId: string, cpus: (s: Stage) => number, scripts: Map<Stage, string>) {
  const nodes: ScheduleNode<LocalTask>[] = [];
  const key = (stage: Stage, task: number | null) => `${stage}:${task ?? ''}`;
  for (const stage of stages) {
    const tasks = stage === 'merge' ? [null] : Array.from({ length: n }, (_, i) => i);
    for (const task of tasks) {
      const deps =
        stage === 'infer' && stages.includes('pack')
          ? [key('pack', task)]
          : stage === 'merge' && stages.includes('infer')
            ? Array.from({ length: n }, (_, i) => key('infer', i))
            : [];
      const env = taskEnv(jobId, stage, task, n, cpus(stage));
      const item = { stage, task, script: scripts.get(stage) as string, log: paths.localLog(stage, task), env };
      nodes.push({ key: key(stage, task), cpus: cpus(stage), deps, item });
    }
  }
  return nodes;
}

/** The failed shards a task's marker lists (none when it left no marker of this plan). */
async function shardErrors(paths: RunPaths, stage: Stage, task: number, planHash: string): Promise<string[]> {
  const m = await readMarker(paths.marker(stage, `task-${String(task).padStart(5, '0')}`));
  if (m?.planHash !== planHash || m.status !== 'failed' || !Array.isArray(m.result?.shards)) return [];
  return (m.result.shards as Array<{ shard?: string; error?: { code?: string; message?: string } }>)
    .filter((x) => x.error)
    .map((x) => `${x.shard}: ${x.error?.code}: ${x.error?.message}`);
}

export async function runLocal(o: LocalRunOptions): Promise<LocalRunResult> {
  const stages = normalizeStages(o.stages);
  checkModel(stages, o.model);
  const paths = runPaths(resolve(o.run));
  const plan = await readPlan(paths.plan);
  const n = plan.tasks.pack.length;
  const cores = Math.max(1, o.cores ?? availableParallelism());
  const cpus = (stage: Stage) => localCpus(stage, cores, n, o.threads);
  const jobId = `local-${process.pid}`;
  const scripts = await writeScripts(paths, stages, n, cpus, o);
  const nodes = taskNodes(paths, stages, n, jobId, cpus, scripts);
  const live = new Set<TaskProcess>();
  const ends = new Map<string, LocalTaskEnd>();
  const started = new Set<Stage>();
  const warned = new Set<string>();
  const onWarning = (m: string) => {
    if (!warned.has(m)) o.onWarning?.(m);
    warned.add(m);
  };
  const cancel = () => {
    for (const p of live) p.kill();
  };
  o.signal?.addEventListener('abort', cancel, { once: true });
  const states = await runSchedule(nodes, cores, {
    isCancelled: () => Boolean(o.signal?.aborted),
    onSkipped: (node, dep) => {
      const [stage, task] = dep.split(':');
      const what = task ? `${stage} task ${task}` : stage;
      ends.set(node.key, { task: node.item.task, reason: `${what} did not finish`, log: node.item.log });
    },
    run: async (node) => {
      const t = node.item;
      if (!started.has(t.stage)) o.onStage?.(t.stage);
      started.add(t.stage);
      const p = startTaskProcess({ script: t.script, log: t.log, env: t.env, onWarning });
      live.add(p);
      const end = await p.done;
      live.delete(p);
      if (end.exitCode === 0) return { state: 'done' };
      const reason = o.signal?.aborted ? `cancelled (${describeEnd(end)})` : describeEnd(end);
      const errors = t.task === null ? [] : await shardErrors(paths, t.stage, t.task, plan.planHash);
      ends.set(node.key, { task: t.task, reason, log: t.log, tail: await logTail(t.log), ...(errors.length ? { errors } : {}) });
      return { state: o.signal?.aborted ? 'cancelled' : 'failed' };
    },
  });
  o.signal?.removeEventListener('abort', cancel);
  const result: LocalRunResult = { executor: 'local', jobId, cores, stages: [], failed: 0, isCancelled: Boolean(o.signal?.aborted) };
  for (const stage of stages) {
    const mine = nodes.filter((x) => x.item.stage === stage);
    const count = (s: NodeState) => mine.filter((x) => states.get(x.key) === s).length;
    const endsIn = (s: NodeState) => mine.filter((x) => states.get(x.key) === s).map((x) => ends.get(x.key) as LocalTaskEnd);
    result.stages.push({
      stage,
      tasks: mine.length,
      cpusPerTask: cpus(stage),
      done: count('done'),
      failed: count('failed'),
      skipped: count('skipped'),
      cancelled: count('cancelled'),
      failures: endsIn('failed'),
      skips: endsIn('skipped'),
    });
  }
  result.failed = result.stages.reduce((k, s) => k + s.tasks - s.done, 0);
  return result;
}
