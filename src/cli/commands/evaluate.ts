// `wsi-hpc evaluate RUN --annotations DIR`: patch- and slide-level AUC and CAMELYON16 FROC against
// ground truth; exit 1 naming the shards without predictions unless --partial.
import type { CommandModule } from 'yargs';
import { type AnnotationGroupArgs, annotationGroupsFrom, withAnnotationGroupOptions } from '../annotation-group-options.js';
import { printJson, reportError, warn, type OutputFlags } from '../output.js';
import { formatTable } from '../table.js';

interface EvaluateArgs extends OutputFlags, AnnotationGroupArgs {
  run: string;
  annotations: string;
  partial: boolean;
}

const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : '-');

export const evaluateCommand: CommandModule<object, EvaluateArgs> = {
  command: 'evaluate <run>',
  describe: 'Patch- and slide-level ROC AUC and CAMELYON16 FROC of a run against ASAP/CAMELYON XML or GeoJSON annotations',
  builder: (y) =>
    withAnnotationGroupOptions(
      y
        .positional('run', { type: 'string', demandOption: true, describe: 'Run folder with predictions' })
        .option('annotations', {
          type: 'string',
          demandOption: true,
          describe: 'Folder of <slide-stem>.xml|.geojson tumour annotations; slides without one are normal',
        })
        .option('partial', {
          type: 'boolean',
          default: false,
          describe: 'Score what was predicted even when shards are not inferred or failed (they are listed)',
        }),
    ).example('$0 evaluate run1 --annotations cohort/annotations', 'Evaluate a finished run against CAMELYON16 XML'),
  handler: async (argv) => {
    try {
      const { evaluateRun } = await import('../../study/index.js');
      const e = await evaluateRun({
        run: argv.run,
        annotations: argv.annotations,
        groups: annotationGroupsFrom(argv),
        isPartial: argv.partial,
        onWarning: warn,
      });
      if (argv.json) return printJson(e);
      if (e.incompleteShards.length > 0) {
        warn(`--partial: ${e.incompleteShards.length} shard(s) without predictions: ${e.incompleteShards.map((s) => s.shard).join(', ')}`);
      }
      process.stdout.write(
        formatTable(
          ['slide', 'patches', 'tumour', 'patch AUC', 'max score', 'lesions', 'ITC', 'detections'],
          e.slides.map((s) => [
            `${s.name}${s.isComplete ? '' : ' (partial)'}`,
            String(s.patches),
            String(s.tumourPatches),
            fmt(s.auc),
            fmt(s.maxScore),
            String(s.lesions),
            String(s.itc),
            String(s.detections),
          ]),
        ),
      );
      process.stdout.write(
        `\npatch-level AUC ${fmt(e.patchAuc)} over ${e.patches} patches (${e.tumourPatches} tumour); slide-level AUC (max score) ${fmt(e.slideAuc)}\n` +
          `FROC (CAMELYON16) ${fmt(e.froc.score)} over ${e.froc.lesions} lesion(s) on ${e.froc.slides} slide(s); sensitivity at 1/4..8 FP/slide: ` +
          `${e.froc.sensitivities.map(fmt).join(' ')}\n`,
      );
    } catch (err) {
      reportError(argv, err);
    }
  },
};
