// Public entry of the report module: collect a run or study folder, render report.html and one
// page per slide, write them atomically (slide pages first, unchanged ones left alone, pages of slides
// no longer in the plan removed). collect.ts reads; the renderers are pure; this file only wires.
import { readdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import pLimit from 'p-limit';
import { isSafeId } from '../run/paths.js';
import { writeFileAtomic } from '../util/atomic.js';
import { collectReport } from './collect.js';
import type { ReportLayout } from './document.js';
import { renderHtml } from './render-html.js';
import { renderSlidePage } from './render-slide-page.js';
import { slideState, topKLabel } from './render-slides.js';
import type { ReportModel } from './types.js';

export { collectReport, flattenParams } from './collect.js';
export { renderHtml } from './render-html.js';
export { renderSlidePage, type SlidePageContext } from './render-slide-page.js';
export { DEFAULT_LAYOUT, contentSecurityPolicy, type ReportLayout } from './document.js';
export { slideState, slideTableData, type SlideState } from './render-slides.js';
export { scoreHistogram, renderScoreHistogram, HISTOGRAM_BINS } from './render-chart.js';
export { escapeHtml, escapeHref } from './escape.js';
export { parseScoresCsv } from './scores-csv.js';
export { embedImage, MAX_IMAGE_EDGE_PX } from './embed-image.js';
export type {
  ReportModel,
  ReportRun,
  ReportSlide,
  ReportStage,
  ReportUnit,
  ReportStudy,
  ReportImage,
  ReportScores,
  ReportSlideFailure,
  ReportSlidePictures,
  UnitStatus,
} from './types.js';

export interface ReportOptions {
  /** Where to write the page. @default `<folder>/report.html` */
  out?: string;
}

export interface ReportResult {
  /** Absolute path of the written page. */
  path: string;
  bytes: number;
  /** Folder of the per-slide pages (`<page stem>/slides` beside the page), absolute. */
  slidePages: string;
  /** Per-slide pages written, left as they were (same bytes), and removed (slides no longer in the plan). */
  pages: { written: number; unchanged: number; removed: number };
  slides: number;
  failedSlides: number;
  failedUnits: number;
  hasStudy: boolean;
}

const toUrl = (p: string) => p.split(sep).join('/');

/** Where the pages go for a report written to `out`: `report.html` → `report/slides/<id>.html`. */
export function reportLayout(out: string, runRoot: string): { slidesDir: string; layout: ReportLayout } {
  const ext = extname(out).toLowerCase();
  const stem = ext === '.html' || ext === '.htm' ? basename(out, extname(out)) : `${basename(out)}_files`;
  const slidesDir = join(dirname(out), stem, 'slides');
  return {
    slidesDir,
    layout: {
      slidesHref: toUrl(relative(dirname(out), slidesDir)),
      reportHref: toUrl(relative(slidesDir, out)),
      runHref: toUrl(relative(slidesDir, runRoot)) || '.',
    },
  };
}

async function readIfExists(path: string): Promise<string | null> {
  return readFile(path, 'utf8').catch(() => null);
}

// Pages are written a few at a time; a page whose bytes are unchanged is not rewritten (no fsync).
async function writeSlidePages(model: ReportModel, slidesDir: string, layout: ReportLayout): Promise<ReportResult['pages']> {
  const slides = model.run?.slides ?? [];
  const topK = topKLabel(slides);
  const metadataColumns = model.run?.metadataColumns ?? [];
  const limit = pLimit(8);
  let unchanged = 0;
  await Promise.all(
    slides.map((s, index) =>
      limit(async () => {
        const html = renderSlidePage(model, s, {
          layout,
          topK,
          metadataColumns,
          previous: slides[index - 1] ?? null,
          next: slides[index + 1] ?? null,
          index,
          count: slides.length,
        });
        const path = join(slidesDir, `${s.id}.html`);
        if ((await readIfExists(path)) === html) unchanged++;
        else await writeFileAtomic(path, html);
      }),
    ),
  );
  // Only files named like a slide page are ours to remove.
  const keep = new Set(slides.map((s) => `${s.id}.html`));
  const present = await readdir(slidesDir).catch(() => [] as string[]);
  const stale = present.filter((f) => f.endsWith('.html') && isSafeId(f.slice(0, -5)) && !keep.has(f));
  await Promise.all(stale.map((f) => rm(join(slidesDir, f), { force: true })));
  return { written: slides.length - unchanged, unchanged, removed: stale.length };
}

/** Writes `<runDir>/report.html` (or `options.out`) and its per-slide pages, for a run folder, a study folder, or both. */
export async function renderReport(runDir: string, options: ReportOptions = {}): Promise<ReportResult> {
  const model: ReportModel = await collectReport(runDir);
  const path = resolve(options.out ?? join(runDir, 'report.html'));
  const { slidesDir, layout } = reportLayout(path, resolve(runDir));
  // Pages first, report.html last: the table never links to a page not yet written.
  const pages = await writeSlidePages(model, slidesDir, layout);
  const html = renderHtml(model, layout);
  await writeFileAtomic(path, html);
  const run = model.run;
  return {
    path,
    bytes: Buffer.byteLength(html),
    slidePages: slidesDir,
    pages,
    slides: run?.slides.length ?? 0,
    failedSlides: run?.slides.filter((s) => slideState(s) === 'failed').length ?? 0,
    failedUnits: run?.stages.reduce((n, s) => n + s.counts.failed, 0) ?? 0,
    hasStudy: model.study !== null,
  };
}
