// Benchmark of `wsi-hpc pack` (run `npm run build` first, then `node bench/pack-throughput.mjs`): packs array task 0
// (the first ~1 GiB shard) of a 100000x80000 synthetic slide planned at 0.5 µm/px (level 0, 224 px), raw and gzip,
// against (1) the decode limit: libvips decoding the same level-0 tiles, and (2) the published design's packer
// (OpenSlide read_region per patch + h5py, bench/openslide_h5py_pack.py) on the same patches, all in the same run.
// Then read-back throughput and bytes per patch for several chunk shapes and gzip levels (bench/out/pack-chunks/).
// Env: REPS (default 2) interleaved repetitions of the raw pack variants and libvips (gzip runs once); CONCURRENCY="8 32" pack read concurrencies to
// compare; SKIP_VIPS_FULL=1 skips `vips avg` over the whole level.
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { readFileSync, rmSync, statSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BIN, OUT, PY, ROOT, ensureSlides, log, median, readJson, round, timed, writeResult } from './bench-util.mjs';
import { ShardReader, ShardWriter } from '../dist/hdf5/index.js';
import { decodeGrid } from '../dist/grid/index.js';

const BIG_DIR = join(OUT, 'big-generic');
const SLIDE = join(BIG_DIR, 'slide-001.tif');
const WORK = join(OUT, 'pack-bench');
const REPS = Number(process.env.REPS ?? 2);
const CONCURRENCIES = (process.env.CONCURRENCY ?? '8 32').split(/\s+/).filter(Boolean).map(Number);
const PATCH = 224;
const PATCH_BYTES = PATCH * PATCH * 3;
const MB = 1e6;

ensureSlides(BIG_DIR, { slides: 1, width: 100000, height: 80000, flavour: 'generic' });

// Plan (reused by the plan stage itself when unchanged) and return task 0's shard and the slide entry.
function planRun(name, extra) {
  const run = join(WORK, name);
  execFileSync('node', [BIN, 'plan', SLIDE, '--out', run, '--mpp', '0.5', '--patch-size', String(PATCH), '-q', ...extra], {
    stdio: 'inherit',
  });
  const plan = readJson(join(run, 'plan.json'));
  const shard = plan.shards.list[plan.tasks.pack[0].shards[0]];
  return { run, plan, shard, slide: plan.slides[0] };
}

function pack(run, args = []) {
  rmSync(join(run, 'shards'), { recursive: true, force: true });
  rmSync(join(run, 'markers', 'pack'), { recursive: true, force: true });
  const t = timed('node', [BIN, 'pack', run, '--task', '0', '--json', ...args]);
  const r = JSON.parse(t.stdout).shards[0];
  if (r.status !== 'done') throw new Error(`pack failed: ${JSON.stringify(r)}`);
  return { ...t, fileBytes: r.bytes, patches: r.patches };
}

log('planning (raw and gzip) ...');
const raw = planRun('raw', []);
const gz = planRun('gzip', ['--compression', 'gzip']);
const seg = raw.shard.segments[0];
const n = raw.shard.patches;
const grid = decodeGrid(readFileSync(join(raw.run, raw.slide.grid.file)));
const level0 = raw.slide.info.levels[0];

// Level-0 tiles touched by the shard's patches, and per tile row the column span libvips is asked to decode.
const tw = level0.tileWidth;
const th = level0.tileHeight;
const touched = new Set();
const rowSpans = new Map();
for (let i = seg.start; i < seg.end; i++) {
  const x = grid.coords[2 * i];
  const y = grid.coords[2 * i + 1];
  for (let r = Math.floor(y / th); r * th < y + PATCH; r++) {
    for (let c = Math.floor(x / tw); c * tw < x + PATCH; c++) {
      touched.add(`${r}:${c}`);
      const s = rowSpans.get(r) ?? [c, c];
      rowSpans.set(r, [Math.min(s[0], c), Math.max(s[1], c)]);
    }
  }
}
const spans = [...rowSpans].map(([r, [c0, c1]]) => ({
  left: c0 * tw,
  top: r * th,
  width: Math.min(level0.width, (c1 + 1) * tw) - c0 * tw,
  height: Math.min(level0.height, (r + 1) * th) - r * th,
}));
const spanTiles = [...rowSpans.values()].reduce((k, [c0, c1]) => k + c1 - c0 + 1, 0);

// libvips (sharp's build, 2 threads per pipeline, 2 rows in flight) decoding only the tile-row spans with patches.
function vipsSpans() {
  const script = `
    import sharp from 'sharp';
    sharp.concurrency(2);
    const spans = ${JSON.stringify(spans)};
    let next = 0;
    async function worker() {
      while (next < spans.length) {
        const s = spans[next++];
        await sharp(${JSON.stringify(SLIDE)}, { page: 0, limitInputPixels: false }).extract(s).raw().toBuffer();
      }
    }
    await Promise.all([worker(), worker()]);`;
  return timed('node', ['--input-type=module', '-e', script], { cwd: ROOT });
}

const results = { raw: {}, gzip: [] };
log(
  `packing task 0 (${n} patches), ${REPS} interleaved repetitions: raw at read concurrency ${CONCURRENCIES.join(', ')}, gzip, libvips spans ...`,
);
const vipsRuns = [];
for (let rep = 0; rep < REPS; rep++) {
  for (const c of CONCURRENCIES) {
    results.raw[c] ??= [];
    results.raw[c].push(pack(raw.run, ['--read-concurrency', String(c)]));
  }
  if (rep === 0) results.gzip.push(pack(gz.run));
  vipsRuns.push(vipsSpans());
}

log('OpenSlide + h5py packer on the same patches ...');
mkdirSync(WORK, { recursive: true });
const pyOut = join(WORK, 'openslide-h5py.h5');
const py = timed(PY, [
  join(ROOT, 'bench/openslide_h5py_pack.py'),
  SLIDE,
  join(raw.run, raw.slide.grid.file),
  String(seg.start),
  String(seg.end),
  '0',
  String(PATCH),
  pyOut,
  String(raw.plan.params.pack.chunkPatches),
]);
rmSync(pyOut, { force: true });

let vipsFull = null;
if (!process.env.SKIP_VIPS_FULL) {
  log('vips avg over the whole of level 0 ...');
  const t = timed('vips', ['avg', `${SLIDE}[page=0]`]);
  const allTiles = Math.ceil(level0.width / tw) * Math.ceil(level0.height / th);
  vipsFull = {
    seconds: t.wallS,
    cpuSeconds: t.cpuS,
    tiles: allTiles,
    tilesPerS: round(allTiles / t.wallS, 0),
    patchEquivPerS: round((level0.width * level0.height) / PATCH ** 2 / t.wallS, 0),
  };
}

const best = (runs) => runs.reduce((a, b) => (b.wallS < a.wallS ? b : a));
const rate = (runs) => {
  const wall = median(runs.map((r) => r.wallS));
  return {
    seconds: wall,
    secondsAll: runs.map((r) => r.wallS),
    cpuSeconds: median(runs.map((r) => r.cpuS)),
    peakRssMiB: round(Math.max(...runs.map((r) => r.peakRssMiB)), 0),
    patchesPerS: round(n / wall, 0),
    pixelMBPerS: round((n * PATCH_BYTES) / MB / wall, 1),
    fileMBPerS: round(best(runs).fileBytes / MB / wall, 1),
    bytesPerPatch: round(best(runs).fileBytes / n, 0),
  };
};
const vipsWall = median(vipsRuns.map((r) => r.wallS));
const decodeLimit = {
  method: "libvips tiffload (sharp build, 2 threads) decoding, per level-0 tile row, the column span holding the shard's patches",
  tilesTouchedByPatches: touched.size,
  tilesDecoded: spanTiles,
  seconds: vipsWall,
  secondsAll: vipsRuns.map((r) => r.wallS),
  tilesPerS: round(spanTiles / vipsWall, 0),
  // Time libvips would need for exactly the touched tiles at its measured rate, expressed per patch.
  patchesPerS: round(n / ((touched.size * vipsWall) / spanTiles), 0),
};
const ours = Object.fromEntries(Object.entries(results.raw).map(([c, runs]) => [c, rate(runs)]));
const bestRaw = Object.values(ours).reduce((a, b) => (b.patchesPerS > a.patchesPerS ? b : a));
const gzipRate = rate(results.gzip);

// Read-back and size per chunk shape / gzip level, on the first CHUNK_PATCHES patches of the raw shard.
log('read-back and bytes per patch per chunk shape and gzip level ...');
const CHUNK_N = Number(process.env.CHUNK_PATCHES ?? 2048);
const src = await ShardReader.open(join(raw.run, 'shards', `${raw.shard.id}.h5`));
const sample = src.readPatches(0, CHUNK_N).pixels;
src.close();
const k = sample.length / PATCH_BYTES;
const chunkDir = join(OUT, 'pack-chunks');
mkdirSync(chunkDir, { recursive: true });
const variants = [
  ...[1, 8, 16, 64].map((c) => ({ chunk: c, compression: { codec: 'none' } })),
  ...[1, 4, 6].map((l) => ({ chunk: 16, compression: { codec: 'gzip', level: l } })),
  ...[1, 64].map((c) => ({ chunk: c, compression: { codec: 'gzip', level: 4 } })),
];
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const readBack = [];
for (const v of variants) {
  const name = `${v.compression.codec}${v.compression.level ?? ''}-c${v.chunk}`;
  const path = join(chunkDir, `${name}.h5`);
  rmSync(path, { force: true });
  const t0 = performance.now();
  const w = await ShardWriter.create({
    path,
    coords: new Int32Array(2 * k),
    slideIndex: new Int32Array(k),
    gridIndex: Int32Array.from({ length: k }, (_, i) => i),
    chunkPatches: v.chunk,
    compression: v.compression,
    meta: {
      shardId: name,
      planHash: 'bench',
      patchSizePx: PATCH,
      stridePx: PATCH,
      slides: [{ id: 's', name: 's', level: 0, downsample: 1, mpp: 0.5, readSizePx: PATCH }],
    },
  });
  for (let s = 0; s < k; s += 128) w.writeBatch(sample.subarray(s * PATCH_BYTES, Math.min(k, s + 128) * PATCH_BYTES));
  w.close();
  const writeS = (performance.now() - t0) / 1000;
  const bytes = statSync(path).size;
  const r = await ShardReader.open(path);
  let t1 = performance.now();
  for (let s = 0; s < k; s += 64) r.readPatches(s, 64);
  const seqS = (performance.now() - t1) / 1000;
  const rand = rng(7);
  const randomBatches = v.compression.codec === 'gzip' && v.chunk >= 64 ? 4 : 16;
  t1 = performance.now();
  for (let b = 0; b < randomBatches; b++) for (let j = 0; j < 64; j++) r.readPatches(Math.floor(rand() * k), 1);
  const randS = (performance.now() - t1) / 1000;
  r.close();
  readBack.push({
    variant: name,
    chunkPatches: v.chunk,
    compression: v.compression,
    bytesPerPatch: round(bytes / k, 0),
    ratioToRaw: round(bytes / k / PATCH_BYTES, 3),
    writePatchesPerS: round(k / writeS, 0),
    sequentialReadPatchesPerS: round(k / seqS, 0),
    randomReadPatchesPerS: round((randomBatches * 64) / randS, 0),
  });
  rmSync(path, { force: true });
}

writeResult('pack-throughput', {
  machine: {
    cores: cpus().length,
    cpu: cpus()[0]?.model,
    node: process.version,
    uvThreadpoolSize: process.env.UV_THREADPOOL_SIZE ?? '4 (default)',
  },
  slide: {
    file: '100000x80000 generic TIFF (wsi-hpc synth --flavour generic), JPEG Q85, 256 px tiles, 0.5 µm/px',
    patchesInSlide: raw.slide.grid.count,
    task0Patches: n,
    task0Tiles: touched.size,
  },
  ours: { raw: ours, gzip4: gzipRate },
  decodeLimit,
  vipsAvgWholeLevel0: vipsFull,
  openslideH5py: {
    seconds: py.wallS,
    cpuSeconds: py.cpuS,
    patchesPerS: round(n / py.wallS, 0),
    pixelMBPerS: round((n * PATCH_BYTES) / MB / py.wallS, 1),
  },
  ratios: {
    bestRawOverDecodeLimit: round(bestRaw.patchesPerS / decodeLimit.patchesPerS, 2),
    bestRawOverOpenslideH5py: round(bestRaw.patchesPerS / (n / py.wallS), 2),
    gzipOverRaw: round(gzipRate.patchesPerS / bestRaw.patchesPerS, 2),
    ...Object.fromEntries(
      Object.entries(ours).map(([c, o]) => [
        `raw_c${c}_over_c${CONCURRENCIES[0]}`,
        round(o.patchesPerS / ours[CONCURRENCIES[0]].patchesPerS, 2),
      ]),
    ),
  },
  readBack: { patches: k, batch: 64, randomBatch: '64 single-patch reads at random indices', variants: readBack },
});
