// The `infer` stage: one ONNX Runtime session per task (CUDA when usable, else CPU threads from
// SLURM's allocation), the task's shards streamed through it; says which device it used and why.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { WsiHpcError, type ErrorCode } from '../../errors.js';
import { modelDigest, readModelCard, validateModelForInfer, wrapModel } from '../../model/index.js';
import { convertToDense } from '../../model/dense/index.js';
import { readPlan, type PlanFile } from '../../plan/index.js';
import { transferMatrix } from '../../stain/index.js';
import { isStopRequested, watchStopSignal } from '../../run/stop-signal.js';
import { runPaths } from '../../run/paths.js';
import { resolveTaskId } from '../../run/task-id.js';
import { chooseThreads, type DeviceRequest } from '../../runner/device.js';
import { visibleGpuIds } from '../../runner/gpus.js';
import { checkBatchMemory } from '../../runner/batch-memory.js';
import { openSession } from '../../runner/session.js';
import { hashJson } from '../../util/hash.js';
import { expectOneOf, expectPositiveInt } from '../../util/is.js';
import { FEATURES_DTYPE_CHOICES, INFER_DEFAULTS, INFER_METHODS, type FeaturesDtypeRequest, type InferMethodRequest } from './defaults.js';
import { resolveMethod } from './method.js';
import { inferShard, type InferShardResult } from './infer-shard.js';
import { runSessions, type SessionOutcome } from './run-sessions.js';
import { splitSessions } from './session-split.js';
import { finishTask, mergeSessions, patchesPerSecond, taskShards } from './task-result.js';

export interface InferRunOptions {
  run: string;
  model: string;
  card?: string;
  task?: number;
  device?: DeviceRequest;
  threads?: number;
  batchSize?: number;
  /** How window shards are run: sliding (patch model on crops), dense (converted model), auto. @default 'auto' */
  method?: InferMethodRequest;
  /** Storage of a features model's output. @default 'float16' */
  featuresDtype?: FeaturesDtypeRequest;
  env?: NodeJS.ProcessEnv;
  /** Sessions at once, one child process each (default: one per visible GPU, else 1). */
  sessions?: number;
  /** Only these plan shard indexes (of the task's shards): what each session's child runs. */
  shards?: number[];
  onWarning?: (message: string) => void;
  onPatches?: (done: number, total: number) => void;
}

export interface InferRunResult {
  task: number | null;
  model: string;
  provider: 'cuda' | 'cpu';
  threads: number;
  batchSize: number;
  reason: string;
  /** The method used and why (`auto` says which it chose). */
  method: 'sliding' | 'dense';
  methodReason: string;
  warning: string | null;
  shards: InferShardResult[];
  failed: number;
  patchesPerSecond: number;
  /** Set when the task ran several sessions (child processes): one entry per session. */
  sessions?: SessionOutcome[];
}

/** Per slide, Tᵀ of the Macenko transfer matrix as float32 row-major 3x3 (fed per patch). */
function stainMatrices(plan: PlanFile): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  const target = plan.params.stain?.target;
  for (const s of plan.slides) {
    if (!s.stain || !target) continue;
    const t = transferMatrix(s.stain, target);
    out.set(s.id, Float32Array.from([0, 1, 2].flatMap((i) => [0, 1, 2].map((j) => t[j][i]))));
  }
  return out;
}

export async function runInfer(o: InferRunOptions): Promise<InferRunResult> {
  const env = o.env ?? process.env;
  const paths = runPaths(o.run);
  const plan = await readPlan(paths.plan);
  const task = resolveTaskId(o.task, env, plan.tasks.pack.length);
  const device = expectOneOf('device', o.device ?? INFER_DEFAULTS.device, ['auto', 'cpu', 'cuda'] as const);
  const method = expectOneOf('method', o.method ?? INFER_DEFAULTS.method, INFER_METHODS);
  const batchSize = expectPositiveInt('batchSize', o.batchSize ?? INFER_DEFAULTS.batchSize);
  const featuresDtype = expectOneOf('featuresDtype', o.featuresDtype ?? INFER_DEFAULTS.featuresDtype, FEATURES_DTYPE_CHOICES);
  // Before the model loads: a batch that cannot fit in memory is refused with the figure.
  const memory = checkBatchMemory(batchSize, plan.params.grid.patchSizePx);
  if (memory.warning) o.onWarning?.(memory.warning);
  if (o.threads !== undefined) expectPositiveInt('threads', o.threads);
  const modelPath = resolve(o.model);
  const bytes = await readFile(modelPath).catch((err) => {
    throw new WsiHpcError('MODEL_INVALID', `${modelPath}: cannot read the model (${(err as NodeJS.ErrnoException).code ?? err})`, {
      file: modelPath,
      cause: err,
    });
  });
  const card = await readModelCard(modelPath, o.card);
  const { externalData } = await validateModelForInfer({
    file: modelPath,
    cardFile: o.card,
    bytes,
    card,
    hasStainNorm: plan.params.stain !== null,
  });
  // Decided before any session opens: `--method dense` that cannot run stops here (exit 2).
  const chosen = resolveMethod(plan, new Uint8Array(bytes), card, modelPath, method);
  const shardIndexes = taskShards(plan, task, o.shards);
  const slots = o.shards
    ? []
    : splitSessions({
        shards: shardIndexes.map((i) => ({ index: i, patches: plan.shards.list[i].patches })),
        device,
        sessions: o.sessions === undefined ? undefined : expectPositiveInt('sessions', o.sessions),
        gpuIds: visibleGpuIds(env),
        threads: chooseThreads(o.threads, env).threads,
      });
  if (slots.length > 1) {
    const startedAt = new Date();
    const outcomes = await runSessions(slots, {
      run: paths.root,
      model: modelPath,
      card: o.card === undefined ? undefined : resolve(o.card),
      task,
      device,
      batchSize,
      method,
      featuresDtype,
      env,
      shardIds: plan.shards.list.map((s) => s.id),
      onWarning: o.onWarning,
    });
    // Every session stopped by the same error before any shard (--device cuda without CUDA): the task fails as one would.
    const first = outcomes[0].error;
    if (first && outcomes.every((s) => s.error?.code === first.code))
      throw new WsiHpcError(first.code as ErrorCode, `${outcomes.length} sessions: ${first.message}`, { hint: first.hint });
    return finishTask(paths, plan, task, startedAt, mergeSessions(outcomes, { model: modelPath, task, batchSize, chosen }));
  }
  const hasStainNorm = plan.params.stain !== null;
  const dense = chosen.method === 'dense' ? convertToDense(new Uint8Array(bytes), card, modelPath) : null;
  const wrapped = dense
    ? wrapModel(dense.bytes, dense.card, modelPath, { hasStainNorm, isDense: true })
    : wrapModel(new Uint8Array(bytes), card, modelPath, { hasStainNorm });
  const stainBySlide = plan.params.stain ? stainMatrices(plan) : null;
  // Weights saved beside the model as external data are found by ONNX Runtime, never read into JavaScript.
  const choice = await openSession(wrapped.bytes, { device, threads: o.threads, env, externalDataDir: dirname(modelPath) }).catch((err) => {
    // --device cuda without a usable CUDA provider fails the task as itself (CUDA_UNAVAILABLE), not as a bad model.
    if (err instanceof WsiHpcError) throw err;
    throw new WsiHpcError('MODEL_INVALID', `${modelPath}: ONNX Runtime could not load the model: ${(err as Error).message}`, {
      file: modelPath,
      cause: err,
    });
  });
  if (choice.warning) o.onWarning?.(choice.warning);
  const total = shardIndexes.reduce((n, i) => n + plan.shards.list[i].patches, 0);
  let done = 0;
  const startedAt = new Date();
  const shards: InferShardResult[] = [];
  const ctx = {
    plan,
    runRoot: paths.root,
    choice,
    inputName: wrapped.inputName,
    stainBySlide,
    outputName: wrapped.outputName,
    card,
    modelSha256: await modelDigest(bytes, externalData, dirname(modelPath)),
    cardSha256: hashJson(card),
    batchSize,
    method: chosen.method,
    featuresDtype,
    totalStridePx: dense?.totalStridePx ?? null,
    onPatches: (n: number) => {
      done += n;
      o.onPatches?.(done, total);
    },
  };
  try {
    watchStopSignal();
    for (const i of shardIndexes) {
      if (isStopRequested()) break;
      shards.push(await inferShard(plan.shards.list[i], ctx, { env }));
    }
  } finally {
    await choice.session.release();
  }
  // Shards not reached after a stop signal count as failed, so the task is resubmitted.
  const failed = shards.filter((s) => s.status === 'failed').length + (shardIndexes.length - shards.length);
  const result: InferRunResult = {
    task,
    model: modelPath,
    provider: choice.provider,
    threads: choice.threads,
    batchSize,
    reason: choice.reason,
    method: chosen.method,
    methodReason: chosen.reason,
    warning: choice.warning,
    shards,
    failed,
    patchesPerSecond: patchesPerSecond(shards),
  };
  // A session's child (--shards) leaves the task marker to its parent.
  return o.shards ? result : finishTask(paths, plan, task, startedAt, result);
}
