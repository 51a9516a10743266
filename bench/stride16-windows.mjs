#!/usr/bin/env node
// Stride-16 tissue windows on a CAMELYON16-size synthetic slide: packed bytes (patch layout at 224 vs
// window layouts at 16), pack and GoogLeNet infer core-seconds (sliding and dense, strides 224/32/16,
// CPU, 1 intra-op thread), the 399-slide cohort projection and the rates for src/plan/estimate.ts.
// Every figure is a `wsi-hpc` child process under /usr/bin/time (user + sys, wall, peak RSS). Inference
// runs on a subset (one or two array tasks of a small-shard plan) and is scaled by kept positions
// (sliding) or windows (dense). Needs `npm run build`. JSON on stdout and in bench/out/stride16-windows.json.
// Usage: node bench/stride16-windows.mjs [--width 48000 --height 108000] [--tissue-mpx 1000] [--keep]
import { existsSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BIN, OUT, ROOT, log, round, timed, writeResult } from './bench-util.mjs';

const { values } = parseArgs({
  options: {
    width: { type: 'string', default: '48000' },
    height: { type: 'string', default: '108000' },
    seed: { type: 'string', default: '16' },
    // Tissue pixels (at 0.5 µm/px) assumed for a mean CAMELYON16 slide in the cohort projection.
    'tissue-mpx': { type: 'string', default: '1000' },
    'sliding-positions': { type: 'string', default: '800' },
    keep: { type: 'boolean', default: false },
  },
});
const DIR = join(OUT, 'stride16');
const SLIDES = join(DIR, `slides-${values.width}x${values.height}`);
const RUNS = join(DIR, 'runs');
const MODEL = join(DIR, 'models/googlenet.onnx');
const SMALL_HE = join(ROOT, '../shared/testdata/small_HE.svs');
const DEMO = ['slide-001.tif', 'slide-002.svs', 'slide-003.tif'].map((f) => join(ROOT, 'demo-run/slides', f));
const COHORT = { slides: 399, publishedCoreHours: 157_000, publishedWallHours: 45, cores: 4000 };
const loadStart = loadavg();
const node = (args) => timed('node', [BIN, ...args]);

function setup() {
  const slide = join(SLIDES, 'slide-001.tif');
  if (!existsSync(slide)) {
    log(`synth ${values.width}x${values.height} at 0.5 µm/px into ${SLIDES} ...`);
    rmSync(SLIDES, { recursive: true, force: true });
    node(
      ['synth', SLIDES, '--slides', '1', '--width', values.width, '--height', values.height, '--mpp', '0.5'].concat([
        '--flavour',
        'generic',
        '--seed',
        values.seed,
        '-q',
      ]),
    );
  }
  if (!existsSync(MODEL)) timed('node', [join(ROOT, 'scripts/build-models.mjs'), join(DIR, 'models'), '--only', 'googlenet']);
  return slide;
}

/** `wsi-hpc plan` (--json); a real plan goes to RUNS/name (removed first), a dry run writes nothing. */
function plan(slides, name, args, dryRun = false) {
  const out = join(RUNS, name);
  rmSync(out, { recursive: true, force: true });
  const r = node(['plan', ...slides, '--out', out, '--mpp', '0.5', ...args, '--json', '-q', ...(dryRun ? ['--dry-run'] : [])]);
  const json = JSON.parse(r.stdout);
  const tissuePx = json.slides.reduce((n, s) => n + s.tissueFraction * s.width * s.height, 0);
  const side = json.windows?.sidePx ?? null;
  return {
    out,
    name,
    args: args.join(' '),
    cpuS: r.cpuS,
    positions: json.totals.patches,
    windows: json.totals.windows ?? null,
    k: json.windows?.positions ?? null,
    sidePx: side,
    bytes: json.totals.bytes,
    shards: json.shards,
    tasks: json.tasks.pack,
    tissueMpx: tissuePx / 1e6,
    windowMpx: side ? ((json.totals.windows ?? 0) * side * side) / 1e6 : null,
  };
}

/** Windows and positions of array task `t` of a plan (windows from the shard bytes: side² x 3 each). */
function taskSize(p, t) {
  const shards = p.tasks.find((x) => x.task === t).shards.map((i) => p.shards[i]);
  const positions = shards.reduce((n, s) => n + s.patches, 0);
  const windows = p.sidePx ? shards.reduce((n, s) => n + s.expectedBytes / (p.sidePx * p.sidePx * 3), 0) : null;
  return { task: t, positions, windows };
}

function pack(p, task) {
  const r = node(['pack', p.out, ...(task === undefined ? [] : ['--task', String(task)]), '--json', '-q']);
  return { cpuS: round(r.cpuS, 2), wallS: r.wallS, peakRssMiB: Math.round(r.peakRssMiB) };
}

function infer(p, task, method) {
  const args = ['infer', p.out, '--model', MODEL, '--task', String(task), '--device', 'cpu', '--threads', '1', '--json', '-q'];
  const r = node(method ? [...args, '--method', method] : args);
  const json = JSON.parse(r.stdout);
  if (json.failed) throw new Error(`infer ${p.name} task ${task} failed: ${r.stdout}`);
  return { cpuS: r.cpuS, wallS: r.wallS, peakRssMiB: Math.round(r.peakRssMiB), method: json.method ?? method ?? 'sliding' };
}

/** Pack and infer tasks at the given fractions of a plan's task list; sums of CPU-s, windows and positions. */
function measureInfer(p, fractions, method) {
  const picked = [...new Set(fractions.map((f) => Math.min(p.tasks.length - 1, Math.floor(f * p.tasks.length))))];
  const sum = { cpuS: 0, wallS: 0, peakRssMiB: 0, positions: 0, windows: 0, tasks: picked };
  for (const t of picked) {
    pack(p, t);
    const r = infer(p, t, method);
    const size = taskSize(p, t);
    sum.cpuS += r.cpuS;
    sum.wallS += r.wallS;
    sum.peakRssMiB = Math.max(sum.peakRssMiB, r.peakRssMiB);
    sum.positions += size.positions;
    sum.windows += size.windows ?? 0;
    sum.method = r.method;
    log(
      `  ${p.name} task ${t}: ${method ?? 'patches'} ${round(r.cpuS, 1)} CPU-s, ${size.positions} positions, ${size.windows ?? '-'} windows`,
    );
  }
  return sum;
}

const slide = setup();
const t0 = performance.now();

// 1. Bytes: stride 224 patches vs stride 16 windows (k = 14, 28, 56, auto) and the old stride-16 patch layout.
log('plans (bytes) ...');
const p224 = plan([slide], 'p224', []);
const p16 = plan([slide], 'p16-auto', ['--stride', '16']);
const bytesRows = [];
const bytesFor = (label, slides, base) => {
  const ref = base ?? plan(slides, `${label}-224`, [], true);
  const rows = [{ layout: 'patches', stride: 224, k: null, bytes: ref.bytes, positions: ref.positions, windows: null, ratio: 1 }];
  for (const k of [14, 28, 56, 'auto']) {
    const p =
      k === 'auto' && label === 'big'
        ? p16
        : plan(slides, `${label}-16-${k}`, ['--stride', '16'].concat(k === 'auto' ? [] : ['--window-positions', String(k)]), true);
    rows.push({
      layout: 'windows',
      stride: 16,
      k: p.k,
      bytes: p.bytes,
      positions: p.positions,
      windows: p.windows,
      ratio: round(p.bytes / ref.bytes, 2),
    });
  }
  const old = plan(slides, `${label}-16-patches`, ['--stride', '16', '--layout', 'patches'], true);
  rows.push({
    layout: 'patches',
    stride: 16,
    k: null,
    bytes: old.bytes,
    positions: old.positions,
    windows: null,
    ratio: round(old.bytes / ref.bytes, 1),
  });
  bytesRows.push({ slides: label, tissueMpx: round(ref.tissueMpx, 1), rows });
  log(`  ${label}: ${rows.map((r) => `${r.layout}/${r.stride}/k=${r.k}: ${(r.bytes / 1e9).toFixed(3)} GB (${r.ratio}x)`).join('; ')}`);
};
bytesFor('big', [slide], p224);
bytesFor('small_HE', [SMALL_HE]);
if (DEMO.every(existsSync)) bytesFor('demo', DEMO);

// 2. Pack the whole slide: stride 224 patch layout and stride 16 auto-k windows (default 1 GiB shards).
log('pack whole slide at stride 224 and 16 ...');
const pack224 = pack(p224);
const pack16 = pack(p16);
log(`  224: ${pack224.cpuS} CPU-s; 16: ${pack16.cpuS} CPU-s`);
if (!values.keep) for (const p of [p224, p16]) rmSync(p.out, { recursive: true, force: true });

// 3. Infer subsets: small-shard plans, one or two tasks packed and inferred with 1 thread.
log('infer subsets ...');
const sp = values['sliding-positions'];
const configs = [
  { stride: 224, method: 'sliding', plan: () => plan([slide], 'i224-sliding', ['--patches-per-shard', sp]), f: [0.5] },
  { stride: 224, method: 'dense', plan: () => plan([slide], 'i224-dense', ['--layout', 'windows', '--shard-size', '48MiB']), f: [0.5] },
  {
    stride: 32,
    method: 'sliding',
    plan: () => plan([slide], 'i32-sliding', ['--stride', '32', '--window-positions', '8', '--patches-per-shard', sp]),
    f: [0.5],
  },
  { stride: 32, method: 'dense', plan: () => plan([slide], 'i32-dense', ['--stride', '32', '--shard-size', '48MiB']), f: [0.5] },
  {
    stride: 16,
    method: 'sliding',
    plan: () => plan([slide], 'i16-sliding', ['--stride', '16', '--window-positions', '14', '--patches-per-shard', sp]),
    f: [0.5],
  },
  { stride: 16, method: 'dense', plan: () => plan([slide], 'i16-dense', ['--stride', '16', '--shard-size', '64MiB']), f: [0.35, 0.65] },
];
// Per-process start-up (Node, model load, dense conversion, sessions): a 1-patch and a 1-window task.
const tinyPatch = plan([SMALL_HE], 'tiny-patch', ['--patches-per-shard', '1']);
pack(tinyPatch, 0);
const tinyWindow = plan([SMALL_HE], 'tiny-window', ['--stride', '16', '--window-positions', '1', '--shard-size', '1']);
pack(tinyWindow, 0);
const startup = { sliding: infer(tinyPatch, 0).cpuS, dense: infer(tinyWindow, 0, 'dense').cpuS };
log(`  start-up: sliding ${startup.sliding} CPU-s, dense ${startup.dense} CPU-s per process`);
const inferRows = [];
for (const c of configs) {
  const p = c.plan();
  // Patch-layout plans take no --method.
  const m = measureInfer(p, c.f, p.sidePx ? c.method : undefined);
  // Net of the per-process start-up; a slide pays one start-up per 1 GiB shard (default shard size).
  const netS = m.cpuS - startup[c.method] * m.tasks.length;
  const units = c.method === 'sliding' ? m.positions : m.windows;
  const perSlideCpuS =
    (netS / units) * (c.method === 'sliding' ? p.positions : p.windows) + startup[c.method] * Math.ceil(p.bytes / 2 ** 30);
  const runs = c.stride % 32 === 0 ? 1 : (32 / 16) ** 2;
  inferRows.push({
    stride: c.stride,
    method: m.method,
    k: p.k,
    sidePx: p.sidePx,
    slidePositions: p.positions,
    slideWindows: p.windows,
    measured: {
      tasks: m.tasks,
      positions: m.positions,
      windows: round(m.windows, 1),
      cpuS: round(m.cpuS, 2),
      wallS: round(m.wallS, 1),
      peakRssMiB: m.peakRssMiB,
    },
    netCpuS: round(netS, 2),
    positionsPerCoreS: round(m.positions / netS, 2),
    coreSPerWindow: m.windows ? round(netS / m.windows, 3) : null,
    denseRunsPerWindow: c.method === 'dense' ? runs : null,
    windowMpxPerCoreSPerRun: c.method === 'dense' ? round((m.windows * p.sidePx ** 2 * runs) / 1e6 / netS, 3) : null,
    perSlideCoreS: round(perSlideCpuS, 0),
    perSlideCoreSPerTissueMpx: round(perSlideCpuS / p.tissueMpx, 3),
  });
  log(`  stride ${c.stride} ${c.method}: ${round(perSlideCpuS, 0)} core-s per slide`);
  if (!values.keep) rmSync(p.out, { recursive: true, force: true });
}
if (!values.keep) for (const p of [tinyPatch, tinyWindow]) rmSync(p.out, { recursive: true, force: true });

// 4. Cohort projection at stride 16: per-slide core-seconds scaled by tissue area to --tissue-mpx.
const tissueMpx = p16.tissueMpx;
const scale = Number(values['tissue-mpx']) / tissueMpx;
const pack16SlideS = pack16.cpuS;
const project = (inferS) => {
  const coreHours = ((pack16SlideS + inferS) * scale * COHORT.slides) / 3600;
  return {
    coreHours: round(coreHours, 0),
    wallHoursOn4000: round(coreHours / COHORT.cores, 3),
    vsPublished: round(COHORT.publishedCoreHours / coreHours, 1),
  };
};
const row16 = (m) => inferRows.find((r) => r.stride === 16 && r.method === m);
const projection = {
  assumedTissueMpxPerSlide: Number(values['tissue-mpx']),
  benchSlideTissueMpx: round(tissueMpx, 1),
  scale: round(scale, 3),
  dense: project(row16('dense').perSlideCoreS),
  sliding: project(row16('sliding').perSlideCoreS),
  published: { coreHours: COHORT.publishedCoreHours, wallHours: COHORT.publishedWallHours, cores: COHORT.cores },
};

// 5. Rates for src/plan/estimate.ts.
const rates = {
  packPatchesPerCoreSecond: round(p224.positions / pack224.cpuS, 1),
  packWindowMpxPerCoreSecond: round(p16.windowMpx / pack16.cpuS, 2),
  denseWindowMpxPerCoreSecondPerRun: row16('dense').windowMpxPerCoreSPerRun,
  slidingPatchesPerCoreSecond: round(
    inferRows.filter((r) => r.method === 'sliding').reduce((n, r) => n + r.measured.positions, 0) /
      inferRows.filter((r) => r.method === 'sliding').reduce((n, r) => n + r.netCpuS, 0),
    2,
  ),
  inferStartupCoreS: startup,
};

writeResult('stride16-windows', {
  node: process.version,
  cpu: cpus()[0]?.model ?? null,
  cores: cpus().length,
  loadavg: { start: loadStart.map((x) => round(x, 2)), end: loadavg().map((x) => round(x, 2)) },
  wallMinutes: round((performance.now() - t0) / 60000, 1),
  slide: { file: slide, width: Number(values.width), height: Number(values.height), mpp: 0.5, tissueMpx: round(tissueMpx, 1) },
  bytes: bytesRows,
  pack: {
    stride224: { ...pack224, patches: p224.positions, bytes: p224.bytes, coreSPerTissueMpx: round(pack224.cpuS / p224.tissueMpx, 4) },
    stride16: {
      ...pack16,
      k: p16.k,
      windows: p16.windows,
      windowMpx: round(p16.windowMpx, 1),
      bytes: p16.bytes,
      coreSPerTissueMpx: round(pack16.cpuS / p16.tissueMpx, 4),
    },
  },
  infer: inferRows,
  projection,
  rates,
});
