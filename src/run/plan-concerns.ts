// Plausibility of a plan in its run folder (plan warns, submit refuses without --force): the pure
// checks of plan/estimate.ts fed with the free space of the run folder and the shards not yet written.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { planConcerns, type PlanConcern, type PlanFile } from '../plan/index.js';
import { freeBytes } from './disk-space.js';
import { runPaths } from './paths.js';

/** The concerns of planConcerns for a plan in `runDir`: free space against the shards not yet written. */
export async function planConcernsFor(plan: PlanFile, runDir: string): Promise<PlanConcern[]> {
  const paths = runPaths(resolve(runDir));
  const bytesToWrite = plan.shards.list.filter((s) => !existsSync(paths.shard(s.id))).reduce((n, s) => n + s.expectedBytes, 0);
  return planConcerns({
    patchSizePx: plan.params.grid.patchSizePx,
    stridePx: plan.params.grid.stridePx,
    slides: plan.slides.map((s) => ({ name: s.name, patches: s.grid?.count ?? 0 })),
    totalPatches: plan.totals.patches,
    bytesToWrite,
    isCompressed: plan.params.pack.compression.codec !== 'none',
    freeBytes: await freeBytes(paths.root),
    runDir: paths.root,
    isWindowPlan: Boolean(plan.params.windows),
  });
}
