// One study configuration: plan -> pack -> infer(method) -> merge in its own folder, timed. Timings
// (and the method infer ran) are stored in timings.json once all four stages ran in full; a rerun with
// the same inputs reuses them (reported as reused), and any other rerun starts from an empty folder.
import { readFile, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { WsiHpcError } from '../errors.js';
import type { ModelCard } from '../model/index.js';
import { readPlan } from '../plan/index.js';
import { runPaths } from '../run/paths.js';
import { runInfer } from '../stages/infer/index.js';
import { runMerge } from '../stages/merge/index.js';
import { runPack } from '../stages/pack/index.js';
import { runPlan } from '../stages/plan/index.js';
import type { LayoutChoice } from '../stages/plan/window-params.js';
import { writeFileAtomic } from '../util/atomic.js';
import { hashJson } from '../util/hash.js';
import { TOOL_VERSION } from '../version.js';
import type { StudyConfig } from './configs.js';
import { describeIncompleteShards, findIncompleteShards } from './run-completeness.js';

export interface StageTiming {
  stage: 'plan' | 'pack' | 'infer' | 'merge';
  wallSeconds: number;
  coreSeconds: number;
}

/** The method infer ran and why (`auto` says which it chose). */
export interface MethodUsed {
  method: 'sliding' | 'dense';
  methodReason: string;
}

/** timings.json of a configuration folder (schema 1, without the method, is measured afresh). */
export interface StoredTimings extends MethodUsed {
  schemaVersion: 2;
  /** Hash of what the timings depend on: configuration (method included), model file, slides, tool version. */
  fingerprint: string;
  measuredAt: string;
  stages: StageTiming[];
}

export interface ConfigRun extends MethodUsed {
  stride: number;
  mpp: number;
  stages: StageTiming[];
  /** True when the timings are the stored ones of an earlier, complete run of this configuration. */
  isReused: boolean;
  measuredAt: string;
}

async function measure(stage: StageTiming['stage'], fn: () => Promise<unknown>): Promise<StageTiming> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const c = process.cpuUsage(c0);
  return { stage, wallSeconds: (performance.now() - t0) / 1000, coreSeconds: (c.user + c.system) / 1e6 };
}

async function fingerprintOf(cfg: StudyConfig, model: string, slides: string[], grid: object, layout: string): Promise<string> {
  const files = await Promise.all(
    [model, ...slides].map(async (path) => {
      const st = await stat(path);
      return { path: resolve(path), size: st.size, mtimeMs: Math.trunc(st.mtimeMs) };
    }),
  );
  return hashJson({ cfg: { ...cfg, name: undefined }, grid, layout, files, tool: TOOL_VERSION });
}

async function readStoredTimings(file: string): Promise<StoredTimings | null> {
  try {
    const t = JSON.parse(await readFile(file, 'utf8')) as StoredTimings;
    const hasMethod = (t.method === 'sliding' || t.method === 'dense') && typeof t.methodReason === 'string';
    return t.schemaVersion === 2 && hasMethod && Array.isArray(t.stages) && t.stages.length === 4 ? t : null;
  } catch {
    // No timings (first run, or a run interrupted before its end): measure afresh.
    return null;
  }
}

/** Run (or reuse) configuration `cfg` in `dir`, a folder the study owns. */
export async function runConfig(
  cfg: StudyConfig,
  slides: string[],
  model: string,
  card: ModelCard,
  dir: string,
  fallbackMpp: number,
): Promise<ConfigRun> {
  const stride = cfg.stride ?? card.patchSizePx;
  const mpp = cfg.mpp ?? card.mpp ?? fallbackMpp;
  const grid = { patchSizePx: card.patchSizePx, targetMpp: mpp, stridePx: stride };
  // Dense inference runs on tissue windows: a dense configuration plans windows even at a stride of a
  // patch or more (as a user would with `plan --layout windows`); the others plan as `plan` does.
  const layout: LayoutChoice = cfg.method === 'dense' ? 'windows' : 'auto';
  const fingerprint = await fingerprintOf(cfg, model, slides, grid, layout);
  const timingsFile = join(dir, 'timings.json');
  const stored = await readStoredTimings(timingsFile);
  const planExists = await stat(runPaths(dir).plan).then(
    () => true,
    () => false,
  );
  if (stored?.fingerprint === fingerprint && planExists) {
    const { method, methodReason } = stored;
    return { stride, mpp, method, methodReason, stages: stored.stages, isReused: true, measuredAt: stored.measuredAt };
  }
  // Anything else left here (another configuration, an interrupted run) would let stages skip work.
  await rm(dir, { recursive: true, force: true });
  const used: MethodUsed = { method: 'sliding', methodReason: '' };
  const stages = [
    await measure('plan', () => runPlan({ inputs: slides, out: dir, grid, layout, shards: { patchesPerShard: 4000 } })),
    await measure('pack', () => runPack({ run: dir, env: {} })),
    await measure('infer', async () => {
      const r = await runInfer({
        run: dir,
        model,
        env: {},
        threads: cfg.threads ?? undefined,
        batchSize: cfg.batch ?? undefined,
        method: cfg.method ?? undefined,
        device: 'cpu',
      });
      [used.method, used.methodReason] = [r.method, r.methodReason];
    }),
    await measure('merge', () => runMerge({ run: dir })),
  ];
  const incomplete = await findIncompleteShards(await readPlan(runPaths(dir).plan), runPaths(dir));
  if (incomplete.length > 0) {
    throw new WsiHpcError('RUN_INCOMPLETE', `${dir}: configuration ${cfg.name}: ${describeIncompleteShards(incomplete)}`, {
      file: dir,
      hint: 'Fix the cause shown, then run the study again (this configuration is measured afresh)',
    });
  }
  const measuredAt = new Date().toISOString();
  const { method, methodReason } = used;
  const timings: StoredTimings = { schemaVersion: 2, fingerprint, method, methodReason, measuredAt, stages };
  await writeFileAtomic(timingsFile, `${JSON.stringify(timings, null, 1)}\n`);
  return { stride, mpp, method, methodReason, stages, isReused: false, measuredAt };
}
