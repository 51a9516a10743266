// The text `plan` prints after planning (without --json): the per-slide table, totals, skipped entries,
// shards, the window layout and the cost by method. Pure formatting over the plan run's result.
import type { PlanSlide } from '../plan/index.js';
import type { PlanRunResult } from '../stages/plan/index.js';
import { formatBytes } from './format.js';
import { formatPlanCost } from './plan-cost.js';
import { formatTable } from './table.js';

export function slideRow(s: PlanSlide): string[] {
  const g = s.grid;
  return [
    s.name,
    s.info ? `${s.info.width}x${s.info.height}` : '-',
    s.info ? (s.info.backend ?? 'native') : '-',
    s.info?.mpp ? `${s.info.mpp.toFixed(3)}${s.info.mppSource === 'override' ? '*' : ''}` : '-',
    g ? `${g.level}${g.isResampled ? ` (${g.readSizePx}px)` : ''}` : '-',
    s.tissue ? `${(s.tissue.tissueFraction * 100).toFixed(1)}%` : '-',
    g ? String(g.count) : '-',
    s.status === 'failed' ? `FAILED ${s.error?.code}: ${s.error?.message}` : s.status,
  ];
}

/** Everything `plan` prints on stdout for a planned (or dry-run) cohort. */
export function formatPlanText(result: PlanRunResult): string {
  const { plan } = result;
  const parts: string[] = [];
  const rows = plan.slides.map(slideRow);
  parts.push(formatTable(['slide', 'size', 'backend', 'mpp', 'level', 'tissue', 'patches', 'status'], rows));
  const t = plan.totals;
  parts.push(
    `\n${t.slides} slides: ${t.planned} planned, ${t.failed} failed; ${t.patches} patches` +
      `${result.reused.length ? `; ${result.reused.length} unchanged and reused` : ''}\n`,
  );
  if (result.skipped.length > 0) {
    const lines = result.skipped.map((e) => `  ${e.path}: ${e.detail}\n`).join('');
    parts.push(`skipped ${result.skipped.length} folder entr${result.skipped.length === 1 ? 'y' : 'ies'}:\n${lines}`);
  }
  parts.push(
    `${t.shards} shards of about ${plan.shards.targetPatches} ${plan.params.windows ? 'positions' : 'patches'} (${formatBytes(t.bytes)} of pixels, largest/mean ${plan.shards.maxOverMean.toFixed(3)}), ` +
      `${plan.tasks.pack.length} pack tasks of ${plan.params.shards.shardsPerTask} shard(s)\n`,
  );
  const win = plan.params.windows;
  if (win) {
    parts.push(
      `layout: ${t.windows ?? 0} windows of ${win.positions} x ${win.positions} positions, ${win.sidePx} px on a side ` +
        `(k ${win.source === 'auto' ? 'chosen by the planner' : 'from --window-positions'}; bytes largest/mean ${(plan.shards.bytesMaxOverMean ?? 1).toFixed(3)})\n`,
    );
  }
  parts.push(formatPlanCost(plan));
  parts.push(
    result.isDryRun
      ? `dry run: nothing written; after planning, \`wsi-hpc submit RUN --model M --dry-run\` prints every sbatch script and command line\n`
      : `plan: ${result.planFile}\n`,
  );
  return parts.join('');
}
