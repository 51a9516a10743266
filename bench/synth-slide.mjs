// Benchmark of the synthetic slide generator: wall time, file size and peak RSS for one slide
// (default 100000 x 80000, aperio). Needs `npm run build` first; writes into bench/out/ (ignored).
// Usage: node bench/synth-slide.mjs [--width W] [--height H] [--flavour generic|aperio] [--concurrency N] [--keep]
import { rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { synthSlide } from '../dist/synth/index.js';

const { values } = parseArgs({
  options: {
    width: { type: 'string', default: '100000' },
    height: { type: 'string', default: '80000' },
    flavour: { type: 'string', default: 'aperio' },
    concurrency: { type: 'string', default: '4' },
    keep: { type: 'boolean', default: false },
  },
});
const path = join('bench', 'out', `synth-${values.width}x${values.height}.${values.flavour === 'aperio' ? 'svs' : 'tif'}`);
const result = await synthSlide({
  path,
  width: Number(values.width),
  height: Number(values.height),
  flavour: values.flavour,
  concurrency: Number(values.concurrency),
  seed: 1,
});
const bytes = (await stat(path)).size;
const report = {
  slide: `${values.width}x${values.height} ${values.flavour}`,
  cores: availableParallelism(),
  seconds: result.elapsedMs / 1000,
  bytes,
  gib: +(bytes / 2 ** 30).toFixed(3),
  isBigTiff: result.isBigTiff,
  levels: result.levels.map((l) => `${l.width}x${l.height}`),
  tiles: result.tiles,
  peakRssMib: Math.round(process.resourceUsage().maxRSS / 1024),
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
if (!values.keep) await rm(path, { force: true });
