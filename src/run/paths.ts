// The one owner of run-folder file names. Every stage asks here; nothing else builds paths.
import { join } from 'node:path';

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
}

export function runPaths(root: string): RunPaths {
  return {
    root,
    plan: join(root, 'plan.json'),
    gridsDir: join(root, 'grids'),
    grid: (id) => join(root, 'grids', `${id}.grid`),
    qcDir: join(root, 'qc'),
    qc: (id) => join(root, 'qc', `${id}.png`),
    masksDir: join(root, 'masks'),
    mask: (id) => join(root, 'masks', `${id}.png`),
    tissueDir: join(root, 'tissue'),
    tissue: (id) => join(root, 'tissue', `${id}.geojson`),
    shardsDir: join(root, 'shards'),
    shard: (id) => join(root, 'shards', `${id}.h5`),
    marker: (stage, name) => join(root, 'markers', stage, `${name}.json`),
    predictionsDir: join(root, 'predictions'),
    predictions: (id) => join(root, 'predictions', `${id}.h5`),
    heatmapsDir: join(root, 'heatmaps'),
    heatmap: (id, ext) => join(root, 'heatmaps', `${id}.${ext}`),
    regions: (id) => join(root, 'regions', `${id}.geojson`),
    scores: join(root, 'scores.csv'),
    thumbnail: (id) => join(root, 'thumbnails', `${id}.png`),
    slurmDir: join(root, 'slurm'),
    sbatchScript: (stage, chunk, attempt) => join(root, 'slurm', `${stage}-c${chunk}${attempt ? `-retry${attempt}` : ''}.sbatch`),
    jobs: join(root, 'slurm', 'jobs.json'),
    logDir: (stage) => join(root, 'logs', stage),
  };
}

/** Paths stored in plan.json are relative to the run folder, so a run folder can move. */
export function relativeToRun(paths: RunPaths, absolute: string): string {
  return absolute.startsWith(`${paths.root}/`) ? absolute.slice(paths.root.length + 1) : absolute;
}
