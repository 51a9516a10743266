// `wsi-hpc status RUN [--watch]`: markers first, then one batched SLURM query; backs off while watching.
import type { CommandModule } from 'yargs';
import { expectPositiveNumber } from '../../util/is.js';
import { printJson, reportError, shouldShowProgress, type OutputFlags } from '../output.js';
import { createProgress } from '../progress.js';
import { formatTable } from '../table.js';

interface StatusArgs extends OutputFlags {
  run: string;
  watch: boolean;
  interval: number;
  'max-interval': number;
  tasks: boolean;
}

export const statusCommand: CommandModule<object, StatusArgs> = {
  command: 'status <run>',
  describe: 'Per stage and task: queued, running, done or failed, with exit codes and log paths',
  builder: (y) =>
    y
      .positional('run', { type: 'string', demandOption: true })
      .option('watch', { type: 'boolean', default: false, describe: 'Poll until every task is done or failed' })
      .option('interval', { type: 'number', default: 5, describe: 'First polling interval, seconds (doubles up to --max-interval)' })
      .option('max-interval', { type: 'number', default: 60, describe: 'Longest polling interval, seconds' })
      .option('tasks', { type: 'boolean', default: false, describe: 'List every task, not only failed ones' })
      .example('$0 status run1 --watch', ''),
  handler: async (argv) => {
    try {
      expectPositiveNumber('--interval', argv.interval);
      expectPositiveNumber('--max-interval', argv['max-interval']);
      const { runStatus } = await import('../../executor/index.js');
      const progress = argv.watch && shouldShowProgress(argv) ? createProgress('tasks done') : null;
      let interval = argv.interval;
      let s = await runStatus(argv.run);
      while (argv.watch && !s.isFinished) {
        const total = s.stages.reduce((n, x) => n + x.total, 0);
        progress?.update(
          s.stages.reduce((n, x) => n + x.counts.done + x.counts.failed, 0),
          total,
        );
        await new Promise((r) => setTimeout(r, interval * 1000));
        interval = Math.min(argv['max-interval'], interval * 2);
        s = await runStatus(argv.run);
      }
      progress?.stop();
      if (argv.json) return printJson(s);
      process.stdout.write(
        formatTable(
          ['stage', 'tasks', 'done', 'running', 'queued', 'failed', 'not submitted'],
          s.stages.map((x) => [
            x.stage,
            String(x.total),
            String(x.counts.done),
            String(x.counts.running),
            String(x.counts.queued + x.counts.unknown),
            String(x.counts.failed),
            String(x.counts['not-submitted']),
          ]),
        ),
      );
      const shown = s.stages.flatMap((x) => x.tasks).filter((t) => argv.tasks || t.phase === 'failed');
      if (shown.length) {
        process.stdout.write(
          `\n${formatTable(
            ['stage', 'task', 'state', 'job', 'exit', 'log', 'reason'],
            shown.map((t) => [
              t.stage,
              String(t.task),
              t.phase,
              t.jobId ? `${t.jobId}${t.arrayIndex !== undefined ? `_${t.arrayIndex}` : ''}` : '-',
              t.exitCode ?? '-',
              t.log ?? '-',
              t.reason ?? '',
            ]),
          )}`,
        );
      }
      process.stdout.write(`(states from ${s.source})\n`);
      if (s.stages.some((x) => x.counts.failed)) process.exitCode ??= 1;
    } catch (err) {
      reportError(argv, err);
    }
  },
};
