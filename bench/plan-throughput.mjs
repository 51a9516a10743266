// Benchmark of `wsi-hpc plan` (run `npm run build` first, then `node bench/plan-throughput.mjs`):
// (a) one 100000x80000 synthetic slide: seconds and peak RSS; (b) a cohort of 50 synthetic 30000x24000 slides:
// seconds per slide; (c) reading the same low-resolution level (plan.json's tissue.sourceLevel) with our reader
// alone and with OpenSlide from Python, in the same run. Slides are generated once into bench/out/.
// Env: COHORT (default 50), REPS (default 1) for (a).
import { join } from 'node:path';
import { cpus } from 'node:os';
import { rmSync } from 'node:fs';
import { BIN, OUT, PY, ROOT, ensureSlides, log, readJson, round, timed, writeResult } from './bench-util.mjs';

const BIG_DIR = join(OUT, 'big-generic');
const BIG = join(BIG_DIR, 'slide-001.tif');
const COHORT_DIR = join(OUT, 'cohort50');
const COHORT = Number(process.env.COHORT ?? 50);
const WORK = join(OUT, 'plan-bench');

ensureSlides(BIG_DIR, { slides: 1, width: 100000, height: 80000, flavour: 'generic' });
ensureSlides(COHORT_DIR, { slides: 50, width: 30000, height: 24000, flavour: 'mixed' });

function plan(inputs, run) {
  rmSync(run, { recursive: true, force: true });
  const t = timed('node', [BIN, 'plan', ...inputs, '--out', run, '--force', '-q']);
  const p = readJson(join(run, 'plan.json'));
  const planned = p.slides.filter((s) => s.status === 'planned');
  if (planned.length !== p.slides.length) throw new Error(`${p.slides.length - planned.length} slide(s) failed to plan in ${run}`);
  return { ...t, slides: planned };
}

// Read whole levels with our reader (strips of 256 rows, as the tissue thumbnail does), `concurrency` slides at once.
function ourLevelRead(specs, concurrency) {
  const script = `
    import { openSlide } from ${JSON.stringify(join(ROOT, 'dist/slide/index.js'))};
    const specs = ${JSON.stringify(specs)};
    let next = 0;
    async function worker() {
      while (next < specs.length) {
        const { path, level } = specs[next++];
        const r = await openSlide(path);
        const l = r.info.levels[level];
        for (let y = 0; y < l.height; y += 256) await r.readRegion(level, 0, y, l.width, Math.min(256, l.height - y));
        await r.close();
      }
    }
    await Promise.all(Array.from({ length: ${concurrency} }, worker));`;
  return timed('node', ['--input-type=module', '-e', script]);
}

// OpenSlide read_region of whole levels, split over `processes` Python processes running at once.
function openslideLevelRead(specs, processes) {
  const groups = Array.from({ length: processes }, (_, k) => specs.filter((_, i) => i % processes === k)).filter((g) => g.length);
  const args = groups.map(
    (g) => `${PY} ${join(ROOT, 'bench/openslide_level_read.py')} ${g.map((s) => `'${s.path}:${s.level}'`).join(' ')} >/dev/null`,
  );
  return timed('bash', ['-c', `${args.map((a) => `${a} &`).join(' ')} wait`]);
}

const specOf = (s) => ({
  path: s.path,
  level: s.tissue.sourceLevel,
  width: s.info.levels[s.tissue.sourceLevel].width,
  height: s.info.levels[s.tissue.sourceLevel].height,
});

log('(a) planning the 100000x80000 slide ...');
const big = plan([BIG], join(WORK, 'big'));
const bigSpec = specOf(big.slides[0]);
log('    reading its source level with our reader and with OpenSlide ...');
const bigOurs = ourLevelRead([bigSpec], 1);
const bigOs = openslideLevelRead([bigSpec], 1);

log(`(b) planning a cohort of ${COHORT} slides ...`);
const { readdirSync } = await import('node:fs');
const cohortFiles = readdirSync(COHORT_DIR)
  .filter((f) => /\.(tif|svs)$/.test(f))
  .sort()
  .slice(0, COHORT)
  .map((f) => join(COHORT_DIR, f));
const cohort = plan(cohortFiles, join(WORK, 'cohort'));
const cohortSpecs = cohort.slides.map(specOf);
log('    reading the source levels with our reader (2 at once) and OpenSlide (2 processes) ...');
const cohortOurs = ourLevelRead(cohortSpecs, 2);
const cohortOs = openslideLevelRead(cohortSpecs, 2);

const n = cohort.slides.length;
writeResult('plan-throughput', {
  machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version },
  big: {
    slide: '100000x80000 generic TIFF, JPEG Q85, 256 px tiles',
    sourceLevel: bigSpec.level,
    sourceLevelSize: [bigSpec.width, bigSpec.height],
    patches: big.slides[0].grid.count,
    planSeconds: big.wallS,
    planCpuSeconds: big.cpuS,
    planPeakRssMiB: round(big.peakRssMiB, 0),
    ourLevelReadSeconds: bigOurs.wallS,
    openslideLevelReadSeconds: bigOs.wallS,
    planOverOpenslideRead: round(big.wallS / bigOs.wallS, 2),
    ourReadOverOpenslideRead: round(bigOurs.wallS / bigOs.wallS, 2),
  },
  cohort: {
    slides: n,
    size: '30000x24000, alternating generic TIFF and Aperio SVS',
    sourceLevelSizes: [...new Set(cohortSpecs.map((s) => `${s.width}x${s.height}`))],
    planSeconds: cohort.wallS,
    secondsPerSlide: round(cohort.wallS / n),
    cpuSecondsPerSlide: round(cohort.cpuS / n),
    planPeakRssMiB: round(cohort.peakRssMiB, 0),
    ourLevelReadSecondsPerSlide: round(cohortOurs.wallS / n),
    openslideLevelReadSecondsPerSlide: round(cohortOs.wallS / n),
    planOverOpenslideRead: round(cohort.wallS / cohortOs.wallS, 2),
    ourReadOverOpenslideRead: round(cohortOurs.wallS / cohortOs.wallS, 2),
  },
});
