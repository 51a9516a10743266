// The `plan` stage for a cohort: discovers slides, reuses unchanged ones from an earlier plan,
// plans the rest with bounded concurrency, and writes plan.json (checkpointed as it goes).
import { access, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { OptionError } from '../../errors.js';
import { cpus } from 'node:os';
import pLimit from 'p-limit';
import { GRID_LIMITS, decodeGrid, groupWindows, normalizeGridOptions, positionsPerWindow, type GridOptions } from '../../grid/index.js';
import { normalizeTissueOptions, type TissueOptions } from '../../tissue/index.js';
import type { ReaderChoice } from '../../slide/index.js';
import {
  PLAN_SCHEMA_VERSION,
  discoverSlideFiles,
  readPlanIfExists,
  summarizeSlides,
  writePlan,
  type PlanFile,
  type PlanParams,
  type PlanSlide,
  type SkippedEntry,
} from '../../plan/index.js';
import { runPaths } from '../../run/paths.js';
import { checkReplan } from '../../run/run-folder-guard.js';
import { hashJson, sha256 } from '../../util/hash.js';
import { expectPositiveInt, expectPositiveNumber } from '../../util/is.js';
import { TOOL_VERSION } from '../../version.js';
import { normalizeShardOptions, planShards, planWindowShards, type ShardOptions } from '../../shard/index.js';
import { resolveWindowParams, type LayoutChoice } from './window-params.js';
import { normalizePackParams, type PackOptions } from './pack-params.js';
import { resolveStainTarget } from './stain-target.js';
import { findUserMask, planSlide } from './plan-slide.js';
import { writeClamPatchFiles } from './clam-patches.js';

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

export const PLAN_DEFAULTS = Object.freeze({ concurrency: Math.max(1, Math.min(2, cpus().length)) });

/** The slide's grid file when the slide can be reused unchanged from the earlier plan, else null. */
async function reusableGrid(prev: PlanSlide | undefined, path: string, root: string, masksDir: string | null): Promise<Uint8Array | null> {
  if (prev?.status !== 'planned' || !prev.grid || !prev.outputs) return null;
  const mask = await findUserMask(masksDir, path);
  if (JSON.stringify(mask ?? null) !== JSON.stringify(prev.userMask ?? null)) return null;
  const st = await stat(path).catch(() => null);
  if (!st || st.size !== prev.sizeBytes || Math.trunc(st.mtimeMs) !== prev.mtimeMs) return null;
  try {
    for (const rel of Object.values(prev.outputs)) await access(join(root, rel));
    const bytes = await readFile(join(root, prev.grid.file));
    return sha256(bytes) === prev.grid.sha256 ? bytes : null;
  } catch {
    // A missing or unreadable output means the slide must be planned again.
    return null;
  }
}

const READER_CHOICES: readonly ReaderChoice[] = ['auto', 'native', 'openslide'];

function readerParam(choice: ReaderChoice | undefined): PlanParams['reader'] {
  if (choice === undefined || choice === 'auto') return undefined;
  if (!READER_CHOICES.includes(choice)) {
    throw new OptionError(`Expected \`--reader\` to be auto, native or openslide, received \`${String(choice)}\``);
  }
  return choice;
}

export async function runPlan(options: PlanRunOptions): Promise<PlanRunResult> {
  const params: PlanParams = {
    grid: normalizeGridOptions(options.grid),
    tissue: normalizeTissueOptions(options.tissue),
    slideMpp: options.slideMpp === undefined ? null : expectPositiveNumber('slideMpp', options.slideMpp),
    masksDir: options.masksDir ? resolve(options.masksDir) : null,
    shards: normalizeShardOptions(options.shards),
    pack: normalizePackParams(options.pack),
    stain: await resolveStainTarget(options.stainNorm ?? 'none', options.stainTarget ?? 'builtin'),
    windows: null,
  };
  params.windows = resolveWindowParams(params.grid, options.layout ?? 'auto', options.windowPositions);
  // Recorded only when not `auto`, so plans written before `--reader` keep their parameters (and hash).
  const reader = readerParam(options.reader);
  if (reader) params.reader = reader;
  if (params.tissue.userMaskMode === 'replace' && !params.masksDir) {
    throw new OptionError('`--mask-mode replace` needs `--masks DIR` with one mask per slide');
  }
  // A misspelt masks folder would otherwise plan every slide without its mask, with exit 0.
  const masksStat = params.masksDir ? await stat(params.masksDir).catch(() => null) : null;
  if (params.masksDir && !masksStat?.isDirectory()) {
    throw new OptionError(
      `Expected \`--masks\` to be a folder of masks, received \`${options.masksDir}\` (${masksStat ? 'not a folder' : 'no such folder'})`,
      'Give the folder that holds <slide-stem>.xml|.geojson|.png masks',
    );
  }
  const concurrency = expectPositiveInt('concurrency', options.concurrency ?? PLAN_DEFAULTS.concurrency);
  const isDryRun = options.isDryRun ?? false;
  const maxGridPatches = expectPositiveInt('maxGridPatches', options.maxGridPatches ?? GRID_LIMITS.maxPatchesPerSlide);
  const { slides: slidesIn, skipped } = await discoverSlideFiles(options.inputs);
  const paths = runPaths(options.out);
  // Only what changes a slide's grid decides whether a slide can be reused.
  const { shards: _shards, pack: _pack, windows: _windows, ...slideParams } = params;
  const paramsHash = hashJson({ slideParams, version: PLAN_SCHEMA_VERSION });
  const previous = options.isForced ? null : await readPlanIfExists(paths.plan);
  // A finished run is not replaced by a plan of other parameters unless --force says so.
  await checkReplan(options.out, previous, params, false);
  const prevById = new Map((previous?.paramsHash === paramsHash ? previous.slides : []).map((s) => [s.path, s]));

  const results: PlanSlide[] = new Array(slidesIn.length);
  const reused: string[] = [];
  // Window plans: kept positions per window of each planned slide (derived from its grid, not stored).
  const windowCounts = new Map<string, Int32Array>();
  const win = params.windows;
  const noteWindows = (slide: PlanSlide, coords: Int32Array): PlanSlide => {
    if (!win || !slide.grid) return slide;
    const g = slide.grid;
    const windows = groupWindows({ coords, strideLevel0: g.strideLevel0, cols: g.cols, rows: g.rows }, win.positions);
    windowCounts.set(slide.id, positionsPerWindow(windows));
    return { ...slide, grid: { ...g, windows: { count: windows.count } } };
  };
  const build = (slides: PlanSlide[]): PlanFile => {
    const patchBytes = params.grid.patchSizePx ** 2 * 3;
    const planned = slides.filter((s) => s.status === 'planned' && s.grid);
    const sharded = win
      ? planWindowShards(
          planned.map((s) => ({ slideId: s.id, positionsPerWindow: windowCounts.get(s.id) ?? new Int32Array(0) })),
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
      paramsHash,
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
    };
  };
  let done = 0;
  let lastCheckpoint = 0;
  const limit = pLimit(concurrency);
  await Promise.all(
    slidesIn.map((path, i) =>
      limit(async () => {
        const prev = prevById.get(path);
        const gridBytes = await reusableGrid(prev, path, paths.root, params.masksDir);
        if (gridBytes) {
          const { windows: _stale, ...grid } = (prev as PlanSlide).grid as NonNullable<PlanSlide['grid']>;
          results[i] = noteWindows({ ...(prev as PlanSlide), grid }, win ? decodeGrid(gridBytes).coords : new Int32Array(0));
          reused.push((prev as PlanSlide).id);
        } else {
          let coords: Int32Array = new Int32Array(0);
          const planned = await planSlide(path, { paths, params, isDryRun, maxGridPatches, onGrid: (c) => (coords = c) });
          results[i] = noteWindows(planned, coords);
        }
        done++;
        options.onSlideDone?.(results[i], done, slidesIn.length);
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
  return { plan, planFile: paths.plan, reused, isDryRun, skipped, ...(clamPatches ? { clamPatches } : {}) };
}
