// One study configuration: plan -> pack -> infer -> merge in its own folder, timed. Timings are
// stored in timings.json once all four stages ran in full; a rerun with the same inputs reuses them
// (reported as reused), and any other rerun starts from an empty folder so nothing is skipped.
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

/** timings.json of a configuration folder. */
export interface StoredTimings {
  schemaVersion: 1;
  /** Hash of what the timings depend on: configuration, model file, slides, tool version. */
  fingerprint: string;
  measuredAt: string;
  stages: StageTiming[];
}

export interface ConfigRun {
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

async function fingerprintOf(cfg: StudyConfig, model: string, slides: string[], grid: object): Promise<string> {
  const files = await Promise.all(
    [model, ...slides].map(async (path) => {
      const st = await stat(path);
      return { path: resolve(path), size: st.size, mtimeMs: Math.trunc(st.mtimeMs) };
    }),
  );
  return hashJson({ cfg: { ...cfg, name: undefined }, grid, files, tool: TOOL_VERSION });
}

async function readStoredTimings(file: string): Promise<StoredTimings | null> {
  try {
    const t = JSON.parse(await readFile(file, 'utf8')) as StoredTimings;
    return t.schemaVersion === 1 && Array.isArray(t.stages) && t.stages.length === 4 ? t : null;
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
  const fingerprint = await fingerprintOf(cfg, model, slides, grid);
  const timingsFile = join(dir, 'timings.json');
  const stored = await readStoredTimings(timingsFile);
  const planExists = await stat(runPaths(dir).plan).then(
    () => true,
    () => false,
  );
  if (stored?.fingerprint === fingerprint && planExists) {
    return { stride, mpp, stages: stored.stages, isReused: true, measuredAt: stored.measuredAt };
  }
  // Anything else left here (another configuration, an interrupted run) would let stages skip work.
  await rm(dir, { recursive: true, force: true });
  const stages = [
    await measure('plan', () => runPlan({ inputs: slides, out: dir, grid, shards: { patchesPerShard: 4000 } })),
    await measure('pack', () => runPack({ run: dir, env: {} })),
    await measure('infer', () =>
      runInfer({ run: dir, model, env: {}, threads: cfg.threads ?? undefined, batchSize: cfg.batch ?? undefined, device: 'cpu' }),
    ),
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
  const timings: StoredTimings = { schemaVersion: 1, fingerprint, measuredAt, stages };
  await writeFileAtomic(timingsFile, `${JSON.stringify(timings, null, 1)}\n`);
  return { stride, mpp, stages, isReused: false, measuredAt };
}
