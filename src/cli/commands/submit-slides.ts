// `wsi-hpc submit SLIDES --out RUN` (and `plan SLIDES --out RUN --executor slurm`): nothing heavy here, on
// the login node: the plan request (parameters, slide discovery, the --slides-from list) is written and the
// plan stage goes to SLURM as an array, whose assemble job writes plan.json and submits pack -> infer -> merge.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { OptionError } from '../../errors.js';
import { isFromConfig } from '../config-file.js';
import { checkPlanArgs, planRunOptionsFrom, PLAN_OPTION_DEFAULTS, type PlanOptionArgs } from '../plan-options.js';
import { printJson, reportError, type OutputFlags } from '../output.js';
import { ensureWritableDir } from '../../run/disk-space.js';
import { checkRunFolderForPlan } from '../../run/run-folder-guard.js';
import { formatTable } from '../table.js';
import type { SubmitPlanResult } from '../../executor/submit-plan.js';
import type { SubmitOptions } from '../../executor/submit.js';
import { isImageReference } from '../../slurm/index.js';

export interface SlidesModeArgs extends PlanOptionArgs, OutputFlags {
  run?: string;
  out?: string;
  'plan-slides-per-task'?: number;
  stages?: string;
  model?: string;
  'dry-run': boolean;
  force: boolean;
}

/** `submit RUN` (a planned run): plan flags typed on the command line would be ignored, so they are refused. */
export function refusePlanFlags(argv: Record<string, unknown>, command: string): void {
  for (const [k, def] of Object.entries(PLAN_OPTION_DEFAULTS)) {
    const v = argv[k];
    if (v !== undefined && v !== def && !isFromConfig(argv, k))
      throw new OptionError(
        `\`--${k}\` is a plan option: \`wsi-hpc ${command} RUN\` submits a run that is already planned`,
        `Plan and submit in one go with \`wsi-hpc ${command} SLIDES --out RUN --${k} ...\`, or plan again with \`wsi-hpc plan\``,
      );
  }
  if (argv['plan-slides-per-task'] !== undefined && !isFromConfig(argv, 'plan-slides-per-task'))
    throw new OptionError(
      `\`--plan-slides-per-task\` applies to \`${command} SLIDES --out RUN\``,
      'Add --out RUN and give slides, or leave it out',
    );
}

/** Which stages follow the plan: `--stages plan` plans only; otherwise the chain's stages (default all). */
export function chainStages(stages: string | undefined): { isPlanOnly: boolean; chain: string | undefined } {
  const list = (stages ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!list.includes('plan')) return { isPlanOnly: false, chain: stages };
  if (list.length > 1)
    throw new OptionError(
      `\`--stages ${stages}\`: plan runs before the others; give \`--stages plan\` alone (plan only) or leave plan out`,
    );
  return { isPlanOnly: true, chain: undefined };
}

function printPlanSubmission(r: SubmitPlanResult, out: string, isPlanOnly: boolean): void {
  if (r.isDryRun)
    for (const s of r.submissions) process.stdout.write(`# ${s.scriptPath}\n${s.script}\n# sbatch --parsable ${s.args.join(' ')}\n\n`);
  process.stdout.write(
    formatTable(
      ['job', 'chunk', 'id', 'script'],
      r.submissions.map((s) => [s.kind, String(s.chunk), s.jobId ?? '-', s.scriptPath]),
    ),
  );
  process.stdout.write(
    `${r.slides} slide(s) in ${r.tasks} plan task(s); the assemble job writes ${resolve(out, 'plan.json')}` +
      `${isPlanOnly ? '' : ' and submits pack -> infer -> merge'}` +
      `${r.isDryRun ? '; dry run: nothing written or submitted' : `; watch with \`wsi-hpc status ${out}\``}\n`,
  );
}

/**
 * Plans on the cluster. `toSubmit` turns the flags into the chain's SubmitOptions (checked now, before anything
 * is written), recorded in the request for the assemble job.
 */
export async function submitSlides<A extends SlidesModeArgs>(
  argv: A,
  command: string,
  toSubmit: (a: A) => Promise<SubmitOptions>,
): Promise<void> {
  try {
    const out = argv.out;
    if (!out) throw new OptionError(`\`wsi-hpc ${command} SLIDES\` needs \`--out RUN\`, the run folder to plan into`);
    if (argv.concurrency !== undefined && !isFromConfig(argv, 'concurrency'))
      throw new OptionError(
        '`--concurrency` applies to a local plan',
        'Plan tasks plan as many slides at once as they have CPUs (--pack-cpus)',
      );
    const { isPlanOnly, chain } = chainStages(argv.stages);
    checkPlanArgs(argv);
    const submit = await toSubmit({ ...argv, run: out, stages: chain });
    if (!isPlanOnly && (!chain || chain.includes('infer'))) {
      if (!argv.model)
        throw new OptionError('The infer stage needs --model M.onnx', 'Or submit --stages plan (plan only), or --stages pack');
      const st = await stat(argv.model).catch(() => null);
      if (!st?.isFile())
        throw new OptionError(`\`--model ${argv.model}\`: no such file`, 'Give the path of the .onnx model the infer tasks load');
    }
    const slides = [argv.run, ...(argv.slides ?? [])].filter((s): s is string => s !== undefined);
    const options = await planRunOptionsFrom({ ...argv, slides }, command, { out, isDryRun: argv['dry-run'], isForced: argv.force });
    if (!argv['dry-run']) await ensureWritableDir(out);
    await checkRunFolderForPlan(out);
    const { writePlanRequest } = await import('../../stages/plan/plan-tasks.js');
    const { submitPlanStage } = await import('../../executor/submit-plan.js');
    const { isDryRun: _d, isTestOnly: _t, ...after } = submit;
    // The assemble job runs later, maybe elsewhere: paths it will read are made absolute now.
    if (typeof after.model === 'string') after.model = resolve(after.model);
    if (after.container && !isImageReference(after.container.image))
      after.container = { ...after.container, image: resolve(after.container.image) };
    const request = await writePlanRequest(options, {
      slidesPerTask: argv['plan-slides-per-task'],
      submitAfter: isPlanOnly ? null : (after as unknown as Record<string, unknown>),
      isDryRun: argv['dry-run'],
    });
    const r = await submitPlanStage(resolve(out), request, submit);
    if (argv.json)
      printJson({ ...r, submissions: r.submissions.map(({ script: _s, ...x }) => x), run: resolve(out), planOnly: isPlanOnly });
    else printPlanSubmission(r, out, isPlanOnly);
  } catch (err) {
    reportError(argv, err);
  }
}
