// `wsi-hpc status RUN [--watch]`: markers first, then one batched SLURM query; backs off while watching.
import type { CommandModule } from 'yargs';
import { OptionError } from '../../errors.js';
import { isFromConfig } from '../config-file.js';
import type { RunWaves } from '../../executor/wave-status.js';
import { expectPositiveNumber } from '../../util/is.js';
import { printJson, reportError, shouldShowProgress, type OutputFlags } from '../output.js';
import { createProgress } from '../progress.js';
import { formatTable } from '../table.js';

interface StatusArgs extends OutputFlags {
  run: string;
  watch: boolean;
  interval?: number;
  'max-interval'?: number;
  tasks: boolean;
}

/** Polling of `status --watch`, seconds. */
export const WATCH_DEFAULTS = Object.freeze({ intervalS: 5, maxIntervalS: 60 });

// setTimeout fires at once past 2^31-1 ms (about 24.8 days): a longer interval would poll sacct in a busy loop.
const MAX_WATCH_S = Math.floor((2 ** 31 - 1) / 1000);

function watchSeconds(flag: string, v: number): number {
  expectPositiveNumber(flag, v);
  if (v > MAX_WATCH_S) throw new OptionError(`Expected \`${flag}\` to be at most ${MAX_WATCH_S} seconds (24 days), received \`${v}\``);
  return v;
}

// Runs submitted in waves: how many are submitted, and what each later wave waits for.
function printWaves(w: RunWaves): void {
  process.stdout.write(`\nwaves: ${w.submitted} of ${w.planned} submitted\n`);
  process.stdout.write(
    formatTable(
      ['wave', 'chunks', 'tasks', 'state', 'driver', 'note'],
      w.waves.map((x) => [String(x.wave), x.chunks.join(','), String(x.tasks), x.state, x.driverJobId ?? x.submittedBy ?? '-', x.reason]),
    ),
  );
}

export const statusCommand: CommandModule<object, StatusArgs> = {
  command: 'status <run>',
  describe: 'Per stage and task: queued, running, done or failed, with exit codes and log paths',
  builder: (y) =>
    y
      .positional('run', { type: 'string', demandOption: true })
      .option('watch', { type: 'boolean', default: false, describe: 'Poll until every task is done or failed' })
      .option('interval', {
        type: 'number',
        describe: `With --watch: first polling interval, seconds (doubles up to --max-interval; default ${WATCH_DEFAULTS.intervalS})`,
      })
      .option('max-interval', {
        type: 'number',
        describe: `With --watch: longest polling interval, seconds (default ${WATCH_DEFAULTS.maxIntervalS})`,
      })
      .option('tasks', { type: 'boolean', default: false, describe: 'List every task, not only failed ones' })
      .example('$0 status run1 --watch', ''),
  handler: async (argv) => {
    try {
      const given = (['interval', 'max-interval'] as const).filter((k) => argv[k] !== undefined && !isFromConfig(argv, k));
      if (given.length && !argv.watch)
        throw new OptionError(`\`--${given[0]}\` applies to \`--watch\``, `Add --watch, or leave out --${given[0]}`);
      const maxInterval = watchSeconds('--max-interval', argv['max-interval'] ?? WATCH_DEFAULTS.maxIntervalS);
      let interval = watchSeconds('--interval', argv.interval ?? WATCH_DEFAULTS.intervalS);
      const { runStatus } = await import('../../executor/index.js');
      const progress = argv.watch && shouldShowProgress(argv) ? createProgress('tasks done') : null;
      let s = await runStatus(argv.run);
      while (argv.watch && !s.isFinished) {
        const total = s.stages.reduce((n, x) => n + x.total, s.plan?.total ?? 0);
        progress?.update(
          s.stages.reduce(
            (n, x) => n + x.counts.done + x.counts.failed + x.counts.stale,
            s.plan ? s.plan.counts.done + s.plan.counts.failed : 0,
          ),
          total,
        );
        await new Promise((r) => setTimeout(r, interval * 1000));
        interval = Math.min(maxInterval, interval * 2);
        s = await runStatus(argv.run);
      }
      progress?.stop();
      // Exit 1 for failed or stale tasks, with --json too.
      if (s.stages.some((x) => x.counts.failed + x.counts.stale) || s.plan?.counts.failed) process.exitCode ??= 1;
      if (argv.json) return printJson(s);
      // Planned on the cluster: the plan tasks and the assemble job come first.
      const planRows = s.plan
        ? (['plan', 'assemble'] as const).map((stage) => {
            const ts = s.plan?.tasks.filter((t) => t.stage === stage) ?? [];
            const n = (p: string) => String(ts.filter((t) => t.phase === p).length);
            return [
              stage,
              String(ts.length),
              n('done'),
              n('running'),
              String(ts.filter((t) => t.phase === 'queued' || t.phase === 'unknown').length),
              n('failed'),
              '0',
              n('not-submitted'),
            ];
          })
        : [];
      process.stdout.write(
        formatTable(
          ['stage', 'tasks', 'done', 'running', 'queued', 'failed', 'stale', 'not submitted'],
          [
            ...planRows,
            ...s.stages.map((x) => [
              x.stage,
              String(x.total),
              String(x.counts.done),
              String(x.counts.running),
              String(x.counts.queued + x.counts.unknown),
              String(x.counts.failed),
              String(x.counts.stale),
              String(x.counts['not-submitted']),
            ]),
          ],
        ),
      );
      if (s.waves) printWaves(s.waves);
      const shown = [...(s.plan?.tasks ?? []), ...s.stages.flatMap((x) => x.tasks)].filter(
        (t): t is typeof t & { wave?: number } => argv.tasks || t.phase === 'failed' || t.phase === 'stale',
      );
      if (shown.length) {
        process.stdout.write(
          `\n${formatTable(
            ['stage', 'task', ...(s.waves ? ['wave'] : []), 'state', 'job', 'exit', 'log', 'reason'],
            shown.map((t) => [
              t.stage,
              String(t.task),
              ...(s.waves ? [String(t.wave ?? '-')] : []),
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
    } catch (err) {
      reportError(argv, err);
    }
  },
};
