// `run --executor local`: the local executor (each array task its own process, bounded by the cores);
// Ctrl-C/SIGTERM cancels (the tasks' process groups are stopped), failed tasks are named with their log tail.
import type { LocalRunResult } from '../../executor/index.js';
import { log, printJson, warn } from '../output.js';
import { type SubmitArgs, toSubmitOptions } from './submit.js';

type LocalArgs = SubmitArgs & { threads?: number };

/** Failed tasks whose log tail is printed; the rest are counted. */
const SHOWN_FAILURES = 3;

export async function runHere(argv: LocalArgs): Promise<void> {
  const { inferArgs, stages, container } = await toSubmitOptions(argv);
  const { executorFor, planLocalRun } = await import('../../executor/index.js');
  if (argv['dry-run']) {
    const p = await planLocalRun({ run: argv.run, model: argv.model, stages, threads: argv.threads });
    if (argv.json) return printJson({ dryRun: true, ...p });
    for (const s of p.stages) {
      const what = s.stage === 'merge' ? 'one task over every slide' : `${s.tasks} task(s), ${s.shards} shard(s)`;
      process.stdout.write(`${s.stage}: ${what}, ${s.cpusPerTask} CPU(s) per task${s.stage === 'infer' ? ` with ${p.model}` : ''}\n`);
    }
    process.stdout.write(`dry run: nothing run (${p.cores} cores here)\n`);
    return;
  }
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) process.stderr.write(`wsi-hpc: ${signal}: cancelling the running tasks\n`);
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  let r: LocalRunResult;
  try {
    r = await executorFor('local').submit({
      run: argv.run,
      model: argv.model,
      stages,
      threads: argv.threads,
      inferArgs,
      container,
      signal: controller.signal,
      onStage: (s) => log(argv, `stage ${s}`),
      onWarning: warn,
    });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  reportFailures(r);
  if (argv.json) printJson(r);
  if (r.failed) process.exitCode ??= 1;
}

function reportFailures(r: LocalRunResult): void {
  const failures = r.stages.flatMap((s) => s.failures.map((f) => ({ stage: s.stage, ...f })));
  for (const f of failures.slice(0, SHOWN_FAILURES)) {
    const what = f.task === null ? `${f.stage}` : `${f.stage} task ${f.task}`;
    const errors = (f.errors ?? []).map((e) => `  ${e}\n`).join('');
    const tail = (f.tail ?? []).map((l) => `  | ${l}`).join('\n');
    process.stderr.write(`error: ${what} failed (${f.reason})\n${errors}  log ${f.log}${tail ? `:\n${tail}` : ''}\n`);
  }
  if (failures.length > SHOWN_FAILURES)
    process.stderr.write(`error: ${failures.length - SHOWN_FAILURES} more task(s) failed (see --json)\n`);
  for (const s of r.stages) {
    if (s.skipped) process.stderr.write(`${s.stage}: ${s.skipped} task(s) skipped: a task they depend on did not finish\n`);
  }
  if (r.isCancelled) {
    const stopped = r.stages.reduce((n, s) => n + s.cancelled, 0);
    process.stderr.write(`cancelled: ${stopped} task(s) stopped or not started; run the same command again to continue\n`);
  }
}
