// `wsi-hpc pack RUN [--task N]`: thin handler over runPack.
import type { CommandModule } from 'yargs';
import { PACK_RUN_DEFAULTS } from '../../stages/pack/defaults.js';
import { log, printJson, reportError, shouldShowProgress, type OutputFlags, warn } from '../output.js';
import { createProgress } from '../progress.js';
import { formatTable } from '../table.js';
import { formatBytes } from '../format.js';

interface PackArgs extends OutputFlags {
  run: string;
  task?: number;
  'read-concurrency'?: number;
  'batch-patches'?: number;
  threads?: number;
  verify: boolean;
}

export const packCommand: CommandModule<object, PackArgs> = {
  command: 'pack <run>',
  describe: 'Read the planned patches and write HDF5 shards (one array task, or all shards locally)',
  builder: (y) =>
    y
      .positional('run', { type: 'string', demandOption: true, describe: 'Run folder with plan.json' })
      .option('task', {
        type: 'number',
        describe: 'Array task to pack (default: $SLURM_ARRAY_TASK_ID + $WSI_HPC_TASK_OFFSET, else every shard)',
      })
      .option('read-concurrency', {
        type: 'number',
        describe: 'Patches cut from decoded tiles at once',
        default: PACK_RUN_DEFAULTS.readConcurrency,
      })
      .option('batch-patches', {
        type: 'number',
        describe: `Patches per HDF5 write (default: ${PACK_RUN_DEFAULTS.batchPatches}, or one chunk where the plan's chunks are larger)`,
      })
      .option('threads', { type: 'number', describe: 'JPEG decode threads (default: $SLURM_CPUS_PER_TASK, else all cores)' })
      .option('verify', { type: 'boolean', default: false, describe: 'Re-hash existing shards before skipping them' })
      .example('$0 pack run1', 'Pack every shard of run1 on this machine')
      .example('$0 pack run1 --task 3', 'Pack the shards of array task 3 (what a SLURM array task runs)')
      .example('$0 pack run1 --threads 4', 'Decode JPEG tiles on 4 worker threads (default: the allocation)'),
  handler: async (argv) => {
    try {
      const { runPack } = await import('../../stages/pack/index.js');
      const progress = shouldShowProgress(argv) ? createProgress('packing') : null;
      const result = await runPack({
        run: argv.run,
        task: argv.task,
        readConcurrency: argv['read-concurrency'],
        batchPatches: argv['batch-patches'],
        threads: argv.threads,
        isVerifying: argv.verify,
        onPatches: (done, total) => progress?.update(done, total),
        onWarning: (m) => warn(m),
      });
      progress?.stop();
      if (argv.json) {
        printJson(result);
      } else if (!argv.quiet) {
        process.stdout.write(
          formatTable(
            ['shard', 'status', 'patches', 'size', 'seconds', 'patches/s'],
            result.shards.map((r) => [
              r.shard,
              r.status === 'failed' ? `FAILED ${r.error?.code}: ${r.error?.message}` : r.status,
              String(r.patches),
              r.bytes ? formatBytes(r.bytes) : '-',
              r.seconds.toFixed(1),
              r.seconds > 0 && r.status === 'done' ? (r.patches / r.seconds).toFixed(0) : '-',
            ]),
          ),
        );
      }
      if (result.failed > 0) {
        log(
          argv,
          `${result.failed} shard(s) failed (see markers/pack/); rerun the same command to retry them, completed shards are skipped.`,
        );
        process.exitCode ??= 1;
      }
    } catch (err) {
      reportError(argv, err);
    }
  },
};
