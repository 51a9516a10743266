// The slide table of report.html: filter controls, the header, and one inline JSON blob of rows
// that table-script.ts renders, sorts and filters (no pictures here). Pure: model in, HTML out.
import { escapeHtml } from './escape.js';
import { fmtInt } from './html-parts.js';
import type { ReportRun, ReportSlide } from './types.js';

/** What the table's status column and status filter say of a slide. */
export type SlideState = 'merged' | 'failed' | 'planned';

// "failed": planning failed, merge could not score it, or a pack/infer unit holding it failed.
export function slideState(s: ReportSlide): SlideState {
  if (s.status === 'failed' || s.scores?.status === 'failed') return 'failed';
  if (s.scores?.status === 'merged') return 'merged';
  return s.failures.length ? 'failed' : 'planned';
}

/** Why a slide failed, in one line: its plan error, merge's verdict, or its failed units. */
export function failureText(s: ReportSlide): string {
  if (s.error) return `${s.error.code}: ${s.error.message}`;
  const units = s.failures.map((f) => `${f.stage} ${f.unit}: ${f.code}`).join('; ');
  if (s.scores?.status === 'failed') return units ? `merge failed; ${units}` : 'merge failed (see scores.csv)';
  return units;
}

export function topKLabel(slides: ReportSlide[]): string {
  const k = slides.find((s) => s.scores?.topK)?.scores?.topK;
  return k ? `top-${k} mean` : 'top-k mean';
}

type ColumnType = 'name' | 'status' | 'int' | 'score' | 'percent' | 'text' | 'num';

// A metadata column sorts as numbers when every non-empty value is one.
function metadataType(slides: ReportSlide[], column: string): ColumnType {
  const values = slides.map((s) => s.metadata[column]).filter((v) => v !== undefined && v.trim() !== '');
  return values.length > 0 && values.every((v) => Number.isFinite(Number(v))) ? 'num' : 'text';
}

const MAX_FAILURE_CHARS = 240;

/** A relative path as a URL path: each segment percent-encoded, no trailing slash. */
export function urlPath(relativePath: string): string {
  return relativePath
    .split('/')
    .filter((x) => x !== '')
    .map(encodeURIComponent)
    .join('/');
}

/** The rows as compact arrays: [id, name, status, patches, max, top-k mean, tissue, failure, ...metadata]. */
export function slideTableData(run: ReportRun, slidesHref: string) {
  const cols: Array<{ label: string; type: ColumnType }> = [
    { label: 'slide', type: 'name' },
    { label: 'status', type: 'status' },
    { label: 'patches', type: 'int' },
    { label: 'max', type: 'score' },
    { label: topKLabel(run.slides), type: 'score' },
    { label: 'tissue', type: 'percent' },
    { label: 'failures / error', type: 'text' },
    ...run.metadataColumns.map((c) => ({ label: c, type: metadataType(run.slides, c) })),
  ];
  const rows = run.slides.map((s) => {
    const failure = failureText(s);
    return [
      s.id,
      s.name,
      slideState(s),
      s.scores?.patches ?? s.patches,
      s.scores?.max ?? null,
      s.scores?.topKMean ?? null,
      s.tissueFraction,
      failure.length > MAX_FAILURE_CHARS ? `${failure.slice(0, MAX_FAILURE_CHARS - 1)}…` : failure,
      ...run.metadataColumns.map((c) => s.metadata[c] ?? null),
    ];
  });
  return { cols, rows, metaFrom: cols.length - run.metadataColumns.length, slides: `${urlPath(slidesHref)}/` };
}

/** JSON inside <script type="application/json">: `<` escaped so no value can close the element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function renderSlideTable(run: ReportRun, slidesHref: string): string {
  const data = slideTableData(run, slidesHref);
  const counts: Record<SlideState, number> = { failed: 0, merged: 0, planned: 0 };
  for (const r of data.rows) counts[r[2] as SlideState]++;
  const options = [`<option value="all">all (${fmtInt(run.slides.length)})</option>`]
    .concat(
      (['failed', 'merged', 'planned'] as const).map(
        (k) => `<option value="${k}"${counts[k] ? '' : ' disabled'}>${k} (${fmtInt(counts[k])})</option>`,
      ),
    )
    .join('');
  const numeric = new Set(['int', 'score', 'percent', 'num']);
  const head = data.cols
    .map(
      (c, i) =>
        `<th data-col="${i}" aria-sort="none"${numeric.has(c.type) ? ' class="num"' : ''}><button type="button" class="sort">${escapeHtml(c.label)}</button></th>`,
    )
    .join('');
  return `<section id="slides"><h2>Slides (${fmtInt(run.slides.length)})</h2>
<div class="controls"><label>Filter <input id="slide-search" type="search" placeholder="name or metadata" autocomplete="off"></label>
<label>Status <select id="slide-status">${options}</select></label>
<span id="slide-count" aria-live="polite">${fmtInt(run.slides.length)} slides</span></div>
<noscript><p class="note">Sorting and filtering need JavaScript; each slide's page is ${escapeHtml(data.slides)}&lt;slide id&gt;.html.</p></noscript>
<p class="note">Click a column to sort it, a slide to open its page with the QC picture, tissue mask and heatmap.</p>
<table id="slide-table" class="slides-table"><thead><tr>${head}</tr></thead><tbody></tbody></table>
<button type="button" id="slide-more" class="more" hidden>Show more</button>
<script type="application/json" id="slide-data">${jsonForScript(data)}</script>
</section>`;
}
