// The one owner of run-folder file names. Every stage asks here; nothing else builds paths.
// Ids (slides, shards, stages, units) become file names only through `segment`, which refuses unsafe ones.
import { isAbsolute, join, relative } from 'node:path';
import { WsiHpcError } from '../errors.js';

/** What slideIdFor, shard planning and stage names produce: one path segment, never `.`/`..`, no `/`. */
const SAFE_ID = /^[a-z0-9_][a-z0-9._-]{0,79}$/;
export const SAFE_ID_RULE = "lowercase letters, digits, '.', '_' and '-', starting with a letter, digit or '_', at most 80 characters";

export function isSafeId(id: unknown): id is string {
  return typeof id === 'string' && SAFE_ID.test(id);
}

// Defence in depth: plan.json is validated when read, but no id reaches a path without this check.
function segment(kind: string, id: string): string {
  if (isSafeId(id)) return id;
  throw new WsiHpcError('UNSAFE_PATH', `Refusing ${kind} id ${JSON.stringify(id)} as a file name: it could point outside the run folder`, {
    hint: `Ids are ${SAFE_ID_RULE}; if plan.json was edited by hand, restore it or plan again with --force`,
  });
}

function count(kind: string, n: number): number {
  if (Number.isInteger(n) && n >= 0) return n;
  throw new WsiHpcError('UNSAFE_PATH', `Refusing ${kind} ${JSON.stringify(n)} in a file name: not a non-negative integer`);
}

export interface RunPaths {
  root: string;
  plan: string;
  gridsDir: string;
  grid(slideId: string): string;
  qcDir: string;
  qc(slideId: string): string;
  masksDir: string;
  mask(slideId: string): string;
  tissueDir: string;
  tissue(slideId: string): string;
  shardsDir: string;
  shard(shardId: string): string;
  marker(stage: string, name: string): string;
  predictionsDir: string;
  predictions(shardId: string): string;
  heatmapsDir: string;
  heatmap(slideId: string, ext: 'npy' | 'png'): string;
  regions(slideId: string): string;
  scores: string;
  thumbnail(slideId: string): string;
  slurmDir: string;
  sbatchScript(stage: string, chunk: number, attempt: number): string;
  jobs: string;
  logDir(stage: string): string;
  /** The local executor's copy of a stage's script, and one task's log (task null: the merge job). */
  localScript(stage: string): string;
  localLog(stage: string, task: number | null): string;
}

export function runPaths(root: string): RunPaths {
  const slide = (id: string) => segment('slide', id);
  return {
    root,
    plan: join(root, 'plan.json'),
    gridsDir: join(root, 'grids'),
    grid: (id) => join(root, 'grids', `${slide(id)}.grid`),
    qcDir: join(root, 'qc'),
    qc: (id) => join(root, 'qc', `${slide(id)}.png`),
    masksDir: join(root, 'masks'),
    mask: (id) => join(root, 'masks', `${slide(id)}.png`),
    tissueDir: join(root, 'tissue'),
    tissue: (id) => join(root, 'tissue', `${slide(id)}.geojson`),
    shardsDir: join(root, 'shards'),
    shard: (id) => join(root, 'shards', `${segment('shard', id)}.h5`),
    marker: (stage, name) => join(root, 'markers', segment('stage', stage), `${segment('unit', name)}.json`),
    predictionsDir: join(root, 'predictions'),
    predictions: (id) => join(root, 'predictions', `${segment('shard', id)}.h5`),
    heatmapsDir: join(root, 'heatmaps'),
    heatmap: (id, ext) => join(root, 'heatmaps', `${slide(id)}.${ext === 'png' ? 'png' : 'npy'}`),
    regions: (id) => join(root, 'regions', `${slide(id)}.geojson`),
    scores: join(root, 'scores.csv'),
    thumbnail: (id) => join(root, 'thumbnails', `${slide(id)}.png`),
    slurmDir: join(root, 'slurm'),
    sbatchScript: (stage, chunk, attempt) =>
      join(
        root,
        'slurm',
        `${segment('stage', stage)}-c${count('chunk', chunk)}${attempt ? `-retry${count('attempt', attempt)}` : ''}.sbatch`,
      ),
    jobs: join(root, 'slurm', 'jobs.json'),
    logDir: (stage) => join(root, 'logs', segment('stage', stage)),
    localScript: (stage) => join(root, 'slurm', `${segment('stage', stage)}-local.sbatch`),
    localLog: (stage, task) =>
      join(root, 'logs', segment('stage', stage), task === null ? 'local.out' : `local_${count('task', task)}.out`),
  };
}

/** Paths stored in plan.json are relative to the run folder, so a run folder can move. */
export function relativeToRun(paths: RunPaths, file: string): string {
  // path.relative, not a prefix test: a root given as `run/` or `./run` must still give `grids/x.grid`.
  const rel = relative(paths.root, file);
  if (rel && rel !== '..' && !rel.startsWith('../') && !isAbsolute(rel)) return rel;
  throw new WsiHpcError('UNSAFE_PATH', `${file} is not inside the run folder ${paths.root}`, { file });
}
