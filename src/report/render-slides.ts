// The per-slide part of the report: an overview table (one row per slide) and one card per slide
// with its facts, score, error and the QC, mask and heatmap pictures. Pure: model in, HTML out.
import { colourFor } from '../heatmap/index.js';
import { escapeHtml } from './escape.js';
import { badge, figure, fmtInt, fmtNum, fmtPercent, h, raw, table, type Html } from './html-parts.js';
import type { ReportSlide } from './types.js';

function anchor(s: ReportSlide): string {
  return `slide-${s.id}`;
}

// A slide is "failed" when planning failed or merge could not score it; "merged" when scored.
function slideState(s: ReportSlide): { text: string; kind: 'ok' | 'failed' | 'missing' } {
  if (s.status === 'failed') return { text: 'failed', kind: 'failed' };
  if (s.scores?.status === 'merged') return { text: 'merged', kind: 'ok' };
  if (s.scores?.status === 'failed') return { text: 'merge failed', kind: 'failed' };
  return { text: 'planned', kind: 'missing' };
}

function sizeOf(s: ReportSlide): string {
  return s.width !== null && s.height !== null ? `${fmtInt(s.width)} × ${fmtInt(s.height)}` : '–';
}

function topKLabel(slides: ReportSlide[]): string {
  const k = slides.find((s) => s.scores?.topK)?.scores?.topK;
  return k ? `top-${k} mean` : 'top-k mean';
}

function renderOverview(slides: ReportSlide[]): Html {
  const rows = slides.map((s) => {
    const st = slideState(s);
    return [
      raw(`<a href="#${escapeHtml(anchor(s))}" class="slide-name">${escapeHtml(s.name)}</a>`),
      badge(st.text, st.kind),
      sizeOf(s),
      fmtNum(s.mpp, 3),
      fmtPercent(s.tissueFraction),
      fmtInt(s.patches),
      fmtNum(s.scores?.max, 3),
      fmtNum(s.scores?.topKMean, 3),
      s.error ? `${s.error.code}: ${s.error.message}` : '',
    ];
  });
  return table(['slide', 'status', 'size (px)', 'MPP (µm/px)', 'tissue', 'patches', 'max', topKLabel(slides), 'error'], rows, {
    className: 'slides-table',
    rowClasses: slides.map((s) => (slideState(s).kind === 'failed' ? 'failed' : null)),
    numeric: [3, 4, 5, 6, 7],
  });
}

function renderFacts(s: ReportSlide, topK: string): string {
  const facts: Array<[string, string]> = [
    ['id', s.id],
    ['format', s.format ?? '–'],
    ['size', s.width === null ? '–' : `${sizeOf(s)} px`],
    ['MPP', s.mpp === null ? '–' : `${fmtNum(s.mpp, 4)} µm/px`],
    ['tissue', fmtPercent(s.tissueFraction)],
    ['patches', fmtInt(s.patches)],
    ['max', fmtNum(s.scores?.max, 3)],
    [topK, fmtNum(s.scores?.topKMean, 3)],
    ['regions', fmtInt(s.scores?.regions)],
  ];
  return `<dl class="facts">${facts.map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd></div>`).join('')}</dl>`;
}

function renderCard(s: ReportSlide, topK: string): string {
  const st = slideState(s);
  const error = s.error
    ? `<div class="error" role="alert"><strong>${escapeHtml(s.error.code)}</strong>: ${escapeHtml(s.error.message)}${
        s.error.hint ? `<br><span class="hint">hint: ${escapeHtml(s.error.hint)}</span>` : ''
      }</div>`
    : '';
  // A slide that failed planning has no pictures at all; its card is the error.
  const figures =
    s.status === 'failed'
      ? []
      : [
          figure(s.images.qc, 'QC: tissue outline (green) and kept patches (blue)', `QC of ${s.name}`, 'no QC picture'),
          figure(s.images.mask, 'tissue mask', `tissue mask of ${s.name}`, 'no mask'),
          figure(s.images.heatmap, 'heatmap overlay (tumour probability, see legend)', `heatmap of ${s.name}`, 'not merged yet'),
        ];
  return `<article class="slide-card ${st.kind}" id="${escapeHtml(anchor(s))}" data-slide-id="${escapeHtml(s.id)}">
<header><h3 class="slide-name">${escapeHtml(s.name)}</h3>${h(badge(st.text, st.kind))}</header>
<p class="path">${escapeHtml(s.path)}</p>
${error}${renderFacts(s, topK)}
${figures.length ? `<div class="figures">${figures.map(h).join('')}</div>` : ''}
</article>`;
}

// The heatmap colour scale as a CSS gradient from merge's own colour map.
function renderLegend(): string {
  const stops = [0, 0.25, 0.5, 0.75, 1].map((v) => `rgb(${colourFor(v).join(',')}) ${v * 100}%`);
  return `<div class="legend"><span>heatmap: probability 0</span><span class="ramp" style="background: linear-gradient(to right, ${stops.join(', ')})"></span><span>1</span></div>`;
}

export function renderSlides(slides: ReportSlide[]): string {
  const topK = topKLabel(slides);
  return `<section id="slides"><h2>Slides (${slides.length})</h2>
${h(renderOverview(slides))}
${renderLegend()}
<div class="cards">${slides.map((s) => renderCard(s, topK)).join('\n')}</div>
</section>`;
}
