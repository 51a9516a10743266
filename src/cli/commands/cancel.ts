// `wsi-hpc cancel RUN`: the SLURM executor's cancel (scancel of the run's queued and running jobs, wave
// drivers first). Finished tasks keep their markers; `resubmit` continues the run later.
import type { CommandModule } from 'yargs';
import { printJson, reportError, type OutputFlags } from '../output.js';

interface CancelArgs extends OutputFlags {
  run: string;
}

export const cancelCommand: CommandModule<object, CancelArgs> = {
  command: 'cancel <run>',
  describe: "Cancel the run's SLURM jobs that are still queued or running (a local run stops with Ctrl-C)",
  builder: (y) =>
    y
      .positional('run', { type: 'string', demandOption: true, describe: 'Run folder submitted with `submit`' })
      .example('$0 cancel run1', 'scancel every queued or running job of run1') as never,
  handler: async (argv) => {
    try {
      const { executorFor } = await import('../../executor/index.js');
      const r = await executorFor('slurm').cancel(argv.run);
      if (argv.json) return printJson(r);
      process.stdout.write(
        r.cancelled.length
          ? `cancelled ${r.cancelled.length} job(s): ${r.cancelled.join(' ')}; finished tasks keep their markers (wsi-hpc resubmit ${argv.run} continues)\n`
          : 'nothing to cancel: no job of this run is queued or running\n',
      );
    } catch (err) {
      reportError(argv, err);
    }
  },
};
