// Assembles plan.json from planned slides: shards balanced over the planned grids (or windows), the plan
// hash, totals and array tasks. Pure: shared by the local plan and the assemble step of a plan run as array tasks.
import { planShards, planWindowShards } from '../../shard/index.js';
import { PLAN_SCHEMA_VERSION, summarizeSlides, type PlanFile, type PlanParams, type PlanSlide } from '../../plan/index.js';
import { hashJson } from '../../util/hash.js';
import { TOOL_VERSION } from '../../version.js';

export interface BuildPlanInput {
  params: PlanParams;
  paramsHash: string;
  /** Every slide, in plan order (planned and failed). */
  slides: PlanSlide[];
  /** Window plans: kept positions per window of each planned slide, by slide id. */
  windowCounts: ReadonlyMap<string, Int32Array>;
  slideList?: PlanFile['slideList'];
}

export function buildPlanFile(b: BuildPlanInput): PlanFile {
  const { params, slides } = b;
  const win = params.windows;
  const patchBytes = params.grid.patchSizePx ** 2 * 3;
  const planned = slides.filter((s) => s.status === 'planned' && s.grid);
  const sharded = win
    ? planWindowShards(
        planned.map((s) => ({ slideId: s.id, positionsPerWindow: b.windowCounts.get(s.id) ?? new Int32Array(0) })),
        params.shards,
        win.sidePx ** 2 * 3,
      )
    : planShards(
        planned.map((s) => ({ slideId: s.id, count: s.grid?.count ?? 0, patchBytes })),
        params.shards,
      );
  const planHash = hashJson({ params, grids: slides.map((s) => s.grid?.sha256 ?? null), shards: sharded.shards });
  return {
    schemaVersion: PLAN_SCHEMA_VERSION,
    tool: { name: 'wsi-hpc', version: TOOL_VERSION },
    params,
    paramsHash: b.paramsHash,
    planHash,
    slides,
    totals: summarizeSlides(slides, sharded.shards),
    shards: {
      targetPatches: sharded.targetPatches,
      maxOverMean: sharded.maxOverMean,
      ...(sharded.bytesMaxOverMean === undefined ? {} : { bytesMaxOverMean: sharded.bytesMaxOverMean }),
      list: sharded.shards,
    },
    tasks: { pack: sharded.tasks },
    ...(b.slideList ? { slideList: b.slideList } : {}),
  };
}
