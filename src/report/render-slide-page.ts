// One slide's own page (report/slides/<id>.html): facts, metadata, scores, errors and failed units,
// and its QC, mask and heatmap pictures referenced from the run folder (loaded only when opened). Pure.
import { colourFor } from '../heatmap/index.js';
import { type ReportLayout, renderDocument } from './document.js';
import { escapeHtml } from './escape.js';
import { badge, figure, fmtInt, fmtNum, fmtPercent, h } from './html-parts.js';
import { slideState, urlPath } from './render-slides.js';
import type { ReportModel, ReportSlide } from './types.js';

function sizeOf(s: ReportSlide): string {
  return s.width !== null && s.height !== null ? `${fmtInt(s.width)} × ${fmtInt(s.height)} px` : '–';
}

function renderFacts(s: ReportSlide, topK: string, metadataColumns: string[]): string {
  const facts: Array<[string, string]> = [
    ['id', s.id],
    ['format', s.format ?? '–'],
    ['size', sizeOf(s)],
    ['MPP', s.mpp === null ? '–' : `${fmtNum(s.mpp, 4)} µm/px`],
    ['tissue', fmtPercent(s.tissueFraction)],
    ['patches', fmtInt(s.patches)],
    ['max', fmtNum(s.scores?.max, 3)],
    [topK, fmtNum(s.scores?.topKMean, 3)],
    ['mean', fmtNum(s.scores?.mean, 3)],
    ['regions', fmtInt(s.scores?.regions)],
    ...metadataColumns.map((c): [string, string] => [c, s.metadata[c] ?? '–']),
  ];
  return `<dl class="facts">${facts.map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd></div>`).join('')}</dl>`;
}

function renderErrors(s: ReportSlide): string {
  const error = s.error
    ? `<div class="error" role="alert"><strong>${escapeHtml(s.error.code)}</strong>: ${escapeHtml(s.error.message)}${
        s.error.hint ? `<br><span class="hint">hint: ${escapeHtml(s.error.hint)}</span>` : ''
      }</div>`
    : '';
  const units = s.failures.map(
    (f) => `<li><strong>${escapeHtml(f.stage)} ${escapeHtml(f.unit)}</strong>: ${escapeHtml(f.code)}: ${escapeHtml(f.message)}</li>`,
  );
  const merge = s.scores?.status === 'failed' ? '<li><strong>merge</strong>: failed for this slide (scores.csv)</li>' : '';
  return `${error}${units.length || merge ? `<ul class="error failures">${merge}${units.join('')}</ul>` : ''}`;
}

// The heatmap colour scale as a CSS gradient from merge's own colour map.
function renderLegend(): string {
  const stops = [0, 0.25, 0.5, 0.75, 1].map((v) => `rgb(${colourFor(v).join(',')}) ${v * 100}%`);
  return `<div class="legend"><span>heatmap: probability 0</span><span class="ramp" style="background: linear-gradient(to right, ${stops.join(', ')})"></span><span>1</span></div>`;
}

export interface SlidePageContext {
  layout: ReportLayout;
  /** k label of the run's top-k column, e.g. `top-10 mean`. */
  topK: string;
  metadataColumns: string[];
  /** Neighbours in plan order, for the previous/next links. */
  previous: ReportSlide | null;
  next: ReportSlide | null;
  index: number;
  count: number;
}

/** The page of `s`; no clock in it, so an unchanged slide gives the same bytes on the next run. */
export function renderSlidePage(model: Pick<ReportModel, 'title' | 'reportVersion'>, s: ReportSlide, c: SlidePageContext): string {
  const state = slideState(s);
  const kind = state === 'merged' ? 'ok' : state === 'failed' ? 'failed' : 'missing';
  const run = urlPath(c.layout.runHref);
  const src = (p: string | null) => (p === null ? null : `${run}/${urlPath(p)}`);
  const page = (x: ReportSlide) => `${encodeURIComponent(x.id)}.html`;
  const nav = [
    `<a href="${escapeHtml(urlPath(c.layout.reportHref))}">← all slides</a>`,
    c.previous ? `<a rel="prev" href="${escapeHtml(page(c.previous))}">‹ ${escapeHtml(c.previous.name)}</a>` : '',
    c.next ? `<a rel="next" href="${escapeHtml(page(c.next))}">${escapeHtml(c.next.name)} ›</a>` : '',
  ].join('');
  // A slide that failed planning has no pictures at all; its page is the error.
  const figures =
    s.status === 'failed'
      ? ''
      : `<div class="figures">${[
          figure(src(s.images.qc), 'QC: tissue outline (green) and kept patches (blue)', `QC of ${s.name}`, 'no QC picture'),
          figure(src(s.images.mask), 'tissue mask', `tissue mask of ${s.name}`, 'no mask'),
          figure(src(s.images.heatmap), 'heatmap overlay (tumour probability, see legend)', `heatmap of ${s.name}`, 'not merged yet'),
        ]
          .map(h)
          .join('')}</div>${renderLegend()}`;
  const body = `<header class="page"><h1>${escapeHtml(s.name)}</h1><p>${escapeHtml(model.title)} · slide ${fmtInt(c.index + 1)} of ${fmtInt(c.count)}</p></header>
<nav>${nav}</nav>
<main>
<article class="slide-card ${kind}" data-slide-id="${escapeHtml(s.id)}">
<header><h2 class="slide-name">${escapeHtml(s.name)}</h2>${h(badge(state, kind))}</header>
<p class="path">${escapeHtml(s.path)}</p>
${renderErrors(s)}${renderFacts(s, c.topK, c.metadataColumns)}
${figures}
</article>
</main>
<footer>Pictures are the run folder's own files, by relative path: keep this page inside the run folder.</footer>`;
  return renderDocument({ title: `${s.name}: ${model.title}`, generator: `wsi-hpc ${model.reportVersion}`, body, allowLocalImages: true });
}
