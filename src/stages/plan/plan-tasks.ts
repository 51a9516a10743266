// Planning as array tasks, so that no slide is opened where the user types the command (a login node):
// `writePlanRequest` (cheap: parameters and slide discovery) writes RUN/plan-tasks/request.json; each task
// `runPlanTask` plans its slice of slides and writes one record per slide atomically; `assemblePlan` builds
// plan.json from the records exactly as a local plan would (same per-slide reuse, same shards).
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import pLimit from 'p-limit';
import { OptionError, WsiHpcError } from '../../errors.js';
import { isStopRequested, watchStopSignal } from '../../run/stop-signal.js';
import { resolveTaskId } from '../../run/task-id.js';
import { slideIdFor, writePlan, type PlanFile, type PlanParams, type PlanSlide, type SkippedEntry } from '../../plan/index.js';
import { writeMarker } from '../../run/markers.js';
import { runPaths, type RunPaths } from '../../run/paths.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { hashJson } from '../../util/hash.js';
import { expectPositiveInt } from '../../util/is.js';
import { buildPlanFile } from './build-plan.js';
import { writeClamPatchFiles } from './clam-patches.js';
import { previousEntries, planOrReuse, resolvePlanSetup } from './plan-setup.js';
import type { PlanRunOptions } from './run-plan.js';

export const PLAN_TASK_DEFAULTS = Object.freeze({ slidesPerTask: 50 });
const REQUEST_VERSION = 1;

export interface PlanRequest {
  schemaVersion: typeof REQUEST_VERSION;
  createdAt: string;
  /** Hash of everything below: records and markers of another request are not this one's. */
  requestHash: string;
  params: PlanParams;
  paramsHash: string;
  slides: string[];
  skipped: SkippedEntry[];
  maxGridPatches: number;
  isForced: boolean;
  clamPatches: boolean;
  slideList: PlanFile['slideList'] | null;
  /** `--slides-from` metadata by slide path. */
  metadata: Record<string, Record<string, string>>;
  slidesPerTask: number;
  tasks: number;
  /** What the assemble step submits after plan.json is written (the SLURM executor's options), if anything. */
  submitAfter?: Record<string, unknown> | null;
}

interface SlideRecord {
  requestHash: string;
  index: number;
  slide: PlanSlide;
  windowCounts: number[] | null;
}

export function planTaskPaths(paths: RunPaths) {
  const dir = join(paths.root, 'plan-tasks');
  return {
    dir,
    request: join(dir, 'request.json'),
    record: (index: number) => join(dir, 'slides', `${Math.trunc(index)}.json`),
    taskMarker: (task: number) => paths.marker('plan', `task-${task}`),
    assembleMarker: paths.marker('plan', 'assemble'),
  };
}

/** Resolves parameters and slides (no slide is opened) and writes the request the plan tasks read. */
export async function writePlanRequest(
  options: PlanRunOptions,
  o: { slidesPerTask?: number; submitAfter?: Record<string, unknown> | null; isDryRun?: boolean } = {},
): Promise<PlanRequest> {
  const setup = await resolvePlanSetup(options);
  const slidesPerTask = expectPositiveInt('--plan-slides-per-task', o.slidesPerTask ?? PLAN_TASK_DEFAULTS.slidesPerTask);
  const body = {
    schemaVersion: REQUEST_VERSION,
    params: setup.params,
    paramsHash: setup.paramsHash,
    slides: setup.slides,
    skipped: setup.skipped,
    maxGridPatches: setup.maxGridPatches,
    isForced: options.isForced ?? false,
    clamPatches: options.clamPatches ?? false,
    slideList: setup.slideList,
    metadata: Object.fromEntries(setup.metadata),
    slidesPerTask,
    tasks: Math.ceil(setup.slides.length / slidesPerTask),
    submitAfter: o.submitAfter ?? null,
  } as const;
  const request: PlanRequest = { ...body, createdAt: new Date().toISOString(), requestHash: hashJson(body) };
  if (!o.isDryRun) await writeFileAtomic(planTaskPaths(setup.paths).request, `${JSON.stringify(request, null, 1)}\n`);
  return request;
}

export async function readPlanRequest(run: string): Promise<PlanRequest> {
  const file = planTaskPaths(runPaths(run)).request;
  let r: PlanRequest;
  try {
    r = JSON.parse(await readFile(file, 'utf8')) as PlanRequest;
  } catch (err) {
    throw new WsiHpcError(
      'PLAN_INVALID',
      `${file}: cannot read the plan request (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      {
        file,
        hint: 'Plan tasks read the request `submit SLIDES --out RUN` or `plan --executor slurm` wrote; submit again',
      },
    );
  }
  const { createdAt: _c, requestHash, ...body } = r;
  if (r.schemaVersion !== REQUEST_VERSION || hashJson(body) !== requestHash || r.slides.length > r.tasks * r.slidesPerTask)
    throw new WsiHpcError('PLAN_INVALID', `${file}: the plan request is damaged or was edited (its hash or counts do not match)`, {
      file,
      hint: 'Submit the slides again: `wsi-hpc submit SLIDES --out RUN` (or `plan --executor slurm`)',
    });
  return r;
}

async function readRecord(file: string, requestHash: string, index: number): Promise<SlideRecord | null> {
  try {
    const r = JSON.parse(await readFile(file, 'utf8')) as SlideRecord;
    return r.requestHash === requestHash && r.index === index ? r : null;
  } catch {
    return null;
  }
}

export interface PlanTaskResult {
  task: number;
  slides: number;
  planned: number;
  failed: number;
  reused: number;
  /** Slides not started because a stop signal came (USR2 before the time limit). */
  stopped: number;
}

export interface PlanTaskOptions {
  /** The task; default SLURM_ARRAY_TASK_ID plus the chunk offset (run/task-id.ts). */
  task?: number;
  /** Slides planned at once. @default SLURM_CPUS_PER_TASK, else 1 */
  concurrency?: number;
  env?: NodeJS.ProcessEnv;
  onSlideDone?: (done: number, total: number) => void;
}

/** Plans the slides of one array task (slides already recorded for this request are kept). */
export async function runPlanTask(run: string, o: PlanTaskOptions = {}): Promise<PlanTaskResult> {
  const paths = runPaths(run);
  const request = await readPlanRequest(run);
  const env = o.env ?? process.env;
  const task = resolveTaskId(o.task, env, request.tasks);
  if (task === null)
    throw new OptionError(
      '`plan-task` needs `--task N` (or SLURM_ARRAY_TASK_ID)',
      'Plan tasks are run by the plan array of `wsi-hpc submit SLIDES --out RUN`',
    );
  const startedAt = new Date();
  const tp = planTaskPaths(paths);
  const first = task * request.slidesPerTask;
  const indices = request.slides.map((_, i) => i).slice(first, first + request.slidesPerTask);
  const setup = {
    paths,
    params: request.params,
    isDryRun: false,
    maxGridPatches: request.maxGridPatches,
    previous: await previousEntries(paths, request.paramsHash, request.isForced),
    metadata: new Map(Object.entries(request.metadata)),
  };
  const counts = { planned: 0, failed: 0, reused: 0, stopped: 0 };
  let done = 0;
  const cpus = Number(env.SLURM_CPUS_PER_TASK);
  const limit = pLimit(o.concurrency ?? (Number.isInteger(cpus) && cpus > 0 ? cpus : 1));
  watchStopSignal();
  await Promise.all(
    indices.map((index) =>
      limit(async () => {
        const file = tp.record(index);
        let record = await readRecord(file, request.requestHash, index);
        // After USR2 (time limit, preemption) no new slide starts; what is recorded stays.
        if (!record && isStopRequested()) {
          counts.stopped++;
          return;
        }
        if (!record) {
          const outcome = await planOrReuse(setup, request.slides[index]);
          record = {
            requestHash: request.requestHash,
            index,
            slide: outcome.slide,
            windowCounts: outcome.windowCounts ? Array.from(outcome.windowCounts) : null,
          };
          await writeFileAtomic(file, JSON.stringify(record));
          if (outcome.isReused) counts.reused++;
        }
        counts[record.slide.status === 'planned' ? 'planned' : 'failed']++;
        o.onSlideDone?.(++done, indices.length);
      }),
    ),
  );
  const result = { task, slides: indices.length, ...counts };
  // A slide that fails to plan is a failed entry in plan.json, not a failed task: the task is done unless stopped.
  await writeMarker(tp.taskMarker(task), {
    stage: 'plan',
    unit: `task-${task}`,
    status: counts.stopped ? 'failed' : 'done',
    ...(counts.stopped
      ? { error: { code: 'PLAN_TASK_FAILED', message: `stopped by a signal before ${counts.stopped} slide(s); resubmit to plan them` } }
      : {}),
    planHash: request.requestHash,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    result,
  });
  return result;
}

export interface AssembleResult {
  plan: PlanFile;
  planFile: string;
  /** Slides whose task left no record (its task failed or was never run): failed entries in plan.json. */
  missing: string[];
  clamPatches?: Map<string, string>;
  request: PlanRequest;
}

// A slide its task never recorded: a failed entry naming the task and where its log is.
async function missingEntry(path: string, task: number, paths: RunPaths): Promise<PlanSlide> {
  const st = await stat(path).catch(() => null);
  return {
    id: slideIdFor(path),
    path,
    name: basename(path),
    sizeBytes: st?.size ?? 0,
    mtimeMs: Math.trunc(st?.mtimeMs ?? 0),
    status: 'failed',
    error: {
      code: 'PLAN_TASK_FAILED',
      message: `plan task ${task} did not record this slide (the task failed, timed out or was not run; its log is in ${paths.logDir('plan')})`,
    },
  } as PlanSlide;
}

/**
 * Builds and writes plan.json from the tasks' records (idempotent: the same records give the same plan), then
 * runs `after` (the chain's submission); the assemble marker is failed when that throws.
 */
export async function assemblePlan(run: string, after?: (r: AssembleResult) => Promise<unknown>): Promise<AssembleResult> {
  const paths = runPaths(run);
  const request = await readPlanRequest(run);
  const startedAt = new Date();
  const tp = planTaskPaths(paths);
  const slides: PlanSlide[] = [];
  const windowCounts = new Map<string, Int32Array>();
  const missing: string[] = [];
  for (const [index, path] of request.slides.entries()) {
    const r = await readRecord(tp.record(index), request.requestHash, index);
    if (!r) {
      missing.push(path);
      slides.push(await missingEntry(path, Math.floor(index / request.slidesPerTask), paths));
      continue;
    }
    slides.push(r.slide);
    if (r.windowCounts) windowCounts.set(r.slide.id, Int32Array.from(r.windowCounts));
  }
  const plan = buildPlanFile({
    params: request.params,
    paramsHash: request.paramsHash,
    slides,
    windowCounts,
    slideList: request.slideList ?? undefined,
  });
  await writePlan(paths.plan, plan);
  const clamPatches = request.clamPatches ? await writeClamPatchFiles(plan, paths.root) : undefined;
  const result: AssembleResult = { plan, planFile: paths.plan, missing, request, ...(clamPatches ? { clamPatches } : {}) };
  let error: { code: string; message: string; hint?: string } | undefined;
  try {
    await after?.(result);
  } catch (err) {
    const e = err as WsiHpcError;
    error = { code: e.code ?? 'PLAN_TASK_FAILED', message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
    throw err;
  } finally {
    await writeMarker(tp.assembleMarker, {
      stage: 'plan',
      unit: 'assemble',
      status: error ? 'failed' : 'done',
      planHash: request.requestHash,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      seconds: (Date.now() - startedAt.getTime()) / 1000,
      result: { slides: slides.length, missing: missing.length, planHash: plan.planHash },
      ...(error ? { error } : {}),
    });
  }
  return result;
}
