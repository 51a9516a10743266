// `wsi-hpc synth OUT_DIR`: thin handler over synthCohort; writes synthetic slides, their ASAP XML
// and geometry sidecars, and cohort.json, then lists what it wrote.
import type { CommandModule } from 'yargs';
// Defaults come from synth-options.ts directly: the synth index pulls in sharp, which --help must not load.
import { COHORT_DEFAULTS, SYNTH_DEFAULTS } from '../../synth/synth-options.js';
import type { CohortFlavour } from '../../synth/types.js';
import { formatBytes } from '../format.js';
import { log, printJson, reportError, type OutputFlags } from '../output.js';
import { formatTable } from '../table.js';

interface SynthArgs extends OutputFlags {
  outDir: string;
  slides: number;
  width: number;
  height: number;
  mpp: number;
  seed: number;
  flavour: CohortFlavour;
  'tile-size': number;
  quality: number;
  concurrency: number;
  'dry-run': boolean;
}

export const synthCommand: CommandModule<object, SynthArgs> = {
  command: 'synth <outDir>',
  describe: 'Write a cohort of synthetic H&E-like pyramidal slides (generic TIFF and Aperio SVS) with ground truth',
  builder: (y) =>
    y
      .positional('outDir', {
        type: 'string',
        demandOption: true,
        describe: 'Folder to write slides, annotations/, geometry/ and cohort.json into',
      })
      .option('slides', {
        alias: 'n',
        type: 'number',
        default: COHORT_DEFAULTS.slides,
        describe: 'Number of slides (every third is normal, without tumour)',
      })
      .option('width', { type: 'number', default: SYNTH_DEFAULTS.width, describe: 'Level-0 width in pixels' })
      .option('height', { type: 'number', default: SYNTH_DEFAULTS.height, describe: 'Level-0 height in pixels' })
      .option('mpp', { type: 'number', default: SYNTH_DEFAULTS.mppX, describe: 'Microns per pixel at level 0' })
      .option('seed', { type: 'number', default: COHORT_DEFAULTS.seed, describe: 'Cohort seed; the same seed writes byte-identical files' })
      .option('flavour', {
        choices: ['mixed', 'generic', 'aperio'] as const,
        default: COHORT_DEFAULTS.flavour,
        describe: 'Container: mixed alternates .tif and .svs',
      })
      .option('tile-size', { type: 'number', default: SYNTH_DEFAULTS.tileSize, describe: 'TIFF tile edge in pixels (multiple of 16)' })
      .option('quality', { type: 'number', default: SYNTH_DEFAULTS.quality, describe: 'JPEG quality 1-100' })
      .option('concurrency', { type: 'number', default: SYNTH_DEFAULTS.concurrency, describe: 'JPEG tile encodes in flight' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'List the slides that would be written, write nothing' })
      .example('$0 synth cohort --slides 4 --width 20000 --height 16000', 'Four 20k x 16k slides, two .tif and two .svs, one normal')
      .example(
        '$0 synth bench-slide --slides 1 --width 100000 --height 80000 --flavour aperio --json',
        'One benchmark-sized SVS; JSON summary on stdout',
      ),
  handler: async (argv) => {
    try {
      const { synthCohort, cohortSlidePlan, normalizeSynthCohortOptions } = await import('../../synth/index.js');
      const options = {
        outDir: argv.outDir,
        slides: argv.slides,
        width: argv.width,
        height: argv.height,
        mppX: argv.mpp,
        seed: argv.seed,
        flavour: argv.flavour,
        tileSize: argv['tile-size'],
        quality: argv.quality,
        concurrency: argv.concurrency,
      };
      if (argv['dry-run']) {
        const config = normalizeSynthCohortOptions(options);
        const planned = Array.from({ length: config.slides }, (_, k) => cohortSlidePlan(k, config.flavour, config.seed));
        if (argv.json) printJson({ dryRun: true, outDir: config.outDir, slides: planned });
        else
          process.stdout.write(
            `${formatTable(
              ['file', 'flavour', 'tumour', 'seed'],
              planned.map((p) => [p.file, p.flavour, p.hasTumour ? 'yes' : 'no', String(p.seed)]),
            )}dry run: nothing written\n`,
          );
        return;
      }
      const result = await synthCohort({
        ...options,
        onSlide: (r, k) =>
          log(
            { quiet: argv.quiet || argv.json },
            `[${k + 1}/${argv.slides}] ${r.path} (${formatBytes(r.byteLength)}, ${(r.elapsedMs / 1000).toFixed(1)} s)`,
          ),
      });
      if (argv.json) {
        printJson({ outDir: result.outDir, manifest: result.manifestPath, elapsedMs: result.elapsedMs, slides: result.manifest.slides });
        return;
      }
      if (argv.quiet) return;
      const rows = result.manifest.slides.map((s) => [
        s.file,
        s.flavour,
        `${s.width}x${s.height}`,
        String(s.levels.length),
        s.hasTumour ? 'yes' : 'no',
        formatBytes(s.byteLength),
        s.annotations ?? '-',
      ]);
      process.stdout.write(formatTable(['file', 'flavour', 'size', 'levels', 'tumour', 'bytes', 'annotations'], rows));
      const total = result.manifest.slides.reduce((sum, s) => sum + s.byteLength, 0);
      process.stdout.write(
        `\nwrote ${rows.length} slides (${formatBytes(total)}) in ${(result.elapsedMs / 1000).toFixed(1)} s; manifest: ${result.manifestPath}\n`,
      );
    } catch (err) {
      reportError(argv, err);
    }
  },
};
