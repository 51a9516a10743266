// The first page, report.html, from a ReportModel: run summary, the sortable and filterable slide
// table (an inline JSON blob and one hashed inline script), stages and study. No slide pictures
// here: each slide's pictures are on its own page (render-slide-page.ts). Pure: no fs, no clock.
import { formatBytes } from '../cli/format.js';
import { DEFAULT_LAYOUT, type ReportLayout, renderDocument } from './document.js';
import { escapeHtml } from './escape.js';
import { badge, fmtCell, fmtInt, h, table } from './html-parts.js';
import { renderScoreHistogram } from './render-chart.js';
import { renderSlideTable, slideState } from './render-slides.js';
import { renderStages } from './render-stages.js';
import { TABLE_SCRIPT } from './table-script.js';
import type { ReportModel, ReportRun, ReportStudy } from './types.js';

function renderSummary(run: ReportRun): string {
  const t = run.totals;
  const states = run.slides.map(slideState);
  const tiles: Array<[string, string]> = [
    ['slides', fmtInt(t.slides)],
    ['planned', fmtInt(t.planned)],
    ['merged', fmtInt(states.filter((x) => x === 'merged').length)],
    ['failed slides', fmtInt(states.filter((x) => x === 'failed').length)],
    ['patches', fmtInt(t.patches)],
    ['shards', fmtInt(t.shards)],
    ['array tasks', fmtInt(run.tasks)],
    ['patch pixels', formatBytes(t.bytes)],
  ];
  const stageBadges = run.stages.map((s) => {
    const kind = s.counts.failed ? 'failed' : s.counts.missing ? 'missing' : 'ok';
    return h(badge(`${s.stage}: ${s.counts.done}/${s.units.length} done${s.counts.failed ? `, ${s.counts.failed} failed` : ''}`, kind));
  });
  return `<section id="summary"><h2>Run summary</h2>
<div class="totals">${tiles.map(([k, v]) => `<div${k === 'failed slides' && v !== '0' ? ' class="bad"' : ''}><strong>${escapeHtml(v)}</strong><span>${escapeHtml(k)}</span></div>`).join('')}</div>
<p>${stageBadges.join(' ')}</p>
${renderScoreHistogram(run.slides)}
<p>plan hash <span class="hash">${escapeHtml(run.planHash)}</span><br>parameters hash <span class="hash">${escapeHtml(run.paramsHash)}</span><br>planned by wsi-hpc ${escapeHtml(run.toolVersion)}</p>
<details><summary>Plan parameters (${run.params.length})</summary>${h(table(['parameter', 'value'], run.params, { className: 'params' }))}</details>
</section>`;
}

function renderStudy(study: ReportStudy): string {
  const plot = study.frontier
    ? `<figure class="study-plot"><img class="plot" src="${study.frontier.dataUri}" width="${study.frontier.width}" height="${study.frontier.height}" alt="accuracy against cost frontier"><figcaption>accuracy against cost (frontier)</figcaption></figure>`
    : '<p class="note">No frontier plot in the study folder.</p>';
  const rows = study.rows.map((r) => study.columns.map((c) => fmtCell(r[c])));
  const numeric = study.columns.map((c, i) => (study.rows.some((r) => typeof r[c] === 'number') ? i : -1)).filter((i) => i >= 0);
  const body = study.rows.length
    ? h(table(study.columns, rows, { className: 'study-table', numeric }))
    : '<p class="note">study.json has no table rows.</p>';
  return `<section id="study"><h2>Study (${study.rows.length} configurations)</h2>
${body}
${plot}
</section>`;
}

/** report.html; `layout` says where the per-slide pages are (RUN/report/slides by default). */
export function renderHtml(model: ReportModel, layout: ReportLayout = DEFAULT_LAYOUT): string {
  const run = model.run;
  const nav = [
    run ? '<a href="#summary">Summary</a><a href="#slides">Slides</a><a href="#stages">Stages</a>' : '',
    model.study ? '<a href="#study">Study</a>' : '',
  ].join('');
  const sections = [
    run ? renderSummary(run) : '',
    run ? renderSlideTable(run, layout.slidesHref) : '',
    run ? renderStages(run.stages, run.hasJobs) : '',
    model.study ? renderStudy(model.study) : '',
  ]
    .filter(Boolean)
    .join('\n');
  const body = `<header class="page"><h1>${escapeHtml(model.title)}</h1><p>${escapeHtml(model.folder)} · generated ${escapeHtml(model.generatedAt)} by wsi-hpc ${escapeHtml(model.reportVersion)}</p></header>
<nav>${nav}</nav>
<main>
${sections}
</main>
<footer>Works offline from the run folder: one inline script, no network; each slide's pictures are on its own page; log links are relative to the run folder.</footer>`;
  return renderDocument({ title: model.title, generator: `wsi-hpc ${model.reportVersion}`, body, script: run ? TABLE_SCRIPT : undefined });
}
