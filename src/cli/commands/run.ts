// `wsi-hpc run RUN --executor local|slurm`: every stage, on this machine or as SLURM arrays.
import type { CommandModule } from 'yargs';
import { log, printJson, reportError, warn } from '../output.js';
import { submitOptions, toSubmitOptions, type SubmitArgs } from './submit.js';

interface RunArgs extends SubmitArgs {
  executor: 'local' | 'slurm';
  threads?: number;
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <run>',
  describe: 'Run pack -> infer -> merge with the local executor (this machine) or submit them to SLURM',
  builder: (y) =>
    submitOptions(y)
      .option('executor', {
        choices: ['local', 'slurm'] as const,
        default: 'local' as const,
        describe: 'local: here, bounded concurrency; slurm: same as `submit`',
      })
      .option('threads', { type: 'number', describe: 'Local infer threads' }) as never,
  handler: async (argv) => {
    try {
      log(
        argv,
        `executor: ${argv.executor}${argv.executor === 'local' ? ' (this machine; same tasks and markers as a SLURM run)' : ' (SLURM arrays via sbatch)'}`,
      );
      if (argv.executor === 'slurm') {
        const { submitRun } = await import('../../executor/index.js');
        const r = await submitRun(await toSubmitOptions(argv));
        return argv.json
          ? printJson(r)
          : log(argv, `submitted ${r.submissions.length} job(s); watch with wsi-hpc status ${argv.run} --watch`);
      }
      const { runLocal } = await import('../../executor/index.js');
      const r = await runLocal({
        run: argv.run,
        model: argv.model,
        stages: argv.stages ? [argv.stages] : undefined,
        threads: argv.threads,
        batchSize: argv['batch-size'],
        onStage: (s) => log(argv, `stage ${s}`),
        onWarning: warn,
      });
      if (argv.json) printJson(r);
      if (r.failed) process.exitCode ??= 1;
    } catch (err) {
      reportError(argv, err);
    }
  },
};
