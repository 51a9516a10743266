// The `merge` stage: per-slide heatmaps (.npy and a PNG overlay on the thumbnail, only over
// tissue), slide scores (scores.csv), and thresholded tumour regions as QuPath-ready GeoJSON.
// A features model's run gets per-slide feature files instead (merge-features.ts).
// Slides whose shards are not all inferred are reported, not merged half-way.
import { join } from 'node:path';
import sharp from 'sharp';
import { decodePlannedGrid } from '../../grid/index.js';
import { readFile } from 'node:fs/promises';
import { buildHeatmap, encodeNpyFloat32, overlayHeatmap, slideScores, type SlideScores } from '../../heatmap/index.js';
import { readPlan, type PlanFile, type PlanSlide } from '../../plan/index.js';
import { writeMarkerUnlessNewer } from '../../run/markers.js';
import { acquireUnitLock, describeOwner } from '../../run/unit-lock.js';
import { lockPathFor } from '../../run/unit-of-work.js';
import { WsiHpcError } from '../../errors.js';
import { collectPredictions, probabilitiesBySlide } from './collect-probabilities.js';
import { mergeFeatures } from './merge-features.js';
import { metadataColumns } from './metadata-columns.js';
import { MERGE_DEFAULTS } from './defaults.js';
import { relativeToRun, runPaths, type RunPaths } from '../../run/paths.js';
import { encodeRgbPng, maskToGeoJson } from '../../tissue/index.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { csvRow } from '../../util/csv.js';
import { expectInRange, expectPositiveInt } from '../../util/is.js';

export interface MergeOptions {
  run: string;
  /** Slide score: mean of the top k patch probabilities. @default 10 */
  topK?: number;
  /** Probability at or above which a cell is tumour (regions, positive fraction). @default 0.5 */
  threshold?: number;
  env?: NodeJS.ProcessEnv;
}

export interface MergedSlide {
  id: string;
  name: string;
  status: 'merged' | 'incomplete' | 'failed';
  scores?: SlideScores;
  heatmap?: string;
  overlay?: string;
  regions?: string;
  regionCount?: number;
  /** Features runs: the slide's feature file, relative to the run folder, and its patch count. */
  features?: string;
  patches?: number;
  reason?: string;
}

export interface MergeResult {
  slides: MergedSlide[];
  /** scores.csv (probabilities runs). */
  scoresCsv?: string;
  /** features/index.csv (features runs). */
  featuresIndex?: string;
  kind: 'probabilities' | 'features';
  incomplete: number;
}

export async function runMerge(o: MergeOptions): Promise<MergeResult> {
  const topK = expectPositiveInt('topK', o.topK ?? MERGE_DEFAULTS.topK);
  const threshold = expectInRange('threshold', o.threshold ?? MERGE_DEFAULTS.threshold, 0, 1);
  const paths = runPaths(o.run);
  const plan = await readPlan(paths.plan);
  // One merge at a time per run: a second one fails instead of interleaving heatmaps and scores.
  const lockPath = lockPathFor(paths.marker('merge', 'merge'));
  const attempt = await acquireUnitLock(lockPath, { env: o.env ?? process.env });
  if (attempt.status === 'busy') {
    throw new WsiHpcError('UNIT_LOCKED', `merge: already running on ${describeOwner(attempt.holder)}`, {
      file: lockPath,
      hint: 'Wait for it to finish; a lock whose process is dead is taken over automatically',
    });
  }
  try {
    return await mergeLocked(plan, paths, topK, threshold);
  } finally {
    await attempt.lock.release();
  }
}

async function mergeLocked(plan: PlanFile, paths: RunPaths, topK: number, threshold: number): Promise<MergeResult> {
  const startedAt = new Date();
  const { accepted, missing, model } = await collectPredictions(plan, paths);
  if (model?.output.startsWith('features')) {
    const out = await mergeFeatures(plan, paths, accepted, missing, model);
    return finishMerge(plan, paths, startedAt, out.slides, out.index, 'features', model);
  }
  const probs = probabilitiesBySlide(plan, accepted);
  const merged: MergedSlide[] = [];
  for (const s of plan.slides) merged.push(await mergeSlide(s, probs.get(s.id), missing.get(s.id), { paths, topK, threshold }));
  const columns = ['slide_id', 'name', 'status', 'patches', 'max', `top${topK}_mean`, 'mean', `fraction_ge_${threshold}`, 'regions'];
  // merged[i] is plan.slides[i]: the slide list's metadata columns follow the scores.
  const meta = metadataColumns(plan, columns);
  const header = [...columns, ...meta.header];
  const rows = merged.map((m, i) =>
    csvRow([
      m.id,
      m.name,
      m.status,
      m.scores?.patches ?? 0,
      m.scores?.max ?? Number.NaN,
      m.scores?.topKMean ?? Number.NaN,
      m.scores?.mean ?? Number.NaN,
      m.scores?.positiveFraction ?? Number.NaN,
      m.regionCount ?? 0,
      ...meta.values(plan.slides[i]),
    ]),
  );
  await writeFileAtomic(paths.scores, `${csvRow(header)}\n${rows.join('\n')}\n`);
  return finishMerge(plan, paths, startedAt, merged, paths.scores, 'probabilities', model);
}

async function finishMerge(
  plan: PlanFile,
  paths: RunPaths,
  startedAt: Date,
  merged: MergedSlide[],
  table: string,
  kind: MergeResult['kind'],
  model: unknown,
): Promise<MergeResult> {
  const incomplete = merged.filter((m) => m.status === 'incomplete').length;
  await writeMarkerUnlessNewer(paths.marker('merge', 'merge'), {
    stage: 'merge',
    unit: 'merge',
    status: incomplete ? 'failed' : 'done',
    planHash: plan.planHash,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    result: { merged: merged.filter((m) => m.status === 'merged').length, incomplete, model, kind },
    ...(incomplete
      ? {
          error: {
            code: 'MERGE_INCOMPLETE',
            message: `${incomplete} slide(s) have shards that are not inferred or whose predictions do not match (see each slide's reason)`,
          },
        }
      : {}),
  });
  return { slides: merged, ...(kind === 'features' ? { featuresIndex: table } : { scoresCsv: table }), kind, incomplete };
}

interface SlideContext {
  paths: ReturnType<typeof runPaths>;
  topK: number;
  threshold: number;
}

async function mergeSlide(s: PlanSlide, p: Float32Array | undefined, missing: string | undefined, ctx: SlideContext): Promise<MergedSlide> {
  const base = { id: s.id, name: s.name };
  if (s.status !== 'planned' || !s.grid || !s.info || !s.tissue || !s.outputs || !p)
    return { ...base, status: 'failed', reason: s.error?.message ?? 'not planned' };
  if (missing) return { ...base, status: 'incomplete', reason: missing };
  const { paths } = ctx;
  const gridFile = join(paths.root, s.grid.file);
  const grid = decodePlannedGrid(await readFile(gridFile), gridFile, s.grid.sha256);
  const heatmap = buildHeatmap({
    width: s.info.width,
    height: s.info.height,
    coords: grid.coords,
    probabilities: p,
    footprintLevel0: s.grid.footprintLevel0,
    strideLevel0: s.grid.strideLevel0,
  });
  await writeFileAtomic(paths.heatmap(s.id, 'npy'), encodeNpyFloat32(heatmap.values, [heatmap.height, heatmap.width]));
  const thumb = await sharp(join(paths.root, s.outputs.thumbnail)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const mask = await sharp(join(paths.root, s.outputs.mask)).toColourspace('b-w').raw().toBuffer();
  const overlay = overlayHeatmap({ width: thumb.info.width, height: thumb.info.height, data: new Uint8Array(thumb.data) }, mask, heatmap, {
    scaleX: s.tissue.scaleX,
    scaleY: s.tissue.scaleY,
  });
  await writeFileAtomic(paths.heatmap(s.id, 'png'), await encodeRgbPng(overlay));
  const binary = {
    width: heatmap.width,
    height: heatmap.height,
    data: Uint8Array.from(heatmap.values, (v) => (v >= ctx.threshold ? 1 : 0)),
  };
  const regions = maskToGeoJson(binary, heatmap.cellLevel0, heatmap.cellLevel0, 'Tumor');
  await writeFileAtomic(paths.regions(s.id), `${JSON.stringify(regions)}\n`);
  return {
    ...base,
    status: 'merged',
    scores: slideScores(p, ctx.topK, ctx.threshold),
    regionCount: regions.features.length,
    heatmap: relativeToRun(paths, paths.heatmap(s.id, 'npy')),
    overlay: relativeToRun(paths, paths.heatmap(s.id, 'png')),
    regions: relativeToRun(paths, paths.regions(s.id)),
  };
}
