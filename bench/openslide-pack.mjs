// Pack throughput by backend (run `npm run build` first, then `node bench/openslide-pack.mjs`): one synthetic
// generic TIFF planned at 0.5 µm/px (level 0, 224 px) with `--reader native` and `--reader openslide`, every shard
// packed by `wsi-hpc pack` in one process, against the published design's packer (OpenSlide read_region per patch
// + h5py, bench/openslide_h5py_pack.py) on the same patches. Patches per CPU-second (user + sys) and per wall-second.
// Env: WIDTH/HEIGHT of the slide (default 24000 x 18000), REPS (default 2, the median is reported).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, OUT, ensureSlides, log, median, readJson, round, timed, timedOpenslideH5pyPack, writeResult } from './bench-util.mjs';
import { execFileSync } from 'node:child_process';

const WIDTH = Number(process.env.WIDTH ?? 24000);
const HEIGHT = Number(process.env.HEIGHT ?? 18000);
const REPS = Number(process.env.REPS ?? 2);
const DIR = join(OUT, `openslide-pack-${WIDTH}x${HEIGHT}`);
const SLIDE = join(DIR, 'slide-001.tif');
const WORK = join(OUT, 'openslide-pack-runs');

ensureSlides(DIR, { slides: 1, width: WIDTH, height: HEIGHT, flavour: 'generic' });

function plan(reader) {
  const run = join(WORK, reader);
  rmSync(run, { recursive: true, force: true });
  execFileSync('node', [BIN, 'plan', SLIDE, '--out', run, '--mpp', '0.5', '--reader', reader, '-q'], { stdio: 'inherit' });
  return { run, plan: readJson(join(run, 'plan.json')) };
}

function pack(run) {
  rmSync(join(run, 'shards'), { recursive: true, force: true });
  rmSync(join(run, 'markers', 'pack'), { recursive: true, force: true });
  const t = timed('node', [BIN, 'pack', run, '--json']);
  const shards = JSON.parse(t.stdout).shards;
  if (shards.some((s) => s.status !== 'done')) throw new Error(`pack failed in ${run}`);
  return t;
}

const runs = { native: plan('native'), openslide: plan('openslide') };
const slide = runs.native.plan.slides[0];
const n = runs.native.plan.totals.patches;
log(
  `${n} patches; backends: ${Object.entries(runs)
    .map(([k, r]) => `${k}=${r.plan.slides[0].info.backend}`)
    .join(', ')}`,
);
const measured = { native: [], openslide: [], python: [] };
for (let rep = 0; rep < REPS; rep++) {
  for (const k of ['native', 'openslide']) measured[k].push(pack(runs[k].run));
  measured.python.push(timedOpenslideH5pyPack(SLIDE, join(runs.native.run, slide.grid.file), n, join(WORK, 'python.h5')));
}
const summary = Object.fromEntries(
  Object.entries(measured).map(([k, ts]) => {
    const cpuS = median(ts.map((t) => t.cpuS));
    const wallS = median(ts.map((t) => t.wallS));
    return [
      k,
      {
        cpuS: round(cpuS, 2),
        wallS: round(wallS, 2),
        perCpuS: round(n / cpuS, 0),
        perWallS: round(n / wallS, 0),
        peakRssMiB: round(Math.max(...ts.map((t) => t.peakRssMiB)), 0),
      },
    ];
  }),
);
const result = { slide: { path: SLIDE, width: WIDTH, height: HEIGHT, patches: n }, reps: REPS, summary };
writeResult('openslide-pack', result);
console.log(JSON.stringify(result, null, 2));
