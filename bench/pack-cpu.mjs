// Pack cost per CPU-second (issue 15): on a dense slide of real H&E texture (small_HE.svs level 0 tiled 28 x 16
// by libvips = 62160 x 47472 px, 2.95 gigapixels, JPEG Q85 in 256 px tiles, 0.5 µm/px), in one run:
// (1) `wsi-hpc pack RUN` (every shard, one process), (2) the published design's packer, OpenSlide read_region per
// patch + h5py (bench/openslide_h5py_pack.py, one process), on the same patches, (3) the decode limit, libvips
// decoding the whole level 0 (`vips avg`). Each under /usr/bin/time: CPU-seconds = user + system of the process.
// Usage: npm run build && node bench/pack-cpu.mjs [--reps 1]   (needs ../shared/testdata/small_HE.svs)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BIN, OUT, PY, ROOT, log, median, readJson, timed, writeResult } from './bench-util.mjs';

const { values } = parseArgs({ options: { reps: { type: 'string', default: '1' } } });
const REPS = Number(values.reps);
const DIR = join(OUT, 'pack-cpu');
const SLIDE = join(DIR, 'he-62160x47472.tif');
const SOURCE = join(ROOT, '..', 'shared', 'testdata', 'small_HE.svs');
mkdirSync(DIR, { recursive: true });

if (!existsSync(SLIDE)) {
  log('building the slide: small_HE.svs level 0 -> PNG (OpenSlide), replicated 28 x 16 (libvips) ...');
  const png = join(DIR, 'he-level0.png');
  execFileSync(PY, [
    '-c',
    'import openslide, sys; s = openslide.OpenSlide(sys.argv[1]); s.read_region((0, 0), 0, s.dimensions).convert("RGB").save(sys.argv[2])',
    SOURCE,
    png,
  ]);
  const rep = join(DIR, 'he-rep.v');
  execFileSync('vips', ['replicate', png, rep, '28', '16']);
  // 2000 px/mm = 0.5 µm/px.
  execFileSync('vips', [
    'tiffsave',
    rep,
    SLIDE,
    '--tile',
    '--tile-width',
    '256',
    '--tile-height',
    '256',
    '--pyramid',
    '--compression',
    'jpeg',
    '--Q',
    '85',
    '--xres',
    '2000',
    '--yres',
    '2000',
  ]);
  rmSync(rep, { force: true });
}

const run = join(DIR, 'run');
if (!existsSync(join(run, 'plan.json')))
  execFileSync('node', [BIN, 'plan', SLIDE, '--out', run, '--mpp', '0.5', '--patch-size', '224', '-q'], { stdio: 'inherit' });
const plan = readJson(join(run, 'plan.json'));
const slide = plan.slides[0];
const n = plan.totals.patches;
const level0 = slide.info.levels[0];
log(`${slide.info.width}x${slide.info.height}, ${n} patches of 224 px at level ${slide.grid.level}, ${plan.shards.list.length} shards`);

const rows = { wsihpc: [], openslideH5py: [], vipsDecode: [] };
for (let r = 0; r < REPS; r++) {
  rmSync(join(run, 'shards'), { recursive: true, force: true });
  rmSync(join(run, 'markers', 'pack'), { recursive: true, force: true });
  log(`rep ${r + 1}: wsi-hpc pack ...`);
  rows.wsihpc.push(timed('node', [BIN, 'pack', run, '-q']));
  log(`rep ${r + 1}: OpenSlide + h5py ...`);
  const out = join(DIR, 'openslide-h5py.h5');
  rows.openslideH5py.push(
    timed(PY, [join(ROOT, 'bench/openslide_h5py_pack.py'), SLIDE, join(run, slide.grid.file), '0', String(n), '0', '224', out, '16']),
  );
  rmSync(out, { force: true });
  log(`rep ${r + 1}: vips avg of level 0 ...`);
  rows.vipsDecode.push(timed('vips', ['avg', `${SLIDE}[page=0]`]));
}

const patchPx = 224 * 224;
const level0Patches = (level0.width * level0.height) / patchPx;
const summarize = (list, units) => {
  const wall = median(list.map((t) => t.wallS));
  const cpu = median(list.map((t) => t.cpuS));
  return {
    wallS: wall,
    cpuS: cpu,
    peakRssMiB: Math.round(Math.max(...list.map((t) => t.peakRssMiB))),
    perCpuSecond: units / cpu,
    perWallSecond: units / wall,
  };
};
const result = {
  date: new Date().toISOString(),
  slide: {
    width: level0.width,
    height: level0.height,
    gigapixels: (level0.width * level0.height) / 1e9,
    patches: n,
    shards: plan.shards.list.length,
  },
  reps: REPS,
  wsihpc: summarize(rows.wsihpc, n),
  openslideH5py: summarize(rows.openslideH5py, n),
  // The decode limit in patches' worth of pixels: level-0 pixels / 224².
  vipsDecode: summarize(rows.vipsDecode, level0Patches),
};
result.ratios = {
  perCpuSecondVsOpenslideH5py: result.wsihpc.perCpuSecond / result.openslideH5py.perCpuSecond,
  perCpuSecondVsVipsDecode: result.wsihpc.perCpuSecond / result.vipsDecode.perCpuSecond,
  goals: { vsOpenslideH5py: 3, vsVipsDecode: 0.7 },
};
writeResult('pack-cpu', result);
console.log(JSON.stringify(result, null, 2));
