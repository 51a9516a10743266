// The SLURM job flags of every command that submits array jobs (`submit`, `resubmit`, `run`, and `plan
// --executor slurm`): where the jobs go, their limits, the environment set-up and the container.
import { readFile } from 'node:fs/promises';
import type { Argv } from 'yargs';
import { OptionError } from '../errors.js';
import { normalizeResources } from '../executor/options.js';
import { validateDirectiveValue } from '../slurm/quote.js';
import { expectPositiveInt } from '../util/is.js';
import { isFromConfig } from './config-file.js';
import type { SubmitOptions } from '../executor/submit.js';
import { CONTAINER_RUNTIMES, type ContainerRuntime } from '../slurm/index.js';

export interface JobFlagArgs {
  partition?: string;
  account?: string;
  qos?: string;
  time?: string;
  'mem-gb'?: number;
  'cpus-per-task'?: number;
  constraint?: string;
  container?: string;
  'container-runtime'?: ContainerRuntime;
  setup?: string;
  'max-array-size'?: number;
  'max-job-count'?: number;
}

export const JOB_FLAGS = [
  'partition',
  'account',
  'qos',
  'time',
  'mem-gb',
  'cpus-per-task',
  'constraint',
  'container',
  'container-runtime',
  'setup',
  'max-array-size',
  'max-job-count',
] as const;

export function withJobFlags<T>(y: Argv<T>): Argv<T & JobFlagArgs> {
  return y
    .option('partition', { type: 'string' })
    .option('account', { type: 'string' })
    .option('qos', { type: 'string' })
    .option('time', {
      type: 'string',
      describe: 'Time limit per task (SLURM form); defaults pack 04:00:00, infer 08:00:00, merge 01:00:00',
    })
    .option('mem-gb', { type: 'number', describe: 'Memory per task, GB (defaults 8/16/8)' })
    .option('cpus-per-task', { type: 'number', describe: 'CPUs per task for every stage (defaults pack 4, infer 8, merge 2)' })
    .option('constraint', { type: 'string' })
    .option('container', {
      type: 'string',
      describe: 'Run each task in this Apptainer/Singularity image: a .sif path or a reference (docker://…, oras://…)',
    })
    .option('container-runtime', {
      choices: CONTAINER_RUNTIMES,
      default: 'auto' as const,
      describe: 'With --container: auto picks apptainer, else singularity, on each node',
    })
    .option('setup', { type: 'string', describe: 'Shell snippet run before each task (module loads), or @FILE' })
    .option('max-array-size', { type: 'number', describe: 'Override MaxArraySize from scontrol show config' })
    .option('max-job-count', { type: 'number', describe: 'Override MaxJobCount' }) as unknown as Argv<T & JobFlagArgs>;
}

// `--setup @FILE`: the file's text, or an error naming the option and the file.
export async function readSetup(setup: string | undefined): Promise<string | undefined> {
  if (!setup?.startsWith('@')) return setup;
  const file = setup.slice(1);
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new OptionError(
      `\`--setup @${file}\`: cannot read ${file} (${why})`,
      'Give --setup a readable file after @, or the snippet itself',
    );
  }
}

/** Counts every stage can be given, checked under the flag the user typed (`--pack-cpus`, not `cpusPerTask`). */
const POSITIVE_INTS = [
  'batch-size',
  'sessions',
  'threads',
  'cpus-per-task',
  'pack-cpus',
  'infer-cpus',
  'throttle',
  'max-array-size',
  'max-job-count',
] as const;
const NON_NEGATIVE_INTS = ['gpus', 'infer-gpus'] as const;
const DIRECTIVES = ['partition', 'account', 'qos', 'constraint', 'gres'] as const;

/** The values submit, resubmit, run and `plan --executor slurm` check before anything is written or submitted; numbers keep their flag names. */
export function validateSubmitValues(
  a: Partial<Record<(typeof POSITIVE_INTS)[number] | (typeof NON_NEGATIVE_INTS)[number], number>> &
    Partial<Record<(typeof DIRECTIVES)[number] | 'time', string>> & { 'mem-gb'?: number },
): void {
  for (const k of POSITIVE_INTS) if (a[k] !== undefined) expectPositiveInt(`--${k}`, a[k]);
  for (const k of NON_NEGATIVE_INTS) {
    const v = a[k];
    if (v !== undefined && !(Number.isInteger(v) && v >= 0))
      throw new OptionError(`Expected \`--${k}\` to be a non-negative integer, received \`${v}\` (number)`);
  }
  for (const k of DIRECTIVES) if (a[k] !== undefined) validateDirectiveValue(k, a[k]);
  // --mem-gb and --time as the executor checks them (resubmit reads the run first); errors name the flags.
  normalizeResources('pack', { memGb: a['mem-gb'], time: a.time });
}

/** The resources every stage's jobs get from the job flags. */
export function jobResources(a: JobFlagArgs) {
  return {
    partition: a.partition,
    account: a.account,
    qos: a.qos,
    time: a.time,
    memGb: a['mem-gb'],
    cpusPerTask: a['cpus-per-task'],
    constraint: a.constraint,
  };
}

export function jobContainer(a: JobFlagArgs): SubmitOptions['container'] {
  return a.container === undefined ? undefined : { image: a.container, runtime: a['container-runtime'] ?? 'auto' };
}

/** `plan --executor slurm`: the plan array's job options (resources go to every plan task, as pack's would), checked now. */
export async function jobSubmitOptions(a: JobFlagArgs & { out?: string; 'dry-run'?: boolean; force?: boolean }): Promise<SubmitOptions> {
  validateSubmitValues(a);
  return {
    run: a.out ?? '',
    stages: [],
    resources: jobResources(a),
    container: jobContainer(a),
    setup: await readSetup(a.setup),
    limits: { maxArraySize: a['max-array-size'], maxJobCount: a['max-job-count'] },
    isDryRun: a['dry-run'] ?? false,
    isForced: a.force ?? false,
  };
}

/** The job flags given (not from a config file) where no job is submitted: refused, they would be ignored. */
export function refuseJobFlags(argv: Record<string, unknown>, where: string): void {
  const given = JOB_FLAGS.filter((k) => argv[k] !== undefined && argv[k] !== 'auto' && !isFromConfig(argv, k));
  if (given.length)
    throw new OptionError(
      `\`--${given[0]}\` applies to ${where}`,
      `Add --executor slurm to plan on the cluster, or leave out --${given[0]}`,
    );
}
