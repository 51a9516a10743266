// The cost lines `plan` prints (and its --json `estimate`): core-hours per stage from the measured
// rates of src/plan/estimate.ts; window plans by method (sliding, dense), beside the published
// stride-16 CAMELYON16 figure. Pure formatting over the plan.
import { PUBLISHED_STRIDE16, estimateCost, estimateWindowCost, type PlanFile } from '../plan/index.js';

export interface PlanCost {
  layout: 'patches' | 'windows';
  packCoreHours: number;
  /** Inference by method; patch plans have sliding only. */
  inferCoreHours: { sliding: number; dense: number | null };
  totalCoreHours: { sliding: number; dense: number | null };
  /** The published stride-16 figures the projection (per slide, scaled to its 399 slides) is printed beside. */
  published: typeof PUBLISHED_STRIDE16;
}

export function planCost(plan: PlanFile): PlanCost {
  const t = plan.totals;
  const win = plan.params.windows;
  if (!win) {
    const c = estimateCost(t.patches);
    return {
      layout: 'patches',
      packCoreHours: c.packCoreHours,
      inferCoreHours: { sliding: c.inferCoreHours, dense: null },
      totalCoreHours: { sliding: c.totalCoreHours, dense: null },
      published: PUBLISHED_STRIDE16,
    };
  }
  const w = estimateWindowCost({ positions: t.patches, windows: t.windows ?? 0, sidePx: win.sidePx, stridePx: plan.params.grid.stridePx });
  return {
    layout: 'windows',
    packCoreHours: w.packCoreHours,
    inferCoreHours: { sliding: w.slidingCoreHours, dense: w.denseCoreHours },
    totalCoreHours: { sliding: w.packCoreHours + w.slidingCoreHours, dense: w.packCoreHours + w.denseCoreHours },
    published: PUBLISHED_STRIDE16,
  };
}

const h = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toFixed(3));

/** The lines printed under the plan's table. */
export function formatPlanCost(plan: PlanFile, cost = planCost(plan)): string {
  const tasks = `array tasks 0-${Math.max(0, plan.tasks.pack.length - 1)} per stage`;
  const rates = 'GoogLeNet-size model on CPU at the rates in bench/RESULTS.md';
  if (cost.inferCoreHours.dense === null) {
    return `estimated cost: pack ${h(cost.packCoreHours)} + infer ${h(cost.inferCoreHours.sliding)} = ${h(cost.totalCoreHours.sliding)} core-hours (${rates}); ${tasks}\n`;
  }
  const p = cost.published;
  const dense = cost.totalCoreHours.dense as number;
  const sliding = cost.totalCoreHours.sliding;
  // Per slide, then scaled to the published cohort: the comparison the paper's figure allows.
  const n = Math.max(1, plan.totals.planned);
  const cohort = (v: number) => (v / n) * p.slides;
  const cores = p.cores.toLocaleString('en-US');
  return (
    `estimated cost: pack ${h(cost.packCoreHours)} + infer dense ${h(cost.inferCoreHours.dense)} = ${h(dense)} core-hours ` +
    `(sliding: ${h(sliding)}) (${rates}); ${tasks}\n` +
    `  ${p.slides} slides like these: dense ${h(cohort(dense))} core-hours (${h(cohort(dense) / p.cores)} h on ${cores} cores), ` +
    `sliding ${h(cohort(sliding))} core-hours; published stride-16 CAMELYON16: ${p.coreHours.toLocaleString('en-US')} core-hours, ${p.wallHours} h on ${cores} cores\n`
  );
}
