// `wsi-hpc submit RUN|SLIDES --out RUN` and `wsi-hpc resubmit RUN`: thin handlers over the SLURM executor.
import type { Argv, CommandModule } from 'yargs';
import { OptionError } from '../../errors.js';
import { isFromConfig } from '../config-file.js';
import { normalizeStages } from '../../executor/options.js';
import { printJson, reportError, type OutputFlags } from '../output.js';
import { printResubmitResult, printSubmitResult, reportTestOnlyRefusals } from './submit-output.js';
import { INFER_METHODS, type InferMethodRequest } from '../../stages/infer/defaults.js';
import type { ContainerRuntime } from '../../slurm/index.js';
import { jobContainer, jobResources, readSetup, validateSubmitValues, withJobFlags } from '../job-options.js';
import { withPlanOptions } from '../plan-options.js';
import { refusePlanFlags, submitSlides, type SlidesModeArgs } from './submit-slides.js';
import { PLAN_TASK_DEFAULTS } from '../../stages/plan/plan-tasks.js';
import {
  stageResourceOptions,
  stageResourcesFrom,
  validateStageResourceValues,
  type StageResourceArgs,
} from '../stage-resource-options.js';

export interface SubmitArgs extends OutputFlags, StageResourceArgs {
  run: string;
  model?: string;
  stages?: string;
  partition?: string;
  account?: string;
  qos?: string;
  time?: string;
  'mem-gb'?: number;
  'cpus-per-task'?: number;
  gpus?: number;
  constraint?: string;
  gres?: string;
  container?: string;
  'container-runtime'?: ContainerRuntime;
  throttle?: number;
  'pack-cpus'?: number;
  'infer-cpus'?: number;
  'infer-gpus'?: number;
  'batch-size'?: number;
  method?: InferMethodRequest;
  device?: 'auto' | 'cpu' | 'cuda';
  sessions?: number;
  'features-dtype'?: 'float16' | 'float32';
  setup?: string;
  'max-array-size'?: number;
  'max-job-count'?: number;
  'dry-run': boolean;
  'test-only': boolean;
  force: boolean;
}

export function submitOptions(y: Argv<object>): Argv<SubmitArgs> {
  return withJobFlags(stageResourceOptions(y))
    .positional('run', { type: 'string', demandOption: true, describe: 'Run folder with plan.json' })
    .option('model', { alias: 'm', type: 'string', describe: 'ONNX model for the infer stage' })
    .option('stages', {
      type: 'string',
      describe: 'Comma-separated subset of pack,infer,merge (default all); with --out, `plan` alone plans only',
    })
    .option('pack-cpus', { type: 'number', describe: 'CPUs per pack task' })
    .option('infer-cpus', { type: 'number', describe: 'CPUs per infer task (ONNX threads follow)' })
    .option('gpus', { type: 'number', describe: 'GPUs per task for every stage' })
    .option('infer-gpus', { type: 'number', describe: 'GPUs per infer task (--gres=gpu:N)' })
    .option('gres', { type: 'string', describe: 'Generic resources per task for every stage, e.g. gpu:a100:2 (wins over --gpus)' })
    .option('throttle', { type: 'number', describe: 'At most this many tasks of an array run at once (%T)' })
    .option('batch-size', { type: 'number', describe: 'Infer batch size' })
    .option('method', { choices: INFER_METHODS, describe: 'Infer method for window shards: sliding, dense or auto (default auto)' })
    .option('device', {
      choices: ['auto', 'cpu', 'cuda'] as const,
      describe: 'Infer device in each task: auto (CUDA when usable, else CPU with a warning), cpu, cuda (the task fails without CUDA)',
    })
    .option('features-dtype', {
      choices: ['float16', 'float32'] as const,
      describe: 'Features models: the dtype of the stored features (infer default float16)',
    })
    .option('sessions', { type: 'number', describe: 'ONNX Runtime sessions per infer task (default: one per visible GPU, else 1)' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'Print the scripts and sbatch command lines; submit nothing' })
    .option('test-only', { type: 'boolean', default: false, describe: 'Pass the scripts to sbatch --test-only' })
    .option('force', {
      type: 'boolean',
      default: false,
      describe:
        'Submit even though jobs of this run are queued or running, or the plan outgrows the free space or has implausibly many patches',
    }) as unknown as Argv<SubmitArgs>;
}

/** Options that only one stage uses: giving them while --stages leaves that stage out would ignore them. */
const STAGE_OPTIONS = {
  model: 'infer',
  'batch-size': 'infer',
  method: 'infer',
  device: 'infer',
  sessions: 'infer',
  'features-dtype': 'infer',
  'infer-cpus': 'infer',
  'infer-gpus': 'infer',
  threads: 'infer',
  'pack-cpus': 'pack',
} as const;

export function validateStageOptions(a: Partial<Record<keyof typeof STAGE_OPTIONS | 'stages', unknown>>): void {
  if (a.stages === undefined) return;
  // An unknown stage is the error to report, not the options it would leave out.
  normalizeStages([String(a.stages)]);
  const stages = String(a.stages)
    .split(',')
    .map((s) => s.trim());
  for (const [option, stage] of Object.entries(STAGE_OPTIONS)) {
    // A config-file value is a default for when the stage runs, not a request to refuse.
    if (a[option as keyof typeof STAGE_OPTIONS] !== undefined && !isFromConfig(a, option) && !stages.includes(stage))
      throw new OptionError(
        `\`--${option}\` applies to the ${stage} stage, which \`--stages ${a.stages}\` leaves out`,
        `Add ${stage} to --stages, or leave out --${option}`,
      );
  }
}

export async function toSubmitOptions(a: SubmitArgs) {
  validateStageOptions(a);
  validateSubmitValues(a);
  if (a['dry-run'] && a['test-only'])
    throw new OptionError(
      '`--dry-run` and `--test-only` exclude each other',
      'Use --dry-run to print the scripts, --test-only to ask sbatch',
    );
  validateStageResourceValues(a);
  const setup = await readSetup(a.setup);
  return {
    run: a.run,
    model: a.model,
    stages: a.stages ? [a.stages] : undefined,
    resources: { ...jobResources(a), gpus: a.gpus, gres: a.gres, throttle: a.throttle },
    stageResources: stageResourcesFrom(a, {
      pack: { cpusPerTask: a['pack-cpus'] },
      infer: { cpusPerTask: a['infer-cpus'], gpus: a['infer-gpus'] },
    }),
    container: jobContainer(a),
    setup,
    limits: { maxArraySize: a['max-array-size'], maxJobCount: a['max-job-count'] },
    isDryRun: a['dry-run'],
    isTestOnly: a['test-only'],
    isForced: a.force,
    inferArgs: [
      ...(a['batch-size'] === undefined ? [] : ['--batch-size', String(a['batch-size'])]),
      ...(a.method === undefined ? [] : ['--method', a.method]),
      ...(a.device === undefined ? [] : ['--device', a.device]),
      ...(a.sessions === undefined ? [] : ['--sessions', String(a.sessions)]),
      ...(a['features-dtype'] === undefined ? [] : ['--features-dtype', a['features-dtype']]),
    ],
  };
}

export const submitCommand: CommandModule<object, SubmitArgs & SlidesModeArgs> = {
  command: 'submit [run] [slides..]',
  describe:
    'Submit pack -> infer -> merge as chained SLURM array jobs (split at MaxArraySize); with --out RUN, plan the slides as array tasks first',
  builder: (y) =>
    withPlanOptions(submitOptions(y))
      .positional('run', { type: 'string', describe: 'Run folder with plan.json; with --out: a slide file, folder or glob' })
      .positional('slides', { type: 'string', array: true, describe: 'With --out: more slide files, folders or globs' })
      .option('out', {
        alias: 'o',
        type: 'string',
        describe: 'Plan SLIDES into this run folder on the cluster (plan array + assemble job), then submit',
      })
      .option('plan-slides-per-task', {
        type: 'number',
        describe: `With --out: slides per plan array task (default ${PLAN_TASK_DEFAULTS.slidesPerTask})`,
      })
      .example('$0 submit run1 --model net.onnx --partition gpu --infer-gpus 1 --throttle 50', '')
      .example('$0 submit run1 --model net.onnx --dry-run', 'Show the scripts and sbatch lines only')
      .example(
        '$0 submit slides/ --out run1 --model net.onnx --mpp 0.5',
        'Plan on the cluster (one array task per 50 slides), then the chain',
      )
      .example('$0 submit --slides-from cohort.csv --out run1 --stages plan', 'Plan a CSV list on the cluster only') as never,
  handler: async (argv) => {
    const isSlides = argv.out !== undefined || (argv['slides-from'] !== undefined && !isFromConfig(argv, 'slides-from'));
    if (isSlides) return submitSlides(argv, 'submit', toSubmitOptions);
    try {
      refusePlanFlags(argv, 'submit');
      if (!argv.run)
        throw new OptionError(
          '`wsi-hpc submit` needs a planned RUN folder, or SLIDES with --out RUN to plan them on the cluster',
          'e.g. `wsi-hpc submit run1 --model net.onnx` or `wsi-hpc submit slides/ --out run1 --model net.onnx`; see `wsi-hpc submit --help`',
        );
      if (argv.slides?.length)
        throw new OptionError(
          `\`wsi-hpc submit ${argv.run} ${argv.slides.join(' ')}\`: several inputs are slides, which need --out RUN`,
          'Add --out RUN to plan them on the cluster first',
        );
      const { executorFor } = await import('../../executor/index.js');
      const r = await executorFor('slurm').submit(await toSubmitOptions(argv as SubmitArgs & { run: string }));
      if (argv.json) printJson(r);
      else printSubmitResult(r);
      reportTestOnlyRefusals(r.submissions);
    } catch (err) {
      reportError(argv, err);
    }
  },
};

export const resubmitCommand: CommandModule<object, SubmitArgs> = {
  command: 'resubmit <run>',
  describe: 'Resubmit only the tasks that failed, left no completion marker or whose output is missing or changed, with their dependants',
  builder: (y) =>
    submitOptions(y)
      .example('$0 resubmit run1 --model net.onnx', '')
      .example('$0 resubmit run1 --model net.onnx --dry-run', 'Show the scripts and sbatch lines only'),
  handler: async (argv) => {
    try {
      const { executorFor } = await import('../../executor/index.js');
      const r = await executorFor('slurm').resubmit(await toSubmitOptions(argv));
      if (argv.json) printJson(r);
      else printResubmitResult(r);
      reportTestOnlyRefusals(r.jobs);
    } catch (err) {
      reportError(argv, err);
    }
  },
};
