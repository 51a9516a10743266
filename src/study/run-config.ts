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

/** What a configuration plans: its grid and layout, from the configuration and the model card. */
export interface ConfigSetup {
  stride: number;
  mpp: number;
  grid: { patchSizePx: number; targetMpp: number; stridePx: number };
  layout: LayoutChoice;
}

export function configSetup(cfg: StudyConfig, card: ModelCard, fallbackMpp: number): ConfigSetup {
  const stride = cfg.stride ?? card.patchSizePx;
  const mpp = cfg.mpp ?? card.mpp ?? fallbackMpp;
  // Dense inference runs on tissue windows: a dense configuration plans windows even at a stride of a
  // patch or more (as a user would with `plan --layout windows`); the others plan as `plan` does.
  const layout: LayoutChoice = cfg.method === 'dense' ? 'windows' : 'auto';
  return { stride, mpp, grid: { patchSizePx: card.patchSizePx, targetMpp: mpp, stridePx: stride }, layout };
}

/** Hash of what a configuration's timings depend on; `executor` holds how it ran (local: nothing). */
export async function fingerprintOf(
  cfg: StudyConfig,
  model: string,
  slides: string[],
  setup: ConfigSetup,
  executor: object = {},
): Promise<string> {
  const files = await Promise.all(
    [model, ...slides].map(async (path) => {
      const st = await stat(path);
      return { path: resolve(path), size: st.size, mtimeMs: Math.trunc(st.mtimeMs) };
    }),
  );
  const { grid, layout } = setup;
  return hashJson({ cfg: { ...cfg, name: undefined }, grid, layout, files, tool: TOOL_VERSION, ...executor });
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

/** The stored run of `dir` when its timings have this fingerprint and its plan is there; else null. */
export async function storedRun(dir: string, fingerprint: string, setup: ConfigSetup): Promise<ConfigRun | null> {
  const stored = await readStoredTimings(join(dir, 'timings.json'));
  const planExists = await stat(runPaths(dir).plan).then(
    () => true,
    () => false,
  );
  if (stored?.fingerprint !== fingerprint || !planExists) return null;
  const { method, methodReason } = stored;
  return {
    stride: setup.stride,
    mpp: setup.mpp,
    method,
    methodReason,
    stages: stored.stages,
    isReused: true,
    measuredAt: stored.measuredAt,
  };
}

/** Refuses a configuration with shards not inferred; else stores its timings (timings.json) and returns its run. */
export async function finishConfig(
  cfg: StudyConfig,
  dir: string,
  fingerprint: string,
  setup: ConfigSetup,
  used: MethodUsed,
  stages: StageTiming[],
): Promise<ConfigRun> {
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
  await writeFileAtomic(join(dir, 'timings.json'), `${JSON.stringify(timings, null, 1)}\n`);
  return { stride: setup.stride, mpp: setup.mpp, method, methodReason, stages, isReused: false, measuredAt };
}

/** The plan stage of a configuration, measured here (both executors plan on this machine). */
export function measurePlan(slides: string[], dir: string, setup: ConfigSetup): Promise<StageTiming> {
  const { grid, layout } = setup;
  return measure('plan', () => runPlan({ inputs: slides, out: dir, grid, layout, shards: { patchesPerShard: 4000 } }));
}

/** Run (or reuse) configuration `cfg` in `dir`, a folder the study owns, on this machine. */
export async function runConfig(
  cfg: StudyConfig,
  slides: string[],
  model: string,
  card: ModelCard,
  dir: string,
  fallbackMpp: number,
): Promise<ConfigRun> {
  const setup = configSetup(cfg, card, fallbackMpp);
  const fingerprint = await fingerprintOf(cfg, model, slides, setup);
  const stored = await storedRun(dir, fingerprint, setup);
  if (stored) return stored;
  // Anything else left here (another configuration, an interrupted run) would let stages skip work.
  await rm(dir, { recursive: true, force: true });
  const used: MethodUsed = { method: 'sliding', methodReason: '' };
  const stages = [
    await measurePlan(slides, dir, setup),
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
  return finishConfig(cfg, dir, fingerprint, setup, used, stages);
}
