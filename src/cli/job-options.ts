// The SLURM job flags of every command that submits array jobs (`submit`, `resubmit`, `run`, and `plan
// --executor slurm`): where the jobs go, their limits, the environment set-up and the container.
import type { Argv } from 'yargs';
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
