// `wsi-hpc evaluate RUN --annotations DIR`: patch- and slide-level AUC against ground truth.
import type { CommandModule } from 'yargs';
import { printJson, reportError, type OutputFlags } from '../output.js';
import { formatTable } from '../table.js';

interface EvaluateArgs extends OutputFlags {
  run: string;
  annotations: string;
}

const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : '-');

export const evaluateCommand: CommandModule<object, EvaluateArgs> = {
  command: 'evaluate <run>',
  describe: 'Patch-level and slide-level ROC AUC of a run against ASAP/CAMELYON XML or GeoJSON annotations',
  builder: (y) =>
    y
      .positional('run', { type: 'string', demandOption: true, describe: 'Run folder with predictions' })
      .option('annotations', {
        type: 'string',
        demandOption: true,
        describe: 'Folder of <slide-stem>.xml|.geojson tumour annotations; slides without one are normal',
      })
      .example('$0 evaluate run1 --annotations cohort/annotations', ''),
  handler: async (argv) => {
    try {
      const { evaluateRun } = await import('../../study/index.js');
      const e = await evaluateRun(argv.run, argv.annotations);
      if (argv.json) return printJson(e);
      process.stdout.write(
        formatTable(
          ['slide', 'patches', 'tumour', 'patch AUC', 'max score'],
          e.slides.map((s) => [s.name, String(s.patches), String(s.tumourPatches), fmt(s.auc), fmt(s.maxScore)]),
        ),
      );
      process.stdout.write(
        `\npatch-level AUC ${fmt(e.patchAuc)} over ${e.patches} patches (${e.tumourPatches} tumour); slide-level AUC (max score) ${fmt(e.slideAuc)}\n`,
      );
    } catch (err) {
      reportError(argv, err);
    }
  },
};
