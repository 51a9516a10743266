// Benchmark of 224x224 level-0 region reads, random and grid (row-major) order: the OpenSlide backend (koffi async
// calls), the native TIFF reader, and Python OpenSlide (Debian's /usr/bin/python3) on the same slides and positions.
// Run `npm run build` first, then `node bench/openslide-reads.mjs` (JSON on stdout, progress on stderr; READS= sets
// the reads per run, default 800; CONCURRENCY= the in-flight reads of the parallel Node runs, default 8).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSlide } from '../dist/slide/index.js';
import { synthSlide } from '../dist/synth/index.js';
import { log, OUT, PY, ROOT } from './bench-util.mjs';

const PATCH = 224;
const READS = Number(process.env.READS ?? 800);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
const SYNTH = join(OUT, 'openslide-reads', 'synth-8192x6144.svs');
const SMALL_HE = join(ROOT, '../shared/testdata/small_HE.svs');

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** `count` patch positions: uniformly random, or the row-major 224 grid from the top-left (wrapping). */
function positions(width, height, order, count) {
  const out = [];
  if (order === 'random') {
    const next = rng(42);
    for (let i = 0; i < count; i++) out.push([Math.floor(next() * (width - PATCH)), Math.floor(next() * (height - PATCH))]);
    return out;
  }
  const columns = Math.floor(width / PATCH);
  const rows = Math.floor(height / PATCH);
  for (let i = 0; i < count; i++) out.push([(i % columns) * PATCH, (Math.floor(i / columns) % rows) * PATCH]);
  return out;
}

// Wall and CPU seconds (process-wide: includes koffi's and libvips' worker threads) of `fn`.
async function measure(fn) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const cpu = process.cpuUsage(cpu0);
  return { wallS: (performance.now() - t0) / 1000, cpuS: (cpu.user + cpu.system) / 1e6 };
}

async function nodeRun(path, reader, coords, concurrency) {
  const slide = await openSlide(path, { reader });
  try {
    // Warm-up outside the timing (library load, first-tile setup), on a position not in the list.
    await slide.readRegion(0, 1, 1, PATCH, PATCH);
    return await measure(async () => {
      let next = 0;
      const worker = async () => {
        while (next < coords.length) {
          const [x, y] = coords[next++];
          await slide.readRegion(0, x, y, PATCH, PATCH);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    });
  } finally {
    await slide.close();
  }
}

const PYTHON_TIMER = `
import json, sys, time, openslide
slide = openslide.OpenSlide(sys.argv[1])
coords = json.load(open(sys.argv[2]))
slide.read_region((1, 1), 0, (${PATCH}, ${PATCH})).convert('RGB')
c0, t0 = time.process_time(), time.perf_counter()
for x, y in coords:
    slide.read_region((x, y), 0, (${PATCH}, ${PATCH})).convert('RGB')
print(json.dumps({"wallS": time.perf_counter() - t0, "cpuS": time.process_time() - c0}))
`;

function pythonRun(path, coords) {
  const file = join(OUT, 'openslide-reads', 'coords.json');
  writeFileSync(file, JSON.stringify(coords));
  return JSON.parse(execFileSync(PY, ['-c', PYTHON_TIMER, path, file], { encoding: 'utf8' }));
}

function rates(result, count) {
  return { ...result, readsPerWallS: Math.round(count / result.wallS), readsPerCpuS: Math.round(count / result.cpuS) };
}

async function benchSlide(path) {
  const probe = await openSlide(path, { reader: 'native' });
  const { width, height } = probe.info.levels[0];
  await probe.close();
  const rows = [];
  for (const order of ['random', 'grid']) {
    const coords = positions(width, height, order, READS);
    for (const [backend, concurrency] of [
      ['native', 1],
      ['openslide', 1],
      ['native', CONCURRENCY],
      ['openslide', CONCURRENCY],
    ]) {
      log(`${path} ${order}: ${backend} x${concurrency} ...`);
      rows.push({
        order,
        reader: `${backend} (Node, ${concurrency} in flight)`,
        ...rates(await nodeRun(path, backend, coords, concurrency), READS),
      });
    }
    log(`${path} ${order}: python openslide ...`);
    rows.push({ order, reader: 'Python OpenSlide (serial)', ...rates(pythonRun(path, coords), READS) });
  }
  return { path, width, height, rows };
}

async function main() {
  mkdirSync(join(OUT, 'openslide-reads'), { recursive: true });
  if (!existsSync(SYNTH)) {
    log(`generating ${SYNTH} ...`);
    await synthSlide({ path: SYNTH, width: 8192, height: 6144, flavour: 'aperio', seed: 7 });
  }
  const slides = [SYNTH, ...(existsSync(SMALL_HE) ? [SMALL_HE] : [])];
  const results = [];
  for (const path of slides) results.push(await benchSlide(path));
  const out = { reads: READS, patch: PATCH, concurrency: CONCURRENCY, cpus: cpus().length, cpuModel: cpus()[0]?.model, results };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

await main();
