// The per-stage part of the report: for pack, infer and merge one row per unit (shard or run)
// with status, duration, device and throughput, error and SLURM log link; failures highlighted.
// A stage of many units starts collapsed (its summary line keeps the counts) so big runs open fast.
import { escapeHref, escapeHtml } from './escape.js';
import { badge, fmtInt, fmtNum, h, raw, table, type Html } from './html-parts.js';
import type { ReportStage, ReportUnit } from './types.js';

/** Stages with more units than this start collapsed. */
export const OPEN_STAGE_MAX_UNITS = 50;

const STATUS_KIND = { done: 'ok', failed: 'failed', missing: 'missing' } as const;
const STATUS_TEXT = { done: 'done', failed: 'failed', missing: 'not run' } as const;

function logCell(u: ReportUnit, hasJobs: boolean): Html | string {
  if (!u.log) return hasJobs ? 'no job' : '–';
  const text = `${u.log.href.split('/').pop()}`;
  return u.log.exists
    ? raw(`<a class="log" href="${escapeHref(u.log.href)}">${escapeHtml(text)}</a>`)
    : raw(`<span class="log missing" title="not written (yet)">${escapeHtml(text)}</span>`);
}

function errorCell(u: ReportUnit): Html | string {
  if (!u.error) return '';
  return raw(`<span class="error-text"><strong>${escapeHtml(u.error.code)}</strong>: ${escapeHtml(u.error.message)}</span>`);
}

function renderStage(s: ReportStage, hasJobs: boolean): string {
  const isInfer = s.stage === 'infer';
  const headers = [
    'unit',
    'task',
    'status',
    'seconds',
    'host',
    'patches',
    'patches/s',
    ...(isInfer ? ['device', 'threads', 'batch'] : []),
    'error',
    'log',
  ];
  const rows = s.units.map((u) => [
    u.unit,
    u.task === null ? '–' : String(u.task),
    badge(STATUS_TEXT[u.status], STATUS_KIND[u.status]),
    fmtNum(u.seconds, 2),
    u.host ?? '–',
    fmtInt(u.patches),
    fmtNum(u.patchesPerSecond, 1),
    ...(isInfer ? [u.provider ?? '–', fmtInt(u.threads), fmtInt(u.batchSize)] : []),
    errorCell(u),
    logCell(u, hasJobs),
  ]);
  const numeric = isInfer ? [3, 5, 6, 8, 9] : [3, 5, 6];
  const c = s.counts;
  const summary = `${c.done} done · ${c.failed} failed · ${c.missing} not run · ${fmtNum(s.totalSeconds, 1)} s in total`;
  const isOpen = s.units.length <= OPEN_STAGE_MAX_UNITS;
  return `<section class="stage${c.failed ? ' has-failures' : ''}" id="stage-${s.stage}" data-stage="${s.stage}">
<h3>${escapeHtml(s.stage)} <span class="stage-summary">${escapeHtml(summary)}</span></h3>
<details class="units"${isOpen ? ' open' : ''}><summary>${fmtInt(s.units.length)} unit(s)${c.failed ? `, ${fmtInt(c.failed)} failed` : ''}</summary>
${h(table(headers, rows, { className: 'units', numeric, rowClasses: s.units.map((u) => (u.status === 'failed' ? 'failed' : null)) }))}
</details>
</section>`;
}

export function renderStages(stages: ReportStage[], hasJobs: boolean): string {
  const note = hasJobs
    ? 'Log links point at logs/&lt;stage&gt;/&lt;job&gt;_&lt;index&gt;.out of the latest SLURM submission (slurm/jobs.json).'
    : 'Run without SLURM (no slurm/jobs.json): no job logs.';
  return `<section id="stages"><h2>Stages</h2><p class="note">${note}</p>
${stages.map((s) => renderStage(s, hasJobs)).join('\n')}
</section>`;
}
