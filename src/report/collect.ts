// Reads a run folder (plan.json, scores.csv, markers, slurm/jobs.json, which pictures exist) and,
// when present, a study's study.json and frontier plot into the typed ReportModel. Only reads;
// slide pictures are listed (one readdir per picture folder), never opened, so 10,000 slides stay cheap.
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { WsiHpcError } from '../errors.js';
import { readPlan, type PlanFile, type PlanSlide } from '../plan/index.js';
import { readMarker } from '../run/markers.js';
import { relativeToRun, runPaths, type RunPaths } from '../run/paths.js';
import type { JobsFile } from '../slurm/index.js';
import { TOOL_VERSION } from '../version.js';
import { collectStages } from './collect-stages.js';
import { embedImage } from './embed-image.js';
import { parseScoresCsv } from './scores-csv.js';
import type { ReportModel, ReportRun, ReportScores, ReportSlide, ReportSlideFailure, ReportStage, ReportStudy } from './types.js';

async function readTextIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new WsiHpcError('PLAN_INVALID', `${path}: cannot read it (${code ?? (err as Error).message})`, {
      file: path,
      cause: err,
      hint: 'Remove or restore it (a run file must be a regular, readable file), then rerun the command',
    });
  }
}

async function readJsonIfExists<T>(path: string): Promise<T | null> {
  const text = await readTextIfExists(path);
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new WsiHpcError('PLAN_INVALID', `${path}: not valid JSON (${(err as Error).message})`, { file: path, cause: err });
  }
}

/** Plan parameters as dotted (name, value) rows: `grid.patchSizePx` → `224`. */
export function flattenParams(value: unknown, prefix = ''): Array<[string, string]> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([k, v]) => flattenParams(v, prefix ? `${prefix}.${k}` : k));
  }
  return [[prefix, value === null || value === undefined ? '–' : typeof value === 'string' ? value : JSON.stringify(value)]];
}

/** File names in `dir` (empty when the folder is absent): which pictures exist, without opening them. */
async function listNames(dir: string): Promise<Set<string>> {
  try {
    return new Set(await readdir(dir));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return new Set();
    throw new WsiHpcError('PLAN_INVALID', `${dir}: cannot list it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, {
      file: dir,
      cause: err,
      hint: 'Make the folder readable, then rerun the command',
    });
  }
}

/** Per slide id, the failed pack/infer units whose shards hold its patches. */
function failuresBySlide(plan: PlanFile, stages: ReportStage[]): Map<string, ReportSlideFailure[]> {
  const shards = new Map(plan.shards.list.map((s) => [s.id, s]));
  const out = new Map<string, ReportSlideFailure[]>();
  for (const stage of stages) {
    if (stage.stage === 'merge') continue;
    for (const u of stage.units) {
      if (u.status !== 'failed') continue;
      const failure = { stage: stage.stage, unit: u.unit, code: u.error?.code ?? 'FAILED', message: u.error?.message ?? '' };
      for (const id of new Set(shards.get(u.unit)?.segments.map((g) => g.slideId) ?? [])) {
        out.set(id, [...(out.get(id) ?? []), failure]);
      }
    }
  }
  return out;
}

interface PictureNames {
  qc: Set<string>;
  mask: Set<string>;
  heatmap: Set<string>;
}

function collectSlide(
  s: PlanSlide,
  paths: RunPaths,
  scores: ReportScores | null,
  pictures: PictureNames,
  failures: ReportSlideFailure[],
): ReportSlide {
  const file = `${s.id}.png`;
  const picture = (names: Set<string>, path: () => string) => (names.has(file) ? relativeToRun(paths, path()) : null);
  return {
    id: s.id,
    name: s.name,
    path: s.path,
    status: s.status,
    error: s.error ?? null,
    format: s.info?.format ?? null,
    width: s.info?.width ?? null,
    height: s.info?.height ?? null,
    mpp: s.info?.mpp ?? null,
    tissueFraction: s.tissue?.tissueFraction ?? null,
    patches: s.grid?.count ?? null,
    scores,
    metadata: s.metadata ?? {},
    failures,
    images: {
      qc: picture(pictures.qc, () => paths.qc(s.id)),
      mask: picture(pictures.mask, () => paths.mask(s.id)),
      heatmap: picture(pictures.heatmap, () => paths.heatmap(s.id, 'png')),
    },
  };
}

/** The slide list's columns, else (a plan edited by hand) every metadata key in first-seen order. */
function metadataColumns(plan: PlanFile): string[] {
  if (plan.slideList?.columns?.length) return plan.slideList.columns;
  return [...new Set(plan.slides.flatMap((s) => Object.keys(s.metadata ?? {})))];
}

async function collectRun(plan: PlanFile, paths: RunPaths): Promise<ReportRun> {
  // scores.csv and heatmaps left by a merge of another plan (the folder was replanned) are not this plan's.
  const isMerged = (await readMarker(paths.marker('merge', 'merge')))?.planHash === plan.planHash;
  const scoresText = isMerged ? await readTextIfExists(paths.scores) : null;
  const scores = scoresText === null ? new Map<string, ReportScores>() : parseScoresCsv(scoresText);
  const jobs = await readJsonIfExists<JobsFile>(paths.jobs);
  const pictures: PictureNames = {
    qc: await listNames(paths.qcDir),
    mask: await listNames(paths.masksDir),
    heatmap: isMerged ? await listNames(paths.heatmapsDir) : new Set(),
  };
  const stages = await collectStages(plan, paths, jobs);
  const failures = failuresBySlide(plan, stages);
  return {
    planHash: plan.planHash,
    paramsHash: plan.paramsHash,
    toolVersion: plan.tool.version,
    params: flattenParams(plan.params),
    totals: plan.totals,
    tasks: plan.tasks.pack.length,
    hasJobs: jobs !== null,
    metadataColumns: metadataColumns(plan),
    slides: plan.slides.map((s) => collectSlide(s, paths, scores.get(s.id) ?? null, pictures, failures.get(s.id) ?? [])),
    stages,
  };
}

async function collectStudy(folder: string): Promise<ReportStudy | null> {
  const study = await readJsonIfExists<{ table?: unknown }>(join(folder, 'study.json'));
  if (!study) return null;
  const rows = Array.isArray(study.table)
    ? study.table.filter((r): r is Record<string, unknown> => r !== null && typeof r === 'object' && !Array.isArray(r))
    : [];
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const frontier = (await embedImage(join(folder, 'frontier.svg'))) ?? (await embedImage(join(folder, 'frontier.png'), 'png'));
  return { columns, rows, frontier };
}

/** Everything the report shows about `folder`: a run (plan.json), a study (study.json), or both. */
export async function collectReport(folder: string, now: Date = new Date()): Promise<ReportModel> {
  const paths = runPaths(resolve(folder));
  const hasPlan = (await readTextIfExists(paths.plan)) !== null;
  const study = await collectStudy(paths.root);
  if (!hasPlan && !study) {
    throw new WsiHpcError('PLAN_INVALID', `${folder}: neither plan.json nor study.json found`, {
      file: folder,
      hint: 'Give a run folder (`wsi-hpc plan SLIDES --out RUN`) or a study folder (`wsi-hpc study`)',
    });
  }
  const run = hasPlan ? await collectRun(await readPlan(paths.plan), paths) : null;
  return {
    title: `wsi-hpc report: ${basename(paths.root)}`,
    folder,
    generatedAt: now.toISOString(),
    reportVersion: TOOL_VERSION,
    run,
    study,
  };
}
