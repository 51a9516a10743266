// `wsi-hpc merge RUN`: thin handler over runMerge.
import type { CommandModule } from 'yargs';
import { MERGE_DEFAULTS } from '../../stages/merge/defaults.js';
import { log, printJson, reportError, type OutputFlags } from '../output.js';
import { formatTable } from '../table.js';

interface MergeArgs extends OutputFlags {
  run: string;
  'top-k': number;
  threshold: number;
}

export const mergeCommand: CommandModule<object, MergeArgs> = {
  command: 'merge <run>',
  describe: 'Per-slide heatmaps, slide scores (scores.csv) and tumour regions (GeoJSON) from the predictions',
  builder: (y) =>
    y
      .positional('run', { type: 'string', demandOption: true, describe: 'Run folder' })
      .option('top-k', { type: 'number', default: MERGE_DEFAULTS.topK, describe: 'Slide score = mean of the top k patch probabilities' })
      .option('threshold', {
        type: 'number',
        default: MERGE_DEFAULTS.threshold,
        describe: 'Probability for tumour regions and the positive fraction',
      })
      .example('$0 merge run1', 'Write heatmaps/, regions/ and scores.csv'),
  handler: async (argv) => {
    try {
      const { runMerge } = await import('../../stages/merge/index.js');
      const result = await runMerge({ run: argv.run, topK: argv['top-k'], threshold: argv.threshold });
      if (argv.json) printJson(result);
      else if (!argv.quiet) {
        process.stdout.write(
          formatTable(
            ['slide', 'status', 'patches', 'max', `top${argv['top-k']}`, 'regions'],
            result.slides.map((m) => [
              m.name,
              m.status === 'merged' ? 'merged' : `${m.status}: ${m.reason}`,
              String(m.scores?.patches ?? m.patches ?? '-'),
              m.scores ? m.scores.max.toFixed(3) : '-',
              m.scores ? m.scores.topKMean.toFixed(3) : '-',
              String(m.regionCount ?? '-'),
            ]),
          ),
        );
        process.stdout.write(result.featuresIndex ? `features: ${result.featuresIndex}\n` : `scores: ${result.scoresCsv}\n`);
      }
      if (result.incomplete > 0) {
        log(argv, `${result.incomplete} slide(s) not merged: their shards are not inferred; run infer for them, then merge again.`);
        process.exitCode ??= 1;
      }
    } catch (err) {
      reportError(argv, err);
    }
  },
};
