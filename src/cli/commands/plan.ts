// `wsi-hpc plan SLIDES... --out RUN`: thin handler over runPlan; prints a per-slide summary. With
// `--executor slurm` the slides are planned by SLURM array tasks instead (submit-slides.ts).
import type { CommandModule } from 'yargs';
import { OptionError } from '../../errors.js';
import { isFromConfig } from '../config-file.js';
import { log, printJson, reportError, shouldShowProgress, warn, type OutputFlags } from '../output.js';
import { createProgress } from '../progress.js';
import { ensureWritableDir } from '../../run/disk-space.js';
import { checkRunFolderForPlan } from '../../run/run-folder-guard.js';
import { planConcernsFor } from '../../run/plan-concerns.js';
import { PLAN_TASK_DEFAULTS } from '../../stages/plan/plan-tasks.js';
import { planCost } from '../plan-cost.js';
import { formatPlanText } from '../plan-text.js';
import { checkPlanArgs, planRunOptionsFrom, withPlanOptions, type PlanOptionArgs } from '../plan-options.js';
import { jobSubmitOptions, refuseJobFlags, withJobFlags, type JobFlagArgs } from '../job-options.js';
import { submitSlides } from './submit-slides.js';

interface PlanArgs extends OutputFlags, PlanOptionArgs, JobFlagArgs {
  out: string;
  executor: 'local' | 'slurm';
  'plan-slides-per-task'?: number;
  'dry-run': boolean;
  force: boolean;
}

export const planCommand: CommandModule<object, PlanArgs> = {
  command: 'plan [slides..]',
  describe: 'Localize tissue, lay patch grids and write RUN/plan.json plus QC pictures',
  builder: (y) =>
    withJobFlags(withPlanOptions(y))
      .positional('slides', { type: 'string', array: true, describe: 'Slide files, folders or globs (or --slides-from FILE)' })
      .option('out', { alias: 'o', type: 'string', demandOption: true, describe: 'Run folder to write' })
      .option('executor', {
        choices: ['local', 'slurm'] as const,
        default: 'local' as const,
        describe: 'local: plan here; slurm: plan as SLURM array tasks (one per --plan-slides-per-task slides), nothing heavy here',
      })
      .option('plan-slides-per-task', {
        type: 'number',
        describe: `With --executor slurm: slides per plan array task (default ${PLAN_TASK_DEFAULTS.slidesPerTask})`,
      })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Compute and print everything, write nothing' })
      .option('force', { type: 'boolean', default: false, describe: 'Replan slides even when unchanged' })
      .example('$0 plan slides/ --out run1 --mpp 0.5 --patch-size 224', 'Plan every slide in slides/ at 20x')
      .example('$0 plan "cohort/*.svs" --out run1 --stride 112 --dry-run', 'Half-overlapping patches, show only')
      .example('$0 plan slides/ --out run16 --stride 16 --window-positions 56', 'Stride-16 heatmaps: shards hold 1104 px tissue windows')
      .example('$0 plan cohort/ --out run1 --reader openslide', 'Read every slide (NDPI, MRXS, SVS, ...) through OpenSlide')
      .example(
        '$0 plan --slides-from cohort.csv --out run1',
        'Plan the slides of a CSV list (slide column); its other columns go to scores.csv',
      )
      .example('$0 plan cohort/ --out run1 --executor slurm --partition cpu', 'Plan as SLURM array tasks, nothing heavy on the login node'),
  handler: async (argv) => {
    if (argv.executor === 'slurm') return submitSlides({ ...argv, run: undefined, stages: 'plan' }, 'plan', jobSubmitOptions);
    try {
      refuseJobFlags(argv, '`plan --executor slurm`');
      if (argv['plan-slides-per-task'] !== undefined && !isFromConfig(argv, 'plan-slides-per-task'))
        throw new OptionError('`--plan-slides-per-task` applies to `--executor slurm`', 'Add --executor slurm, or leave it out');
      checkPlanArgs(argv);
      // The list is checked before anything is written: a missing slide or a bad row is exit 2.
      const options = await planRunOptionsFrom(argv, 'plan', { out: argv.out, isDryRun: argv['dry-run'], isForced: argv.force });
      const { runPlan } = await import('../../stages/plan/index.js');
      // A run folder that cannot be written fails now, not after every slide has been read.
      if (!argv['dry-run']) await ensureWritableDir(argv.out);
      await checkRunFolderForPlan(argv.out);
      const progress = shouldShowProgress(argv) ? createProgress('planning') : null;
      const result = await runPlan({ ...options, onSlideDone: (sl, done, total) => progress?.update(done, total, sl.name) });
      progress?.stop();
      const { plan } = result;
      // Before anything costs hours: shards larger than the free space, implausible patch counts or stride.
      const concerns = await planConcernsFor(plan, argv.out);
      for (const c of concerns) if (c.kind !== 'stride') warn(`${c.message}; \`wsi-hpc submit\` refuses this plan without --force`);
      for (const s of plan.slides) {
        const g = s.grid;
        if (s.status !== 'planned' || !g || g.count > 0 || !s.info) continue;
        // A patch larger than the slide (`--mpp 1e12`) or a threshold no patch meets: say so instead of a silent 0.
        const why =
          g.footprintLevel0 > Math.min(s.info.width, s.info.height)
            ? `a patch covers ${g.footprintLevel0} px of level 0, more than the ${s.info.width}x${s.info.height} slide; lower --mpp or --patch-size`
            : 'no patch has enough tissue; check --min-tissue, the tissue mask or --masks';
        warn(`${s.name}: 0 patches planned: ${why}`);
      }
      const failed = plan.slides.filter((s) => s.status === 'failed');
      if (argv.json) {
        printJson({
          planFile: result.isDryRun ? null : result.planFile,
          dryRun: result.isDryRun,
          totals: plan.totals,
          planHash: plan.planHash,
          windows: plan.params.windows ?? null,
          reused: result.reused,
          reader: argv.reader,
          skipped: result.skipped,
          clamPatches: result.clamPatches ? Object.fromEntries(result.clamPatches) : null,
          shards: plan.shards.list.map((sh) => ({
            id: sh.id,
            patches: sh.patches,
            ...(sh.windows === undefined ? {} : { windows: sh.windows }),
            expectedBytes: sh.expectedBytes,
            slides: sh.segments.map((g) => g.slideId),
          })),
          tasks: { pack: plan.tasks.pack },
          estimate: { patches: plan.totals.patches, ...planCost(plan) },
          warnings: concerns.map((c) => c.message),
          slides: plan.slides.map((s) => ({
            id: s.id,
            name: s.name,
            path: s.path,
            status: s.status,
            backend: s.info ? (s.info.backend ?? 'native') : null,
            width: s.info?.width,
            height: s.info?.height,
            mpp: s.info?.mpp,
            level: s.grid?.level,
            tissueFraction: s.tissue?.tissueFraction,
            patches: s.grid?.count ?? 0,
            isReused: result.reused.includes(s.id),
            error: s.error,
          })),
        });
      } else if (!argv.quiet) {
        process.stdout.write(formatPlanText(result));
      }
      if (failed.length > 0) {
        log(argv, `${failed.length} slide(s) failed; fix or remove them and rerun the same command (planned slides are reused).`);
        process.exitCode ??= 1;
      }
    } catch (err) {
      reportError(argv, err);
    }
  },
};
