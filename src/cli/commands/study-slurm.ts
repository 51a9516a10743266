// `study --executor slurm`: the options of `submit` that apply to every configuration of a study
// (resources, --setup, cluster limits), checked as `submit` checks them; refused with the local executor.
import type { Argv } from 'yargs';
import { OptionError } from '../../errors.js';
import type { StudySlurmOptions } from '../../study/run-config-slurm.js';
import { givenSlurmOnlyOptions } from './run.js';
import { type SubmitArgs, toSubmitOptions } from './submit.js';

export type StudySlurmArgs = Pick<
  SubmitArgs,
  | 'partition'
  | 'account'
  | 'qos'
  | 'time'
  | 'mem-gb'
  | 'cpus-per-task'
  | 'pack-cpus'
  | 'infer-cpus'
  | 'gpus'
  | 'infer-gpus'
  | 'constraint'
  | 'throttle'
  | 'setup'
  | 'max-array-size'
  | 'max-job-count'
> & { executor: 'local' | 'slurm'; force?: boolean };

export function withStudySlurmOptions<T>(y: Argv<T>): Argv<T & StudySlurmArgs> {
  return y
    .option('executor', {
      choices: ['local', 'slurm'] as const,
      default: 'local' as const,
      describe: 'local: each configuration on this machine; slurm: each as SLURM arrays (the SLURM options), timed from task markers',
    })
    .option('partition', { type: 'string', group: 'SLURM (--executor slurm):' })
    .option('account', { type: 'string', group: 'SLURM (--executor slurm):' })
    .option('qos', { type: 'string', group: 'SLURM (--executor slurm):' })
    .option('time', { type: 'string', group: 'SLURM (--executor slurm):', describe: 'Time limit per task (SLURM form)' })
    .option('mem-gb', { type: 'number', group: 'SLURM (--executor slurm):', describe: 'Memory per task, GB' })
    .option('cpus-per-task', { type: 'number', group: 'SLURM (--executor slurm):', describe: 'CPUs per task for every stage' })
    .option('pack-cpus', { type: 'number', group: 'SLURM (--executor slurm):', describe: 'CPUs per pack task' })
    .option('infer-cpus', { type: 'number', group: 'SLURM (--executor slurm):', describe: 'CPUs per infer task' })
    .option('gpus', { type: 'number', group: 'SLURM (--executor slurm):', describe: 'GPUs per task for every stage' })
    .option('infer-gpus', { type: 'number', group: 'SLURM (--executor slurm):', describe: 'GPUs per infer task' })
    .option('constraint', { type: 'string', group: 'SLURM (--executor slurm):' })
    .option('throttle', { type: 'number', group: 'SLURM (--executor slurm):', describe: 'At most this many tasks of an array at once' })
    .option('setup', { type: 'string', group: 'SLURM (--executor slurm):', describe: 'Shell snippet run before each task, or @FILE' })
    .option('max-array-size', { type: 'number', group: 'SLURM (--executor slurm):', describe: 'Override MaxArraySize' })
    .option('max-job-count', { type: 'number', group: 'SLURM (--executor slurm):', describe: 'Override MaxJobCount' })
    .option('force', {
      type: 'boolean',
      group: 'SLURM (--executor slurm):',
      describe: 'Submit even though a plan outgrows the free space or has implausibly many patches',
    }) as unknown as Argv<T & StudySlurmArgs>;
}

/** `submit`'s options for every configuration, or undefined for the local executor (which refuses SLURM options). */
export async function studySlurmOptions(a: StudySlurmArgs): Promise<StudySlurmOptions | undefined> {
  if (a.executor !== 'slurm') {
    const given = givenSlurmOnlyOptions(a);
    if (given.length) {
      throw new OptionError(
        `${given.map((g) => `\`${g}\``).join(', ')} ${given.length > 1 ? 'apply' : 'applies'} to \`--executor slurm\`; the local executor cannot use ${given.length > 1 ? 'them' : 'it'}`,
        `Add --executor slurm, or leave out ${given.join(' ')}`,
      );
    }
    return undefined;
  }
  const { resources, stageResources, setup, limits, isForced } = await toSubmitOptions({
    ...a,
    run: '',
    'dry-run': false,
    'test-only': false,
    force: a.force ?? false,
  });
  return { resources, stageResources, setup, limits, isForced };
}
