// `wsi-hpc study SLIDES --annotations DIR --model M --vary stride=224,112,56,16 --out STUDY`.
import type { CommandModule } from 'yargs';
import { type AnnotationGroupArgs, annotationGroupsFrom, withAnnotationGroupOptions } from '../annotation-group-options.js';
import { log, printJson, reportError, warn, type OutputFlags } from '../output.js';
import { STUDY_DEFAULTS } from '../../study/defaults.js';
import { formatTable } from '../table.js';
import { type StudySlurmArgs, studySlurmOptions, withStudySlurmOptions } from './study-slurm.js';
import { slidesFromArgs, withSlidesFromOption } from '../slides-from-option.js';

interface StudyArgs extends OutputFlags, AnnotationGroupArgs, StudySlurmArgs {
  slides?: string[];
  'slides-from'?: string;
  annotations: string;
  model: string;
  vary: string[];
  out: string;
  sample: number;
  'cohort-slides': number;
  cores: number;
}

const f = (v: number, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : '-');

// What slide discovery left out of the SLIDES folders and globs, one line per entry with the reason (as `plan` says it).
function skippedSummary(skipped: ReadonlyArray<{ path: string; detail: string }>): string {
  const lines = skipped.map((e) => `  ${e.path}: ${e.detail}`).join('\n');
  return `study: skipped ${skipped.length} folder entr${skipped.length === 1 ? 'y' : 'ies'}:\n${lines}`;
}

export const studyCommand: CommandModule<object, StudyArgs> = {
  command: 'study [slides..]',
  describe: 'Throughput/accuracy trade-off study: run each configuration on a sample, score it, extrapolate its cost',
  builder: (y) =>
    withSlidesFromOption(withStudySlurmOptions(withAnnotationGroupOptions(y)))
      .positional('slides', { type: 'string', array: true, describe: 'Slide files, folders or globs (or --slides-from FILE)' })
      .option('annotations', { type: 'string', demandOption: true, describe: 'Folder of <slide-stem>.xml|.geojson tumour annotations' })
      .option('model', { alias: 'm', type: 'string', demandOption: true })
      .option('vary', {
        type: 'string',
        array: true,
        default: ['stride=224'],
        describe: 'NAME=V1,V2 (stride, mpp, batch, threads, model, method=sliding,dense,auto); repeat to combine',
      })
      .option('out', { alias: 'o', type: 'string', demandOption: true, describe: 'Study folder' })
      .option('sample', { type: 'number', default: STUDY_DEFAULTS.sample, describe: 'Slides of the input to run (first N by path)' })
      .option('cohort-slides', { type: 'number', default: STUDY_DEFAULTS.cohortSlides, describe: 'Cohort size for the extrapolation' })
      .option('cores', { type: 'number', default: STUDY_DEFAULTS.cores, describe: 'Cluster cores for the extrapolation' })
      .example('$0 study cohort/ --annotations cohort/annotations --model demo.onnx --vary stride=224,112,56,16 --out study1', '')
      .example(
        '$0 study cohort/ --annotations cohort/annotations --model googlenet.onnx --vary stride=32 --vary method=sliding,dense --out study2',
        '',
      )
      .example(
        '$0 study --slides-from sample.txt --annotations cohort/annotations --model demo.onnx --vary stride=224,112 --out study3',
        '',
      ),
  handler: async (argv) => {
    try {
      const { inputs, slideList } = await slidesFromArgs(argv, 'study');
      const slurm = await studySlurmOptions(argv);
      const { runStudy } = await import('../../study/index.js');
      const r = await runStudy({
        executor: argv.executor,
        slurm,
        slides: [...inputs, ...(slideList?.entries.map((e) => e.path) ?? [])],
        annotations: argv.annotations,
        model: argv.model,
        vary: argv.vary,
        out: argv.out,
        sample: argv.sample,
        cohortSlides: argv['cohort-slides'],
        cores: argv.cores,
        groups: annotationGroupsFrom(argv),
        onLog: (m) => log(argv, m),
        onWarning: warn,
      });
      if (r.skipped.length > 0) log(argv, skippedSummary(r.skipped));
      if (argv.json) return printJson(r);
      process.stdout.write(
        formatTable(
          [
            'config',
            'method',
            'patches/slide',
            'timings',
            'core-s/slide',
            'MB packed/slide',
            'max |Δp|',
            'patch AUC',
            'slide AUC',
            'FROC',
            `core-h (${r.cluster.cohortSlides} slides)`,
            `wall h (${r.cluster.cores} cores)`,
          ],
          r.table.map((t) => [
            t.config,
            t.method,
            f(t.patchesPerSlide, 0),
            t.reused ? `reused (${t.measuredAt.slice(0, 16)})` : 'measured',
            f(t.coreSecondsPerSlide, 3),
            f(t.bytesPackedPerSlide / 1e6, 1),
            t.denseMaxAbsDiff === null ? '-' : t.denseMaxAbsDiff.toExponential(1),
            f(t.patchAuc),
            f(t.slideAuc),
            f(t.froc),
            f(t.cohortCoreHours, 1),
            f(t.cohortWallHours, 2),
          ]),
        ),
      );
      process.stdout.write(`\n${r.files.json}\n${r.files.csv}\n${r.files.svg}\n${r.files.png}\n`);
    } catch (err) {
      reportError(argv, err);
    }
  },
};
