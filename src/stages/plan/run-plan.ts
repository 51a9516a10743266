// The `plan` stage for a cohort: discovers slides, reuses unchanged ones from an earlier plan,
// plans the rest with bounded concurrency, and writes plan.json (checkpointed as it goes).
// The same steps run as SLURM array tasks in plan-tasks.ts.
import pLimit from 'p-limit';
import type { GridOptions } from '../../grid/index.js';
import type { TissueOptions } from '../../tissue/index.js';
import type { ReaderChoice } from '../../slide/index.js';
import { writePlan, type PlanFile, type PlanSlide, type SkippedEntry } from '../../plan/index.js';
import type { ShardOptions } from '../../shard/index.js';
import type { LayoutChoice } from './window-params.js';
import type { PackOptions } from './pack-params.js';
import { writeClamPatchFiles } from './clam-patches.js';
import { buildPlanFile } from './build-plan.js';
import { PLAN_DEFAULTS, planOrReuse, resolvePlanSetup } from './plan-setup.js';

export { PLAN_DEFAULTS };

export interface PlanRunOptions {
  inputs: string[];
  out: string;
  grid?: GridOptions;
  tissue?: TissueOptions;
  /** Folder of user masks named after the slide stem (.xml, .geojson, .json or .png). */
  masksDir?: string;
  /** µm/px for slides that record none. */
  slideMpp?: number;
  /** Slides planned at once. @default min(2, cores) */
  concurrency?: number;
  isDryRun?: boolean;
  /** Replan every slide even when unchanged. */
  isForced?: boolean;
  /** Patches one slide may have before it fails with GRID_TOO_LARGE. @default GRID_LIMITS.maxPatchesPerSlide */
  maxGridPatches?: number;
  shards?: ShardOptions;
  pack?: PackOptions;
  /** `windows` stores k x k-position windows, `patches` every patch; `auto`: windows when the stride is below the patch. */
  layout?: LayoutChoice;
  /** k of a window layout (positions per window side). @default the planner's choice (grid/windows.ts) */
  windowPositions?: number;
  /** `macenko` to normalize stains at inference. @default 'none' */
  stainNorm?: 'none' | 'macenko';
  /** `builtin` (Macenko's reference H&E) or an image whose stains are the target. */
  stainTarget?: string;
  /** Slide backend: `native` (built-in TIFF reader), `openslide`, or `auto` (native where it reads the file). @default 'auto' */
  reader?: ReaderChoice;
  /** Also write CLAM-style `patches/<slide-stem>.h5` coordinate files (docs/FORMAT.md). */
  clamPatches?: boolean;
  /** `--slides-from`: listed slides (planned besides `inputs`) and their metadata columns, carried into plan.json. */
  slideList?: { file: string; columns: string[]; entries: Array<{ path: string; metadata: Record<string, string> }> };
  onSlideDone?: (slide: PlanSlide, done: number, total: number) => void;
}

export interface PlanRunResult {
  plan: PlanFile;
  planFile: string;
  /** Ids of slides reused unchanged from the earlier plan. */
  reused: string[];
  isDryRun: boolean;
  /** Folder entries and glob matches that discovery did not take, with the reason. */
  skipped: SkippedEntry[];
  /** `--clam-patches`: the files written, by slide id. */
  clamPatches?: Map<string, string>;
}

export async function runPlan(options: PlanRunOptions): Promise<PlanRunResult> {
  const setup = await resolvePlanSetup(options);
  const { paths, params, paramsHash, isDryRun } = setup;
  const results: PlanSlide[] = new Array(setup.slides.length);
  const reused: string[] = [];
  const windowCounts = new Map<string, Int32Array>();
  const build = (slides: PlanSlide[]): PlanFile =>
    buildPlanFile({ params, paramsHash, slides, windowCounts, slideList: setup.slideList ?? undefined });
  let done = 0;
  let lastCheckpoint = 0;
  const limit = pLimit(setup.concurrency);
  await Promise.all(
    setup.slides.map((path, i) =>
      limit(async () => {
        const outcome = await planOrReuse(setup, path);
        results[i] = outcome.slide;
        if (outcome.windowCounts) windowCounts.set(outcome.slide.id, outcome.windowCounts);
        if (outcome.isReused) reused.push(outcome.slide.id);
        done++;
        options.onSlideDone?.(results[i], done, setup.slides.length);
        // Checkpoint so that a killed plan of a large cohort keeps what it finished.
        if (!isDryRun && done - lastCheckpoint >= 25) {
          lastCheckpoint = done;
          await writePlan(paths.plan, build(results.filter(Boolean)));
        }
      }),
    ),
  );
  const plan = build(results);
  if (!isDryRun) await writePlan(paths.plan, plan);
  const clamPatches = options.clamPatches && !isDryRun ? await writeClamPatchFiles(plan, paths.root) : undefined;
  return { plan, planFile: paths.plan, reused, isDryRun, skipped: setup.skipped, ...(clamPatches ? { clamPatches } : {}) };
}
