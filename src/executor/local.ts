// The local executor: the same stages and tasks on this machine, with the same markers, so the
// outputs equal a SLURM run's. pack and infer run every task (bounded concurrency inside each).
import { resolve } from 'node:path';
import { WsiHpcError } from '../errors.js';
import { readPlan } from '../plan/index.js';
import { runPaths } from '../run/paths.js';
import { runInfer } from '../stages/infer/index.js';
import type { InferMethodRequest } from '../stages/infer/defaults.js';
import { runMerge } from '../stages/merge/index.js';
import { runPack } from '../stages/pack/index.js';
import type { Stage } from '../slurm/index.js';
import { normalizeStages } from './options.js';

export interface LocalRunOptions {
  run: string;
  model?: string;
  stages?: string[];
  threads?: number;
  batchSize?: number;
  /** Infer method for window shards (see stages/infer/method.ts). */
  method?: InferMethodRequest;
  onStage?: (stage: Stage) => void;
  onWarning?: (m: string) => void;
}

export interface LocalRunResult {
  stages: Array<{ stage: Stage; failed: number; detail: unknown }>;
  failed: number;
}

export interface LocalRunPlan {
  run: string;
  model: string | null;
  /** Per stage: the tasks it would run and the shards they cover (merge: one task over every slide). */
  stages: Array<{ stage: Stage; tasks: number; shards: number }>;
}

/** What `runLocal` would do, for `run --dry-run`: reads the plan, runs and writes nothing. */
export async function planLocalRun(o: Pick<LocalRunOptions, 'run' | 'model' | 'stages'>): Promise<LocalRunPlan> {
  const stages = normalizeStages(o.stages);
  const run = resolve(o.run);
  if (stages.includes('infer') && !o.model) throw new WsiHpcError('INVALID_OPTION', 'The infer stage needs --model M.onnx');
  const plan = await readPlan(runPaths(run).plan);
  return {
    run,
    model: o.model ? resolve(o.model) : null,
    stages: stages.map((stage) =>
      stage === 'merge'
        ? { stage, tasks: 1, shards: plan.shards.list.length }
        : { stage, tasks: plan.tasks.pack.length, shards: plan.shards.list.length },
    ),
  };
}

export async function runLocal(o: LocalRunOptions): Promise<LocalRunResult> {
  const stages = normalizeStages(o.stages);
  const run = resolve(o.run);
  if (stages.includes('infer') && !o.model) throw new WsiHpcError('INVALID_OPTION', 'The infer stage needs --model M.onnx');
  const out: LocalRunResult = { stages: [], failed: 0 };
  // No SLURM task id: each stage runs every task of the run.
  const env = { ...process.env, SLURM_ARRAY_TASK_ID: undefined };
  for (const stage of stages) {
    o.onStage?.(stage);
    if (stage === 'pack') {
      const r = await runPack({ run, env });
      out.stages.push({ stage, failed: r.failed, detail: r });
    } else if (stage === 'infer') {
      const r = await runInfer({
        run,
        model: o.model as string,
        env,
        threads: o.threads,
        batchSize: o.batchSize,
        method: o.method,
        onWarning: o.onWarning,
      });
      out.stages.push({ stage, failed: r.failed, detail: r });
    } else {
      const r = await runMerge({ run });
      out.stages.push({ stage, failed: r.incomplete, detail: r });
    }
    if (out.stages[out.stages.length - 1].failed) break;
  }
  out.failed = out.stages.reduce((n, s) => n + s.failed, 0);
  return out;
}
