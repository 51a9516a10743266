// `wsi-hpc run RUN --executor local|slurm`: every stage, on this machine or as SLURM arrays.
// Every option is honoured by the executor it applies to and refused by the other (exit 2).
import type { CommandModule } from 'yargs';
import { OptionError } from '../../errors.js';
import { isFromConfig } from '../config-file.js';
import { log, printJson, reportError } from '../output.js';
import { runHere } from './run-local.js';
import { STAGE_RESOURCE_FLAGS } from '../stage-resource-options.js';
import { submitOptions, toSubmitOptions, type SubmitArgs } from './submit.js';
import { printSubmitResult, reportTestOnlyRefusals } from './submit-output.js';

interface RunArgs extends SubmitArgs {
  executor: 'local' | 'slurm';
  threads?: number;
}

/** Options only `--executor slurm` can use: the local executor has no scheduler to give them to. */
export const SLURM_ONLY_OPTIONS = [
  'partition',
  'account',
  'qos',
  'time',
  'mem-gb',
  'cpus-per-task',
  'pack-cpus',
  'infer-cpus',
  'gpus',
  'infer-gpus',
  'constraint',
  'gres',
  ...STAGE_RESOURCE_FLAGS,
  'throttle',
  'setup',
  'max-array-size',
  'max-job-count',
  'test-only',
  'force',
] as const satisfies ReadonlyArray<keyof SubmitArgs>;

/** The SLURM-only options given on the command line (booleans count when true; config-file values do not count). */
export function givenSlurmOnlyOptions(argv: Partial<Record<(typeof SLURM_ONLY_OPTIONS)[number], unknown>>): string[] {
  return SLURM_ONLY_OPTIONS.filter((k) => argv[k] !== undefined && argv[k] !== false && !isFromConfig(argv, k)).map((k) => `--${k}`);
}

async function runSlurm(argv: RunArgs): Promise<void> {
  const { executorFor } = await import('../../executor/index.js');
  const options = await toSubmitOptions(argv);
  // --threads reaches the infer tasks as `infer --threads N` (else they follow $SLURM_CPUS_PER_TASK).
  const inferArgs = [...options.inferArgs, ...(argv.threads === undefined ? [] : ['--threads', String(argv.threads)])];
  const r = await executorFor('slurm').submit({ ...options, inferArgs });
  reportTestOnlyRefusals(r.submissions);
  if (argv.json) return printJson(r);
  printSubmitResult(r);
  if (!r.isDryRun && r.jobsFile) log(argv, `watch with wsi-hpc status ${argv.run} --watch`);
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <run>',
  describe: 'Run pack -> infer -> merge with the local executor (this machine) or submit them to SLURM',
  builder: (y) =>
    submitOptions(y)
      .option('executor', {
        choices: ['local', 'slurm'] as const,
        default: 'local' as const,
        describe:
          'local: here, each array task its own process, as many at once as the cores allow; slurm: same as `submit` (SLURM options need it)',
      })
      .option('threads', { type: 'number', describe: 'Infer threads (local, or each SLURM infer task)' })
      .example('$0 run run1 --model net.onnx', 'Every stage on this machine')
      .example('$0 run run1 --model net.onnx --dry-run', 'Say what would run; run nothing') as never,
  handler: async (argv) => {
    try {
      const given = argv.executor === 'local' ? givenSlurmOnlyOptions(argv) : [];
      if (given.length) {
        throw new OptionError(
          `${given.map((g) => `\`${g}\``).join(', ')} ${given.length > 1 ? 'apply' : 'applies'} to \`--executor slurm\`; the local executor cannot use ${given.length > 1 ? 'them' : 'it'}`,
          `Add --executor slurm, or leave out ${given.join(' ')}`,
        );
      }
      log(
        argv,
        `executor: ${argv.executor}${argv.executor === 'local' ? ' (this machine; the same task scripts and markers as a SLURM run)' : ' (SLURM arrays via sbatch)'}`,
      );
      await (argv.executor === 'slurm' ? runSlurm(argv) : runHere(argv));
    } catch (err) {
      reportError(argv, err);
    }
  },
};
