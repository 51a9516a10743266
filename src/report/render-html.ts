// The whole report page from a ReportModel. Pure: no fs, no clock. One HTML document with an
// inline stylesheet, images as data: URIs, no scripts, and a CSP that forbids any fetch.
import { formatBytes } from '../cli/format.js';
import { escapeHtml } from './escape.js';
import { badge, fmtCell, fmtInt, h, table } from './html-parts.js';
import { renderSlides } from './render-slides.js';
import { renderStages } from './render-stages.js';
import { REPORT_CSS } from './styles.js';
import type { ReportModel, ReportRun, ReportStudy } from './types.js';

// Nothing may load from outside the file: images are data: URIs, the style is inline, scripts are off.
const CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

function renderSummary(run: ReportRun): string {
  const t = run.totals;
  const tiles: Array<[string, string]> = [
    ['slides', fmtInt(t.slides)],
    ['planned', fmtInt(t.planned)],
    ['failed slides', fmtInt(t.failed)],
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
<div class="totals">${tiles.map(([k, v]) => `<div${k === 'failed slides' && t.failed ? ' class="bad"' : ''}><strong>${escapeHtml(v)}</strong><span>${escapeHtml(k)}</span></div>`).join('')}</div>
<p>${stageBadges.join(' ')}</p>
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

export function renderHtml(model: ReportModel): string {
  const run = model.run;
  const nav = [
    run ? '<a href="#summary">Summary</a><a href="#slides">Slides</a><a href="#stages">Stages</a>' : '',
    model.study ? '<a href="#study">Study</a>' : '',
  ].join('');
  const sections = [
    run ? renderSummary(run) : '',
    run ? renderSlides(run.slides) : '',
    run ? renderStages(run.stages, run.hasJobs) : '',
    model.study ? renderStudy(model.study) : '',
  ]
    .filter(Boolean)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="wsi-hpc ${escapeHtml(model.reportVersion)}">
<title>${escapeHtml(model.title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header class="page"><h1>${escapeHtml(model.title)}</h1><p>${escapeHtml(model.folder)} · generated ${escapeHtml(model.generatedAt)} by wsi-hpc ${escapeHtml(model.reportVersion)}</p></header>
<nav>${nav}</nav>
<main>
${sections}
</main>
<footer>Self-contained: every picture is embedded; log links are relative to the run folder.</footer>
</body>
</html>
`;
}
