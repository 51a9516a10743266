// Public entry of the report module: collect a run or study folder, render one self-contained
// HTML page, write it atomically. collect.ts reads; render-html.ts is pure; this file only wires.
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import { collectReport } from './collect.js';
import { renderHtml } from './render-html.js';
import type { ReportModel } from './types.js';

export { collectReport, flattenParams } from './collect.js';
export { renderHtml } from './render-html.js';
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
  slides: number;
  failedSlides: number;
  failedUnits: number;
  hasStudy: boolean;
}

/** Writes `<runDir>/report.html` (or `options.out`) for a run folder, a study folder, or both. */
export async function renderReport(runDir: string, options: ReportOptions = {}): Promise<ReportResult> {
  const model: ReportModel = await collectReport(runDir);
  const html = renderHtml(model);
  const path = resolve(options.out ?? join(runDir, 'report.html'));
  await writeFileAtomic(path, html);
  const run = model.run;
  return {
    path,
    bytes: Buffer.byteLength(html),
    slides: run?.slides.length ?? 0,
    failedSlides: run?.slides.filter((s) => s.status === 'failed' || s.scores?.status === 'failed').length ?? 0,
    failedUnits: run?.stages.reduce((n, s) => n + s.counts.failed, 0) ?? 0,
    hasStudy: model.study !== null,
  };
}
