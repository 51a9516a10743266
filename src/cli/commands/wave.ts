// `wsi-hpc submit-wave RUN --wave N`: for internal use, run by the wave driver jobs of `submit` when a run
// goes in waves (more array tasks than MaxJobCount admits at once). Thin handler over runWaveDriver.
import type { CommandModule } from 'yargs';
import { expectPositiveInt } from '../../util/is.js';
import { log, printJson, reportError, type OutputFlags } from '../output.js';

interface WaveArgs extends OutputFlags {
  run: string;
  wave: number;
}

export const submitWaveCommand: CommandModule<object, WaveArgs> = {
  command: 'submit-wave <run>',
  describe: '(internal use: run by the wave driver jobs of `submit`) Submit the next wave of a run once it fits under MaxJobCount',
  builder: (y) =>
    y
      .positional('run', { type: 'string', demandOption: true, describe: 'Run folder submitted in waves' })
      .option('wave', { type: 'number', demandOption: true, describe: 'The wave to submit (1-based), as planned in RUN/slurm/jobs.json' })
      .example('$0 submit-wave run1 --wave 2', 'What the driver job of wave 2 runs') as never,
  handler: async (argv) => {
    try {
      expectPositiveInt('--wave', argv.wave);
      const { runWaveDriver } = await import('../../executor/wave-driver.js');
      const r = await runWaveDriver({ run: argv.run, wave: argv.wave, log: (line) => log(argv, line) });
      if (argv.json) return printJson(r);
      const what =
        r.status === 'submitted'
          ? `wave ${r.wave} submitted (${r.queued} jobs were queued; at most ${r.limit} allowed)`
          : r.status === 'already-submitted'
            ? `wave ${r.wave} was already submitted; nothing to do`
            : r.status === 'superseded'
              ? `wave ${r.wave} has another driver job now (the run was submitted again); nothing to do`
              : `wave ${r.wave} still does not fit (${r.queued} jobs queued; at most ${r.limit}); queued a new driver, job ${r.jobId}`;
      process.stdout.write(`${what}\n`);
    } catch (err) {
      reportError(argv, err);
    }
  },
};
