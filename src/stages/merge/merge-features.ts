// Merge for a features model: one `features/<slide-stem>.h5` per slide in the CLAM/TRIDENT layout
// (docs/FORMAT.md): every planned patch exactly once, in grid order, with its level-0 coords.
// Slides with a shard not inferred (or a patch missing or repeated) are reported, not written.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodePlannedGrid } from '../../grid/index.js';
import { type FeatureRows, type Predictions, writeSlideFeatures } from '../../hdf5/index.js';
import { type PlanFile, type PlanSlide, slideFileStems } from '../../plan/index.js';
import type { RunPaths } from '../../run/paths.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { csvRow } from '../../util/csv.js';
import type { PredictionSource } from './check-predictions.js';
import { metadataColumns } from './metadata-columns.js';

export interface MergedFeatures {
  id: string;
  name: string;
  status: 'merged' | 'incomplete' | 'failed';
  patches: number;
  features?: string;
  reason?: string;
}

export function featuresDir(paths: RunPaths): string {
  return join(paths.root, 'features');
}

interface SlideRows {
  rows: FeatureRows;
  seen: Uint8Array;
}

// Scatters each shard's rows to their slide and grid index; counts how often each patch is seen.
function gatherRows(plan: PlanFile, accepted: Predictions[]): Map<string, SlideRows> {
  const out = new Map<string, SlideRows>();
  const first = accepted.find((p) => p.features)?.features;
  if (!first) return out;
  const { dim, dtype } = first;
  for (const s of plan.slides) {
    if (!s.grid) continue;
    const n = s.grid.count;
    const data = dtype === 'float16' ? new Uint16Array(n * dim) : new Float32Array(n * dim);
    out.set(s.id, { rows: { data, dim, dtype }, seen: new Uint8Array(n) });
  }
  for (const pred of accepted) {
    const f = pred.features;
    if (!f || f.dim !== dim || f.dtype !== dtype) continue;
    for (let i = 0; i < pred.slideIndex.length; i++) {
      const target = out.get(pred.slideIds[pred.slideIndex[i]]);
      if (!target) continue;
      const g = pred.gridIndex[i];
      target.rows.data.set(f.data.subarray(i * dim, (i + 1) * dim), g * dim);
      target.seen[g] = Math.min(255, target.seen[g] + 1);
    }
  }
  return out;
}

function magnification(s: PlanSlide): { level0: number | null; target: number | null } {
  const g = s.grid as NonNullable<PlanSlide['grid']>;
  const mpp = s.info?.mpp ?? null;
  const level0 = s.info?.objectivePower ?? (mpp ? 10 / mpp : null);
  return { level0, target: level0 === null ? null : (level0 * g.patchSizePx) / g.footprintLevel0 };
}

export async function mergeFeatures(
  plan: PlanFile,
  paths: RunPaths,
  accepted: Predictions[],
  missing: Map<string, string>,
  model: PredictionSource | null,
): Promise<{ slides: MergedFeatures[]; index: string }> {
  const dir = featuresDir(paths);
  const stems = slideFileStems(plan.slides);
  const gathered = gatherRows(plan, accepted);
  const slides: MergedFeatures[] = [];
  for (const s of plan.slides) {
    const base = { id: s.id, name: s.name, patches: s.grid?.count ?? 0 };
    const got = gathered.get(s.id);
    if (s.status !== 'planned' || !s.grid || !s.info) {
      slides.push({ ...base, status: 'failed', reason: s.error?.message ?? 'not planned' });
      continue;
    }
    const why = missing.get(s.id) ?? (got ? countProblem(got.seen) : 'no features were inferred');
    if (why || !got || !model) {
      slides.push({ ...base, status: 'incomplete', reason: why ?? 'no features were inferred' });
      continue;
    }
    const gridFile = join(paths.root, s.grid.file);
    const { coords } = decodePlannedGrid(await readFile(gridFile), gridFile, s.grid.sha256);
    const stem = stems.get(s.id) ?? s.id;
    const file = join(dir, `${stem}.h5`);
    const mag = magnification(s);
    await writeSlideFeatures(file, got.rows, coords, {
      patchSize: s.grid.patchSizePx,
      patchSizeLevel0: s.grid.footprintLevel0,
      patchLevel: s.grid.level,
      readPatchSize: s.grid.readSizePx,
      overlap: Math.max(0, s.grid.patchSizePx - s.grid.stridePx),
      level0Magnification: mag.level0,
      targetMagnification: mag.target,
      level0Mpp: s.info.mpp,
      targetMpp: s.grid.patchMpp,
      name: stem,
      saveToDir: dir,
      encoder: model.modelName,
      modelSha256: model.modelSha256,
    });
    slides.push({ ...base, status: 'merged', features: `features/${stem}.h5` });
  }
  const index = join(dir, 'index.csv');
  // slides[i] is plan.slides[i]: the slide list's metadata columns follow the file.
  const columns = ['slide_id', 'name', 'status', 'patches', 'file'];
  const meta = metadataColumns(plan, columns);
  const lines = slides.map((m, i) => csvRow([m.id, m.name, m.status, m.patches, m.features ?? '', ...meta.values(plan.slides[i])]));
  await writeFileAtomic(index, `${csvRow([...columns, ...meta.header])}\n${lines.join('\n')}\n`);
  return { slides, index };
}

function countProblem(seen: Uint8Array): string | undefined {
  const absent = seen.indexOf(0);
  if (absent >= 0) return `patch ${absent} has no features (its shard is not inferred)`;
  const twice = seen.findIndex((c) => c > 1);
  return twice >= 0 ? `patch ${twice} has features in more than one shard` : undefined;
}
