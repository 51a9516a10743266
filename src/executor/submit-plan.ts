// The plan stage on SLURM: an array over the request's plan tasks (tissue + grid per slide, each slide
// recorded atomically), then a one-CPU assemble job (afterany) on the node itself that writes plan.json
// and, for `submit SLIDES`, submits pack -> infer -> merge with the options recorded in the request.
// Job ids go to RUN/slurm/plan-jobs.json; status reads them beside jobs.json.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { PlanRequest } from '../stages/plan/plan-tasks.js';
import { runPaths, type RunPaths } from '../run/paths.js';
import { TASK_OFFSET_ENV } from '../run/task-id.js';
import {
  containerBinds,
  renderArraySpec,
  renderHostJob,
  renderSbatch,
  splitArray,
  type ArrayChunk,
  type ClusterLimits,
} from '../slurm/index.js';
import { writeFileAtomic } from '../util/atomic.js';
import { normalizeResources } from './options.js';
import { readClusterLimits, sbatch } from './slurm-commands.js';
import { BIN, CONTAINER_BIN, TEMPLATES_DIR, escapeSlurmPath } from './stage-script.js';
import type { SubmitOptions } from './submit.js';

export interface PlanJob {
  chunk: number;
  offset: number;
  indices: number[];
  jobId: string;
  script: string;
}

export interface PlanJobsFile {
  schemaVersion: 1;
  requestHash: string;
  submittedAt: string;
  limits: ClusterLimits;
  jobs: PlanJob[];
  assemble: { jobId: string; script: string } | null;
}

export interface SubmitPlanResult {
  tasks: number;
  slides: number;
  limits: ClusterLimits;
  submissions: Array<{ kind: 'plan' | 'assemble'; chunk: number; script: string; scriptPath: string; args: string[]; jobId?: string }>;
  jobsFile: string | null;
  isDryRun: boolean;
}

export const planJobsPath = (paths: RunPaths) => join(paths.slurmDir, 'plan-jobs.json');

export async function readPlanJobs(paths: RunPaths): Promise<PlanJobsFile | null> {
  try {
    return JSON.parse(await readFile(planJobsPath(paths), 'utf8')) as PlanJobsFile;
  } catch {
    return null;
  }
}

// The plan tasks read the slides and write the run folder: those are the container's binds.
function planBinds(paths: RunPaths, request: PlanRequest): string[] {
  const folders = [...new Set(request.slides.map((s) => dirname(s)))];
  return containerBinds([
    { path: paths.root, what: 'the run folder' },
    ...folders.map((f) => ({ path: f, what: `the slide folder ${f}` })),
    ...(request.params.masksDir ? [{ path: request.params.masksDir, what: 'the masks folder' }] : []),
  ]);
}

/** Renders and (unless a dry run) submits the plan array and its assemble job. */
export async function submitPlanStage(run: string, request: PlanRequest, o: SubmitOptions): Promise<SubmitPlanResult> {
  const paths = runPaths(run);
  const isOffline = Boolean(o.isDryRun && o.limits?.maxArraySize && o.limits.maxJobCount);
  const limits = isOffline ? (o.limits as ClusterLimits) : await readClusterLimits(o.limits);
  // Plan tasks are CPU work like pack: they take the pack stage's resources (--pack-partition, --pack-cpus, …).
  const res = normalizeResources('pack', o.resources, o.stageResources?.pack);
  const template = await readFile(join(TEMPLATES_DIR, 'plan.sbatch'), 'utf8');
  const submissions: SubmitPlanResult['submissions'] = [];
  const chunks: ArrayChunk[] = request.tasks > 0 ? splitArray(request.tasks, limits) : [];
  const taskLog = join(escapeSlurmPath(paths.logDir('plan')), '%A_%a.out');
  for (const chunk of chunks) {
    const args = ['plan-task', paths.root, '--quiet'];
    const script = renderSbatch({
      template,
      jobName: 'wsihpc-plan',
      arraySpec: renderArraySpec(chunk.indices, res.throttle),
      resources: res,
      command: o.container ? [CONTAINER_BIN, ...args] : [process.execPath, BIN, ...args],
      container: o.container
        ? { spec: { image: o.container.image, runtime: o.container.runtime }, binds: planBinds(paths, request) }
        : null,
      env: { [TASK_OFFSET_ENV]: String(chunk.offset), WSI_HPC_CONFIG: '/dev/null' },
      setup: o.setup ?? '',
      logDir: paths.logDir('plan'),
    });
    const scriptPath = paths.sbatchScript('plan', chunk.chunk, 0);
    submissions.push({
      kind: 'plan',
      chunk: chunk.chunk,
      script,
      scriptPath,
      args: [`--output=${taskLog}`, `--error=${taskLog}`, scriptPath],
    });
  }
  // The assemble job runs on the node (it may call sbatch), where merge runs (partition, account, qos).
  const host = normalizeResources('merge', o.resources, o.stageResources?.merge);
  const assemblePath = paths.sbatchScript('assemble', 0, 0);
  const assembleScript = renderHostJob({
    jobName: 'wsihpc-assemble',
    about: [
      'wsi-hpc plan assemble job, rendered by `wsi-hpc submit SLIDES`: started when every plan task has ended (afterany),',
      'it writes plan.json from the per-slide records (slides of a failed task become failed entries) and then',
      'submits the rest of the chain when the request says so. Values are shell-quoted.',
    ],
    banner: 'wsi-hpc plan assemble',
    time: '01:00:00',
    memMb: 4096,
    partition: host.partition,
    account: host.account,
    qos: host.qos,
    command: [process.execPath, BIN, 'plan-assemble', paths.root],
    setup: o.setup ?? '',
  });
  const log = join(escapeSlurmPath(paths.logDir('plan')), 'assemble-%j.out');
  submissions.push({
    kind: 'assemble',
    chunk: 0,
    script: assembleScript,
    scriptPath: assemblePath,
    args: [`--output=${log}`, `--error=${log}`, assemblePath],
  });
  const result: SubmitPlanResult = {
    tasks: request.tasks,
    slides: request.slides.length,
    limits,
    submissions,
    jobsFile: null,
    isDryRun: Boolean(o.isDryRun),
  };
  if (o.isDryRun) return result;
  await mkdir(paths.logDir('plan'), { recursive: true });
  await mkdir(paths.slurmDir, { recursive: true });
  const file: PlanJobsFile = {
    schemaVersion: 1,
    requestHash: request.requestHash,
    submittedAt: new Date().toISOString(),
    limits,
    jobs: [],
    assemble: null,
  };
  const write = () => writeFileAtomic(planJobsPath(paths), `${JSON.stringify(file, null, 1)}\n`);
  for (const s of submissions) {
    await writeFile(s.scriptPath, s.script, { mode: 0o755 });
    if (s.kind === 'assemble') {
      const after = file.jobs.map((j) => j.jobId);
      s.args = [...(after.length ? [`--dependency=afterany:${after.join(':')}`] : []), ...s.args];
    }
    const { jobId } = await sbatch(s.args);
    s.jobId = jobId;
    const chunk = chunks[s.chunk];
    if (s.kind === 'plan')
      file.jobs.push({ chunk: chunk.chunk, offset: chunk.offset, indices: chunk.indices, jobId, script: s.scriptPath });
    else file.assemble = { jobId, script: s.scriptPath };
    await write();
  }
  result.jobsFile = planJobsPath(paths);
  return result;
}
