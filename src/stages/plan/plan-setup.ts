// What planning a cohort needs before any slide is opened: parameters (checked), the slides (discovered,
// plus a `--slides-from` list), the earlier plan's reusable entries; and planning or reusing one slide.
// Shared by the local plan (run-plan.ts) and the plan array tasks (plan-tasks.ts).
import { access, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { OptionError } from '../../errors.js';
import { cpus } from 'node:os';
import { decodeGrid, groupWindows, normalizeGridOptions, positionsPerWindow, GRID_LIMITS } from '../../grid/index.js';
import { normalizeTissueOptions } from '../../tissue/index.js';
import type { ReaderChoice } from '../../slide/index.js';
import {
  PLAN_SCHEMA_VERSION,
  discoverSlideFiles,
  readPlanIfExists,
  type PlanFile,
  type PlanParams,
  type PlanSlide,
  type SkippedEntry,
} from '../../plan/index.js';
import { runPaths, type RunPaths } from '../../run/paths.js';
import { checkReplan } from '../../run/run-folder-guard.js';
import { hashJson, sha256 } from '../../util/hash.js';
import { expectPositiveInt, expectPositiveNumber } from '../../util/is.js';
import { normalizeShardOptions } from '../../shard/index.js';
import { resolveWindowParams } from './window-params.js';
import { normalizePackParams } from './pack-params.js';
import { resolveStainTarget } from './stain-target.js';
import { findUserMask, planSlide } from './plan-slide.js';
import type { PlanRunOptions } from './run-plan.js';

export const PLAN_DEFAULTS = Object.freeze({ concurrency: Math.max(1, Math.min(2, cpus().length)) });

export interface PlanSetup {
  paths: RunPaths;
  params: PlanParams;
  paramsHash: string;
  /** Slide paths in plan order (discovered and listed, sorted, each once). */
  slides: string[];
  skipped: SkippedEntry[];
  isDryRun: boolean;
  maxGridPatches: number;
  concurrency: number;
  /** The earlier plan's entries by slide path, when its parameters equal these (empty with --force). */
  previous: Map<string, PlanSlide>;
  /** `--slides-from`: metadata columns, and each listed slide's values by path. */
  slideList: PlanFile['slideList'] | null;
  metadata: Map<string, Record<string, string>>;
}

const READER_CHOICES: readonly ReaderChoice[] = ['auto', 'native', 'openslide'];

function readerParam(choice: ReaderChoice | undefined): PlanParams['reader'] {
  if (choice === undefined || choice === 'auto') return undefined;
  if (!READER_CHOICES.includes(choice)) {
    throw new OptionError(`Expected \`--reader\` to be auto, native or openslide, received \`${String(choice)}\``);
  }
  return choice;
}

/** The checked parameters of a plan (no slide is read; a stain target image is). */
export async function resolvePlanParams(options: PlanRunOptions): Promise<PlanParams> {
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
  return params;
}

/** Only what changes a slide's grid decides whether a slide can be reused. */
export function slideParamsHash(params: PlanParams): string {
  const { shards: _shards, pack: _pack, windows: _windows, ...slideParams } = params;
  return hashJson({ slideParams, version: PLAN_SCHEMA_VERSION });
}

/** The earlier plan's entries by path, when it was made with the same slide parameters. */
export async function previousEntries(paths: RunPaths, paramsHash: string, isForced: boolean): Promise<Map<string, PlanSlide>> {
  const previous = isForced ? null : await readPlanIfExists(paths.plan);
  return new Map((previous?.paramsHash === paramsHash ? previous.slides : []).map((s) => [s.path, s]));
}

export async function resolvePlanSetup(options: PlanRunOptions): Promise<PlanSetup> {
  const params = await resolvePlanParams(options);
  const concurrency = expectPositiveInt('concurrency', options.concurrency ?? PLAN_DEFAULTS.concurrency);
  const maxGridPatches = expectPositiveInt('maxGridPatches', options.maxGridPatches ?? GRID_LIMITS.maxPatchesPerSlide);
  const list = options.slideList;
  const inputs = [...options.inputs, ...(list?.entries.map((e) => e.path) ?? [])];
  const { slides, skipped } = await discoverSlideFiles(inputs);
  const paths = runPaths(options.out);
  const paramsHash = slideParamsHash(params);
  // A finished run is not replaced by a plan of other parameters unless --force says so.
  const earlier = options.isForced ? null : await readPlanIfExists(paths.plan);
  await checkReplan(options.out, earlier, params, false);
  return {
    paths,
    params,
    paramsHash,
    slides,
    skipped,
    isDryRun: options.isDryRun ?? false,
    maxGridPatches,
    concurrency,
    previous: new Map((earlier?.paramsHash === paramsHash ? earlier.slides : []).map((s) => [s.path, s])),
    slideList: list ? { file: resolve(list.file), columns: list.columns } : null,
    metadata: new Map(list?.entries.map((e) => [resolve(e.path), e.metadata]) ?? []),
  };
}

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

export interface SlideOutcome {
  slide: PlanSlide;
  /** Window plans: kept positions per window (derived from the grid, not stored in plan.json). */
  windowCounts: Int32Array | null;
  isReused: boolean;
}

/** Plans one slide, or reuses it unchanged from the earlier plan; the `--slides-from` metadata is attached. */
export async function planOrReuse(
  setup: Pick<PlanSetup, 'paths' | 'params' | 'isDryRun' | 'maxGridPatches' | 'previous' | 'metadata'>,
  path: string,
): Promise<SlideOutcome> {
  const { paths, params } = setup;
  const win = params.windows;
  const prev = setup.previous.get(path);
  const gridBytes = await reusableGrid(prev, path, paths.root, params.masksDir);
  let slide: PlanSlide;
  let coords: Int32Array = new Int32Array(0);
  if (gridBytes && prev) {
    const { windows: _stale, ...grid } = prev.grid as NonNullable<PlanSlide['grid']>;
    const { metadata: _old, ...rest } = prev;
    slide = { ...rest, grid };
    if (win) coords = decodeGrid(gridBytes).coords;
  } else {
    slide = await planSlide(path, {
      paths,
      params,
      isDryRun: setup.isDryRun,
      maxGridPatches: setup.maxGridPatches,
      onGrid: (c) => (coords = c),
    });
  }
  const metadata = setup.metadata.get(path);
  if (metadata) slide = { ...slide, metadata };
  if (!win || !slide.grid) return { slide, windowCounts: null, isReused: Boolean(gridBytes) };
  const g = slide.grid;
  const windows = groupWindows({ coords, strideLevel0: g.strideLevel0, cols: g.cols, rows: g.rows }, win.positions);
  return {
    slide: { ...slide, grid: { ...g, windows: { count: windows.count } } },
    windowCounts: positionsPerWindow(windows),
    isReused: Boolean(gridBytes),
  };
}
