// Checks the fields of plan.json that reach file names, indices and counts: safe ids, shard and task
// indices in range, non-negative integer counts, output paths inside the run folder. Pure: parsing and
// version checks are plan-file.ts; the id pattern belongs to run/paths.ts, which refuses unsafe ids again.
import { isAbsolute, posix } from 'node:path';
import { WsiHpcError } from '../errors.js';
import { isSafeId, SAFE_ID_RULE } from '../run/paths.js';

/** Problems listed in one error before "… and N more". */
const MAX_LISTED = 12;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string =>
  typeof v === 'string' ? JSON.stringify(v) : v === undefined ? 'nothing' : (JSON.stringify(v) ?? String(v));
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/** A run-relative path that stays inside the run folder (no absolute path, no `..` out of it). */
export function isInsideRun(rel: unknown): rel is string {
  if (typeof rel !== 'string' || rel === '' || rel.includes('\0') || rel.includes('\\') || isAbsolute(rel)) return false;
  const n = posix.normalize(rel);
  return n !== '.' && n !== '..' && !n.startsWith('../');
}

class Problems {
  readonly list: string[] = [];
  add(field: string, value: unknown, expected: string): void {
    this.list.push(`${field}: ${show(value)} ${expected}`);
  }
  count(field: string, value: unknown): void {
    if (!isCount(value)) this.add(field, value, 'is not a non-negative integer');
  }
  id(field: string, value: unknown): void {
    if (!isSafeId(value)) this.add(field, value, `is not a safe id (${SAFE_ID_RULE})`);
  }
  inside(field: string, value: unknown): void {
    if (!isInsideRun(value)) this.add(field, value, 'is not a path inside the run folder (relative, without `..` out of it)');
  }
}

// Slides: ids (unique, safe) and the run-relative files they name. Returns grid counts (window plans:
// window counts) of planned slides by id.
function checkSlides(slides: unknown[], p: Problems, isWindowPlan: boolean): Map<string, number> {
  const counts = new Map<string, number>();
  const seen = new Set<string>();
  for (const [i, s] of slides.entries()) {
    const at = `slides[${i}]`;
    if (!isObj(s)) {
      p.add(at, s, 'is not an object');
      continue;
    }
    p.id(`${at}.id`, s.id);
    if (typeof s.id === 'string' && seen.has(s.id)) p.add(`${at}.id`, s.id, 'is the id of an earlier slide');
    if (typeof s.id === 'string') seen.add(s.id);
    if (typeof s.path !== 'string' || !isAbsolute(s.path)) p.add(`${at}.path`, s.path, 'is not an absolute slide path');
    if (s.status !== 'planned' && s.status !== 'failed') p.add(`${at}.status`, s.status, 'is neither "planned" nor "failed"');
    if (s.outputs !== undefined && s.outputs !== null) {
      if (!isObj(s.outputs)) p.add(`${at}.outputs`, s.outputs, 'is not an object');
      else for (const [k, v] of Object.entries(s.outputs)) p.inside(`${at}.outputs.${k}`, v);
    }
    // --slides-from metadata reaches scores.csv as text: an object of strings, nothing else.
    if (s.metadata !== undefined) {
      if (!isObj(s.metadata)) p.add(`${at}.metadata`, s.metadata, 'is not an object of text values');
      else for (const [k, v] of Object.entries(s.metadata)) if (typeof v !== 'string') p.add(`${at}.metadata.${k}`, v, 'is not text');
    }
    // Pack opens the slide with the backend recorded here.
    const backend = isObj(s.info) ? s.info.backend : undefined;
    if (backend !== undefined && backend !== 'native' && backend !== 'openslide') {
      p.add(`${at}.info.backend`, backend, 'is neither "native" nor "openslide"');
    }
    if (s.status !== 'planned') continue;
    if (!isObj(s.grid)) {
      p.add(`${at}.grid`, s.grid, 'is missing for a planned slide');
      continue;
    }
    p.inside(`${at}.grid.file`, s.grid.file);
    p.count(`${at}.grid.count`, s.grid.count);
    for (const k of ['patchSizePx', 'readSizePx', 'stridePx'] as const) {
      if (!(isCount(s.grid[k]) && s.grid[k] > 0)) p.add(`${at}.grid.${k}`, s.grid[k], 'is not a positive integer');
    }
    const units = isWindowPlan ? (isObj(s.grid.windows) ? s.grid.windows.count : undefined) : s.grid.count;
    if (isWindowPlan) p.count(`${at}.grid.windows.count`, units);
    if (typeof s.id === 'string' && isCount(units)) counts.set(s.id, units);
  }
  return counts;
}

// Segments of one shard: planned slides, within their grids (or window lists), offsets running;
// returns the patches (or windows) they hold, and in a window plan the kept positions.
function checkSegments(
  segments: unknown[],
  at: string,
  gridCounts: Map<string, number>,
  p: Problems,
  isWindowPlan: boolean,
): { units: number; positions: number } {
  let offset = 0;
  let positions = 0;
  for (const [j, seg] of segments.entries()) {
    const sat = `${at}.segments[${j}]`;
    if (!isObj(seg)) {
      p.add(sat, seg, 'is not an object');
      continue;
    }
    const count = typeof seg.slideId === 'string' ? gridCounts.get(seg.slideId) : undefined;
    if (count === undefined) p.add(`${sat}.slideId`, seg.slideId, 'is not the id of a planned slide');
    for (const k of ['start', 'end', 'offset'] as const) p.count(`${sat}.${k}`, seg[k]);
    if (!isCount(seg.start) || !isCount(seg.end) || !isCount(seg.offset)) continue;
    if (seg.start > seg.end) p.add(`${sat}.start`, seg.start, `is after end ${seg.end}`);
    const what = isWindowPlan ? 'windows' : 'grid patches';
    if (count !== undefined && seg.end > count) p.add(`${sat}.end`, seg.end, `is past the slide's ${count} ${what}`);
    if (seg.offset !== offset) p.add(`${sat}.offset`, seg.offset, `is not ${offset}, the ${what} of the segments before it`);
    offset = seg.offset + Math.max(0, seg.end - seg.start);
    if (!isWindowPlan) continue;
    p.count(`${sat}.positions`, seg.positions);
    if (seg.positionOffset !== positions)
      p.add(`${sat}.positionOffset`, seg.positionOffset, `is not ${positions}, the positions before it`);
    if (isCount(seg.positions)) positions += seg.positions;
  }
  return { units: offset, positions };
}

// Shards: index = position, safe unique ids, consistent counts.
function checkShards(shards: unknown[], gridCounts: Map<string, number>, p: Problems, isWindowPlan: boolean): void {
  const ids = new Set<string>();
  for (const [i, shard] of shards.entries()) {
    const at = `shards.list[${i}]`;
    if (!isObj(shard)) {
      p.add(at, shard, 'is not an object');
      continue;
    }
    if (shard.index !== i) p.add(`${at}.index`, shard.index, `is not the shard's position ${i}`);
    p.id(`${at}.id`, shard.id);
    if (typeof shard.id === 'string' && ids.has(shard.id)) p.add(`${at}.id`, shard.id, 'is the id of an earlier shard');
    if (typeof shard.id === 'string') ids.add(shard.id);
    p.count(`${at}.patches`, shard.patches);
    p.count(`${at}.expectedBytes`, shard.expectedBytes);
    if (!Array.isArray(shard.segments)) {
      p.add(`${at}.segments`, shard.segments, 'is not a list');
      continue;
    }
    const held = checkSegments(shard.segments, at, gridCounts, p, isWindowPlan);
    if (isWindowPlan) {
      if (shard.windows !== held.units) p.add(`${at}.windows`, shard.windows, `is not ${held.units}, the sum of its segments`);
      if (isCount(shard.patches) && held.positions !== shard.patches)
        p.add(`${at}.patches`, shard.patches, `is not ${held.positions}, the positions of its segments`);
    } else if (isCount(shard.patches) && held.units !== shard.patches) {
      p.add(`${at}.patches`, shard.patches, `is not ${held.units}, the sum of its segments`);
    }
  }
}

// Array tasks: task k at position k, each listing existing shards, no shard in two tasks.
function checkTasks(tasks: unknown, shardCount: number, p: Problems): void {
  const pack = isObj(tasks) ? tasks.pack : undefined;
  if (!Array.isArray(pack)) {
    p.add('tasks.pack', pack, 'is not a list');
    return;
  }
  const owner = new Map<number, number>();
  for (const [k, t] of pack.entries()) {
    const at = `tasks.pack[${k}]`;
    if (!isObj(t)) {
      p.add(at, t, 'is not an object');
      continue;
    }
    if (t.task !== k) p.add(`${at}.task`, t.task, `is not the task's position ${k}`);
    if (!Array.isArray(t.shards)) {
      p.add(`${at}.shards`, t.shards, 'is not a list');
      continue;
    }
    for (const [j, s] of t.shards.entries()) {
      if (!(isCount(s) && s < shardCount)) p.add(`${at}.shards[${j}]`, s, `is not a shard index (0 to ${shardCount - 1})`);
      else if (owner.has(s)) p.add(`${at}.shards[${j}]`, s, `is already packed by task ${owner.get(s)}`);
      else owner.set(s, k);
    }
  }
}

/** Throws PLAN_INVALID naming `file`, every bad field and its value, unless the plan is safe to act on. */
export function validatePlan(plan: Obj, file: string): void {
  const p = new Problems();
  const slides = Array.isArray(plan.slides) ? plan.slides : [];
  const windows = isObj(plan.params) ? plan.params.windows : undefined;
  const isWindowPlan = isObj(windows);
  if (isWindowPlan) {
    for (const k of ['positions', 'sidePx'] as const) {
      if (!(isCount(windows[k]) && windows[k] > 0)) p.add(`params.windows.${k}`, windows[k], 'is not a positive integer');
    }
    // A window must hold its positions' patches: side = patch + (k - 1) * stride (pack trusts it).
    const g = isObj(plan.params) && isObj(plan.params.grid) ? plan.params.grid : {};
    if (isCount(windows.positions) && isCount(g.patchSizePx) && isCount(g.stridePx)) {
      const side = g.patchSizePx + (windows.positions - 1) * g.stridePx;
      if (windows.sidePx !== side) p.add('params.windows.sidePx', windows.sidePx, `is not ${side}, patch + (positions - 1) x stride`);
    }
  }
  const reader = isObj(plan.params) ? plan.params.reader : undefined;
  if (reader !== undefined && reader !== 'native' && reader !== 'openslide') {
    p.add('params.reader', reader, 'is neither "native" nor "openslide" (absent: auto)');
  }
  const gridCounts = checkSlides(slides, p, isWindowPlan);
  const list = plan.slideList;
  if (
    list !== undefined &&
    !(isObj(list) && typeof list.file === 'string' && Array.isArray(list.columns) && list.columns.every((c) => typeof c === 'string'))
  )
    p.add('slideList', list, 'is not {file, columns: [text]}');
  const shards = isObj(plan.shards) ? plan.shards.list : undefined;
  if (Array.isArray(shards)) checkShards(shards, gridCounts, p, isWindowPlan);
  else p.add('shards.list', shards, 'is not a list');
  checkTasks(plan.tasks, Array.isArray(shards) ? shards.length : 0, p);
  if (isObj(plan.totals)) for (const [k, v] of Object.entries(plan.totals)) p.count(`totals.${k}`, v);
  else p.add('totals', plan.totals, 'is not an object');
  if (typeof plan.planHash !== 'string' || plan.planHash === '') p.add('planHash', plan.planHash, 'is not a hash');
  if (p.list.length === 0) return;
  const listed = p.list.slice(0, MAX_LISTED);
  const more = p.list.length > MAX_LISTED ? `\n  … and ${p.list.length - MAX_LISTED} more` : '';
  throw new WsiHpcError('PLAN_INVALID', `${file}: the plan is damaged or was edited by hand:\n  - ${listed.join('\n  - ')}${more}`, {
    file,
    hint: 'Restore plan.json from a copy, or plan again: `wsi-hpc plan SLIDES --out RUN --force` (or into a new run folder)',
  });
}
