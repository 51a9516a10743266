// Pack cost per CPU-second (issue 15): on a dense slide of real H&E texture (small_HE.svs level 0 tiled 28 x 16
// by libvips = 62160 x 47472 px, 2.95 gigapixels, JPEG Q85 in 256 px tiles, 0.5 µm/px), in one run:
// (1) `wsi-hpc pack RUN` (every shard, one process), (2) the published design's packer, OpenSlide read_region per
// patch + h5py (bench/openslide_h5py_pack.py, one process), on the same patches, (3) the decode limit, libvips
// decoding the whole level 0 (`vips avg`). Each under /usr/bin/time: CPU-seconds = user + system of the process.
// Also: pack on 1 core (taskset) vs 2, with libvips decoding (TurboJPEG hidden), window shards (stride 112) and
// gzip shards. Reps are interleaved (this VM's speed drifts by up to a quarter); medians are reported.
// Usage: npm run build && node bench/pack-cpu.mjs [--reps 1] [--pairs N]   (needs ../shared/testdata/small_HE.svs)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BIN, OUT, PY, ROOT, log, median, readJson, round, timed, timedOpenslideH5pyPack, writeResult } from './bench-util.mjs';

const { values } = parseArgs({ options: { reps: { type: 'string', default: '1' }, pairs: { type: 'string' } } });
const REPS = Number(values.reps);
// --pairs N: only the headline ratio, N times back to back (pack, OpenSlide + h5py, pack), so drift between
// the two sides is at most a minute or so.
const PAIRS = values.pairs === undefined ? 0 : Number(values.pairs);
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

// Three plans of the same slide: raw patch shards (the case), window shards (stride 112 < patch 224,
// counted in decoded pixels) and gzip patch shards.
const planned = (name, extra) => {
  const dir = join(DIR, name);
  if (!existsSync(join(dir, 'plan.json')))
    execFileSync('node', [BIN, 'plan', SLIDE, '--out', dir, '--mpp', '0.5', '--patch-size', '224', '-q', ...extra], { stdio: 'inherit' });
  return { dir, plan: readJson(join(dir, 'plan.json')) };
};
const raw = planned('run', []);
const windows = planned('run-windows', ['--stride', '112']);
const gzip4 = planned('run-gzip', ['--compression', 'gzip']);
const gzip1 = planned('run-gzip1', ['--compression', 'gzip:1']);
const plan = raw.plan;
const slide = plan.slides[0];
const n = plan.totals.patches;
const level0 = slide.info.levels[0];
const patchPx = 224 * 224;
// Window shards hold windows x side² pixels: count them in 224² patches' worth.
const windowPatches =
  (windows.plan.shards.list.reduce((t, sh) => t + (sh.windows ?? 0), 0) * windows.plan.params.windows.sidePx ** 2) / patchPx;
log(`${slide.info.width}x${slide.info.height}, ${n} patches of 224 px at level ${slide.grid.level}, ${plan.shards.list.length} shards`);
log(`windows: ${windowPatches.toFixed(0)} patches' worth of window pixels in ${windows.plan.shards.list.length} shards`);

// Each pack starts from no shards; `cores` 1 pins the process to one core (taskset) with one decode thread.
// Dirty pages of the previous run are flushed first (`sync`): the kernel's writeback throttling otherwise
// lands on whichever run comes next (seen: +60 % wall, same CPU).
const pack = (run, cores, env = {}, extra = []) => {
  rmSync(join(run, 'shards'), { recursive: true, force: true });
  rmSync(join(run, 'markers', 'pack'), { recursive: true, force: true });
  execFileSync('sync');
  const args = [BIN, 'pack', run, '-q', '--threads', String(cores), ...extra];
  const opts = { env: { ...process.env, ...env } };
  return cores === 1 ? timed('taskset', ['-c', '0', 'node', ...args], opts) : timed('node', args, opts);
};

const openslidePack = () => timedOpenslideH5pyPack(SLIDE, join(raw.dir, slide.grid.file), n, join(DIR, 'openslide-h5py.h5'));
if (PAIRS > 0) {
  const pairs = [];
  for (let i = 0; i < PAIRS; i++) {
    log(`pair ${i + 1}: pack, OpenSlide + h5py, pack ...`);
    const [a, os, b] = [pack(raw.dir, 2), openslidePack(), pack(raw.dir, 2)];
    pairs.push({ packCpuS: [a.cpuS, b.cpuS], openslideCpuS: os.cpuS, ratio: round(os.cpuS / ((a.cpuS + b.cpuS) / 2), 2) });
  }
  writeResult('pack-cpu-pairs', { date: new Date().toISOString(), patches: n, pairs, medianRatio: median(pairs.map((p) => p.ratio)) });
  process.exit(0);
}

const rows = {
  wsihpc: [],
  wsihpc1core: [],
  wsihpcLibvips: [],
  windows: [],
  rawTask0: [],
  gzip4Task0: [],
  gzip1Task0: [],
  openslideH5py: [],
  vipsDecode: [],
};
for (let r = 0; r < REPS; r++) {
  log(`rep ${r + 1}: wsi-hpc pack on 2 cores, then 1 core ...`);
  rows.wsihpc.push(pack(raw.dir, 2));
  rows.wsihpc1core.push(pack(raw.dir, 1));
  log(`rep ${r + 1}: wsi-hpc pack with libvips decoding (TurboJPEG hidden) ...`);
  rows.wsihpcLibvips.push(pack(raw.dir, 2, { WSI_HPC_TURBOJPEG: join(DIR, 'no-such-libturbojpeg.so') }));
  log(`rep ${r + 1}: window shards; shard 0 raw, gzip level 4 (the default) and 1 ...`);
  rows.windows.push(pack(windows.dir, 2));
  rows.rawTask0.push(pack(raw.dir, 2, {}, ['--task', '0']));
  rows.gzip4Task0.push(pack(gzip4.dir, 2, {}, ['--task', '0']));
  rows.gzip1Task0.push(pack(gzip1.dir, 2, {}, ['--task', '0']));
  log(`rep ${r + 1}: OpenSlide + h5py ...`);
  rows.openslideH5py.push(openslidePack());
  log(`rep ${r + 1}: vips avg of level 0 ...`);
  rows.vipsDecode.push(timed('vips', ['avg', `${SLIDE}[page=0]`]));
}

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
    runs: list.map((t) => ({ wallS: t.wallS, cpuS: round(t.cpuS, 2) })),
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
    windowPatches: Math.round(windowPatches),
  },
  reps: REPS,
  wsihpc: summarize(rows.wsihpc, n),
  wsihpc1core: summarize(rows.wsihpc1core, n),
  wsihpcLibvips: summarize(rows.wsihpcLibvips, n),
  windows: summarize(rows.windows, windowPatches),
  rawTask0: summarize(rows.rawTask0, plan.shards.list[0].patches),
  gzip4Task0: summarize(rows.gzip4Task0, plan.shards.list[0].patches),
  gzip1Task0: summarize(rows.gzip1Task0, plan.shards.list[0].patches),
  openslideH5py: summarize(rows.openslideH5py, n),
  // The decode limit in patches' worth of pixels: level-0 pixels / 224².
  vipsDecode: summarize(rows.vipsDecode, level0Patches),
};
const os = result.openslideH5py.perCpuSecond;
const vips = result.vipsDecode.perCpuSecond;
result.ratios = {
  perCpuSecondVsOpenslideH5py: result.wsihpc.perCpuSecond / os,
  perCpuSecondVsVipsDecode: result.wsihpc.perCpuSecond / vips,
  windowsVsOpenslideH5py: result.windows.perCpuSecond / os,
  windowsVsVipsDecode: result.windows.perCpuSecond / vips,
  wallSpeedup2CoresVs1: result.wsihpc1core.wallS / result.wsihpc.wallS,
  gzip4CpuVsRaw: result.gzip4Task0.cpuS / result.rawTask0.cpuS,
  gzip1CpuVsRaw: result.gzip1Task0.cpuS / result.rawTask0.cpuS,
  turbojpegVsLibvipsCpu: result.wsihpc.cpuS / result.wsihpcLibvips.cpuS,
  goals: { vsOpenslideH5py: 3, vsVipsDecode: 0.7, gzipCpuVsRaw: 1.5 },
};
writeResult('pack-cpu', result);
