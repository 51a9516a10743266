// `wsi-hpc plan-task RUN` and `wsi-hpc plan-assemble RUN`: for internal use, run by the plan array and the
// assemble job of `submit SLIDES --out RUN` (or `plan --executor slurm`). Thin handlers over plan-tasks.ts.
import { resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import type { SubmitOptions } from '../../executor/submit.js';
import { log, printJson, reportError, type OutputFlags } from '../output.js';

interface PlanTaskArgs extends OutputFlags {
  run: string;
  task?: number;
  concurrency?: number;
}

export const planTaskCommand: CommandModule<object, PlanTaskArgs> = {
  command: 'plan-task <run>',
  describe: '(internal use: run by the plan array of `submit SLIDES`) Plan the slides of one array task',
  builder: (y) =>
    y
      .positional('run', { type: 'string', demandOption: true, describe: 'Run folder with plan-tasks/request.json' })
      .option('task', { type: 'number', describe: 'The task (default: SLURM_ARRAY_TASK_ID plus the chunk offset)' })
      .option('concurrency', { type: 'number', describe: 'Slides planned at once (default SLURM_CPUS_PER_TASK, else 1)' })
      .example('$0 plan-task run1 --task 3', 'What array task 3 of the plan stage runs') as never,
  handler: async (argv) => {
    try {
      const { runPlanTask } = await import('../../stages/plan/plan-tasks.js');
      const { expectPositiveInt } = await import('../../util/is.js');
      if (argv.concurrency !== undefined) expectPositiveInt('--concurrency', argv.concurrency);
      const r = await runPlanTask(argv.run, { task: argv.task, concurrency: argv.concurrency });
      if (argv.json) printJson(r);
      else log(argv, `plan task ${r.task}: ${r.slides} slide(s), ${r.planned} planned, ${r.failed} failed, ${r.reused} reused`);
      if (r.stopped) process.exitCode ??= 1;
    } catch (err) {
      reportError(argv, err);
    }
  },
};

export const planAssembleCommand: CommandModule<object, OutputFlags & { run: string }> = {
  command: 'plan-assemble <run>',
  describe: '(internal use: run by the assemble job of `submit SLIDES`) Write plan.json from the plan tasks, then submit the chain',
  builder: (y) =>
    y
      .positional('run', { type: 'string', demandOption: true, describe: 'Run folder with plan-tasks/request.json' })
      .example('$0 plan-assemble run1', 'What the assemble job runs after every plan task has ended') as never,
  handler: async (argv) => {
    try {
      const { assemblePlan } = await import('../../stages/plan/plan-tasks.js');
      const { executorFor } = await import('../../executor/index.js');
      let jobs = 0;
      const r = await assemblePlan(argv.run, async (a) => {
        if (!a.request.submitAfter) return;
        // The options `submit SLIDES` recorded (SubmitOptions without the run folder), checked when they were given.
        const submitted = await executorFor('slurm').submit({
          ...(a.request.submitAfter as Omit<SubmitOptions, 'run'>),
          run: resolve(argv.run),
        });
        jobs = submitted.submissions.length;
      });
      const failed = r.plan.slides.filter((s) => s.status === 'failed').length;
      if (argv.json)
        printJson({ planFile: r.planFile, planHash: r.plan.planHash, totals: r.plan.totals, missing: r.missing, submittedJobs: jobs });
      else
        log(
          argv,
          `plan.json: ${r.plan.totals.planned} planned, ${failed} failed (${r.missing.length} not recorded by their task); ${r.plan.totals.patches} patches in ${r.plan.totals.shards} shards${jobs ? `; submitted ${jobs} job(s)` : ''}`,
        );
    } catch (err) {
      reportError(argv, err);
    }
  },
};
