#!/usr/bin/env node
// Dense vs sliding-window heatmaps of a 1024x1024 window (small_HE.svs, level 0) at strides 56 and
// 16: process CPU seconds with 1 intra-op thread, and the dense-vs-sliding differences, for the zoo
// GoogLeNet and ResNet-18 (zero 'same' padding) and the valid-padding test CNN. Needs `npm run build`.
// Sliding at stride 16 (2601 patches) is timed on --sample cells spread over the grid and scaled to
// the whole grid (its cost is linear in patches); --full runs every cell (the test CNN always does). JSON on stdout.
// Usage: node bench/dense-speedup.mjs [--window 1024] [--sample 128] [--full] [--models googlenet,resnet18,fcn-valid]
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import {
  buildFcn,
  compareHeatmaps,
  convertToDense,
  createDenseSession,
  createPatchSession,
  denseHeatmap,
  planShifts,
  slidingHeatmap,
} from '../dist/model/dense/index.js';
import { buildGoogLeNet, buildResNet18 } from '../dist/model/zoo/index.js';
import { openSlide } from '../dist/slide/index.js';
import { ROOT, log, round, writeResult } from './bench-util.mjs';

const { values } = parseArgs({
  options: {
    window: { type: 'string', default: '1024' },
    sample: { type: 'string', default: '128' },
    full: { type: 'boolean', default: false },
    models: { type: 'string', default: 'googlenet,resnet18,fcn-valid' },
    strides: { type: 'string', default: '56,16' },
  },
});
const edge = Number(values.window);
const BUILDERS = {
  googlenet: () => buildGoogLeNet(),
  resnet18: () => buildResNet18(),
  'fcn-valid': () => buildFcn({ padding: 'valid' }),
  'fcn-same': () => buildFcn({ padding: 'same' }),
};
const SLIDE = join(ROOT, '../shared/testdata/small_HE.svs');
const ORIGIN = [600, 900];

async function readWindow() {
  if (!existsSync(SLIDE)) throw new Error(`${SLIDE} is missing`);
  const slide = await openSlide(SLIDE);
  const image = await slide.readRegion(0, ORIGIN[0], ORIGIN[1], edge, edge);
  await slide.close();
  return image;
}

// CPU seconds (user + system, whole process) and wall seconds of `fn`.
async function measure(fn) {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const value = await fn();
  const used = process.cpuUsage(cpu);
  return { value, cpuS: (used.user + used.system) / 1e6, wallS: (performance.now() - t) / 1000 };
}

// `count` cells spread evenly over a width x height grid, row-major.
function spreadCells(width, height, count) {
  const n = width * height;
  const k = Math.min(count, n);
  return Array.from({ length: k }, (_, i) => Math.floor((i * n) / k)).map((idx) => [idx % width, Math.floor(idx / width)]);
}

const window = await readWindow();
const rows = [];
for (const name of values.models.split(',')) {
  const model = BUILDERS[name]();
  const dense = convertToDense(model.bytes, model.card);
  const denseSession = await createDenseSession(dense, { intraOpNumThreads: 1 });
  const patchSession = await createPatchSession(model.bytes, model.card, { intraOpNumThreads: 1 });
  await slidingHeatmap(patchSession, window, 1024, { cells: [[0, 0]] });
  for (const stride of values.strides.split(',').map(Number)) {
    const plan = planShifts(edge, edge, dense.patchSizePx, stride, dense.totalStridePx);
    const total = plan.gridWidth * plan.gridHeight;
    await denseHeatmap(denseSession, window, stride);
    const d = await measure(() => denseHeatmap(denseSession, window, stride));
    // The test CNN is cheap enough to score every cell.
    const cells =
      values.full || name.startsWith('fcn') || total <= Number(values.sample) * 2
        ? null
        : spreadCells(plan.gridWidth, plan.gridHeight, Number(values.sample));
    const s = await measure(() => slidingHeatmap(patchSession, window, stride, { batchSize: 16, cells: cells ?? undefined }));
    const scored = cells ? cells.length : total;
    const slidingCpuS = (s.cpuS * total) / scored;
    const diff = compareHeatmaps(d.value, s.value);
    const row = {
      model: name,
      stride,
      grid: `${plan.gridWidth}x${plan.gridHeight}`,
      patches: total,
      denseRuns: d.value.runs,
      denseCpuS: round(d.cpuS, 2),
      denseWallS: round(d.wallS, 2),
      slidingCpuS: round(slidingCpuS, 2),
      slidingScoredPatches: scored,
      slidingIsExtrapolated: scored < total,
      speedup: round(slidingCpuS / d.cpuS, 1),
      pixelRatio: round(plan.slidingPixels / plan.densePixels, 2),
      maxAbsLogit: diff.maxAbsLogit,
      maxLogitMagnitude: diff.maxLogitMagnitude,
      maxAbsProbability: diff.maxAbsProbability,
      meanAbsProbability: diff.meanAbsProbability,
    };
    log(JSON.stringify(row));
    rows.push(row);
  }
  await denseSession.session.release();
  await patchSession.session.release();
}
writeResult('dense-speedup', {
  node: process.version,
  ort: ort.env.versions?.node ?? null,
  window: { slide: 'small_HE.svs', level: 0, x: ORIGIN[0], y: ORIGIN[1], edge },
  threads: 1,
  rows,
});
