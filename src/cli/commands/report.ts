// `wsi-hpc report RUN`: thin handler over renderReport; prints the page's path (--json: also the
// folder of per-slide pages and how many were written, unchanged, removed).
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { OptionError } from '../../errors.js';
import { log, printJson, reportError, type OutputFlags } from '../output.js';

interface ReportArgs extends OutputFlags {
  run: string;
  out?: string;
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <run>',
  describe:
    'report.html for a run or study, offline: summary, a sortable and filterable slide table, one page per slide with its pictures (report/slides/), stage tasks, study tables',
  builder: (y) =>
    y
      .positional('run', { type: 'string', demandOption: true, describe: 'Run folder (plan.json) or study folder (study.json)' })
      .option('out', {
        type: 'string',
        describe:
          "Write the page here instead of RUN/report.html (slide pages go to <name>/slides/ beside it and show the run folder's pictures by relative path)",
      })
      .example('$0 report run1', 'Write run1/report.html and print its path')
      .example('$0 report run1 --out /tmp/run1.html --json', 'Elsewhere; print {path, bytes, slidePages, pages, slides, ...}'),
  handler: async (argv) => {
    try {
      const outStat = argv.out === undefined ? null : await stat(argv.out).catch(() => null);
      if (argv.out !== undefined && outStat?.isDirectory())
        throw new OptionError(
          `Expected \`--out\` to be the path of an HTML file, received \`${argv.out}\`, a folder`,
          `Give a file name, e.g. --out ${join(argv.out, 'report.html')}`,
        );
      const { renderReport } = await import('../../report/index.js');
      const result = await renderReport(argv.run, { out: argv.out });
      if (argv.json) printJson(result);
      else process.stdout.write(`${result.path}\n`);
      if (result.failedSlides || result.failedUnits) {
        log(argv, `report shows ${result.failedSlides} failed slide(s) and ${result.failedUnits} failed task unit(s)`);
      }
    } catch (err) {
      reportError(argv, err);
    }
  },
};
