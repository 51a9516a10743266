// plan.json of a window layout is checked when read: segments index windows (not grid patches), their
// position counts and offsets add up, and the window counts are there; a hand edit is PLAN_INVALID naming the field.
import { describe, expect, test } from 'vitest';
import { WsiHpcError } from '../../src/errors.js';
import { parsePlan, validatePlan } from '../../src/plan/index.js';

/** A small consistent window plan: slide a (5 windows, 30 positions) and b (3 windows, 12 positions), two shards. */
function windowPlan(): Record<string, unknown> {
  const slide = (id: string, count: number, windows: number) => ({
    id,
    path: `/data/${id}.svs`,
    name: `${id}.svs`,
    sizeBytes: 1000,
    mtimeMs: 1700000000000,
    status: 'planned',
    grid: {
      file: `grids/${id}.grid`,
      sha256: 'ab',
      count,
      level: 0,
      patchSizePx: 224,
      readSizePx: 224,
      stridePx: 16,
      windows: { count: windows },
    },
    outputs: { mask: `masks/${id}.png` },
  });
  const side = 224 + 3 * 16;
  return {
    schemaVersion: 1,
    tool: { name: 'wsi-hpc', version: '0.1.0' },
    params: { grid: { patchSizePx: 224, stridePx: 16 }, windows: { positions: 4, sidePx: side, source: 'option' } },
    paramsHash: 'p',
    planHash: 'h',
    slides: [slide('a', 30, 5), slide('b', 12, 3)],
    totals: { slides: 2, planned: 2, failed: 0, patches: 42, shards: 2, bytes: 8 * side * side * 3, windows: 8 },
    shards: {
      targetPatches: 21,
      maxOverMean: 1,
      bytesMaxOverMean: 1,
      list: [
        {
          index: 0,
          id: 'shard-00000',
          patches: 20,
          windows: 4,
          expectedBytes: 4 * side * side * 3,
          segments: [{ slideId: 'a', start: 0, end: 4, offset: 0, positions: 20, positionOffset: 0 }],
        },
        {
          index: 1,
          id: 'shard-00001',
          patches: 22,
          windows: 4,
          expectedBytes: 4 * side * side * 3,
          segments: [
            { slideId: 'a', start: 4, end: 5, offset: 0, positions: 10, positionOffset: 0 },
            { slideId: 'b', start: 0, end: 3, offset: 1, positions: 12, positionOffset: 10 },
          ],
        },
      ],
    },
    tasks: { pack: [{ task: 0, shards: [0, 1] }] },
  };
}

const FILE = '/runs/w/plan.json';

function edit(path: string, value: unknown): Record<string, unknown> {
  const plan = windowPlan();
  const keys = path.split('.');
  let at = plan as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
  if (value === undefined) delete at[keys[keys.length - 1]];
  else at[keys[keys.length - 1]] = value;
  return plan;
}

function problemOf(plan: Record<string, unknown>): WsiHpcError {
  try {
    validatePlan(plan, FILE);
  } catch (err) {
    return err as WsiHpcError;
  }
  throw new Error('the plan was accepted');
}

describe('validatePlan on a window plan', () => {
  test('a consistent window plan passes (segments count windows, shards.patches counts positions)', () => {
    expect(() => validatePlan(windowPlan(), FILE)).not.toThrow();
    expect(parsePlan(JSON.stringify(windowPlan()), FILE).shards.list).toHaveLength(2);
    // Its shards hold 4 windows but 20 and 22 positions: a patch plan's "patches = sum of segments" rule would refuse it.
    const asPatchPlan = edit('params.windows', undefined);
    expect(problemOf(asPatchPlan).message).toContain('shards.list[0].patches: 20 is not 4, the sum of its segments');
  });

  test.each([
    [
      "a segment ending past the slide's window count",
      'shards.list.1.segments.1.end',
      4,
      "shards.list[1].segments[1].end: 4 is past the slide's 3 windows",
    ],
    [
      'a segment end inside the grid but past the windows',
      'shards.list.0.segments.0.end',
      6,
      "shards.list[0].segments[0].end: 6 is past the slide's 5 windows",
    ],
    [
      'a shard whose positions do not sum',
      'shards.list.1.patches',
      23,
      'shards.list[1].patches: 23 is not 22, the positions of its segments',
    ],
    [
      'a segment position count edited',
      'shards.list.1.segments.0.positions',
      11,
      'shards.list[1].patches: 22 is not 23, the positions of its segments',
    ],
    [
      'a position offset that skips',
      'shards.list.1.segments.1.positionOffset',
      9,
      'shards.list[1].segments[1].positionOffset: 9 is not 10, the positions before it',
    ],
    [
      'a negative position count',
      'shards.list.0.segments.0.positions',
      -1,
      'shards.list[0].segments[0].positions: -1 is not a non-negative integer',
    ],
    [
      'a missing position count',
      'shards.list.0.segments.0.positions',
      undefined,
      'shards.list[0].segments[0].positions: nothing is not a non-negative integer',
    ],
    ["a shard's window count wrong", 'shards.list.0.windows', 5, 'shards.list[0].windows: 5 is not 4, the sum of its segments'],
    [
      "a shard's window count missing",
      'shards.list.1.windows',
      undefined,
      'shards.list[1].windows: nothing is not 4, the sum of its segments',
    ],
    [
      "a slide's window count missing",
      'slides.0.grid.windows',
      undefined,
      'slides[0].grid.windows.count: nothing is not a non-negative integer',
    ],
    [
      "a slide's window count not a number",
      'slides.1.grid.windows.count',
      '3',
      'slides[1].grid.windows.count: "3" is not a non-negative integer',
    ],
    ['k missing', 'params.windows.positions', undefined, 'params.windows.positions: nothing is not a positive integer'],
    ['k zero', 'params.windows.positions', 0, 'params.windows.positions: 0 is not a positive integer'],
    ['a window side that is not an integer', 'params.windows.sidePx', 271.5, 'params.windows.sidePx: 271.5 is not a positive integer'],
    // Pack trusts the side: a smaller one packed windows that did not hold their positions' patches.
    ['a window side edited', 'params.windows.sidePx', 300, 'params.windows.sidePx: 300 is not 272, patch + (positions - 1) x stride'],
    ['k edited without the side', 'params.windows.positions', 5, 'params.windows.sidePx: 272 is not 288, patch + (positions - 1) x stride'],
    ['a fractional total of windows', 'totals.windows', 7.5, 'totals.windows: 7.5 is not a non-negative integer'],
  ])('%s is PLAN_INVALID naming the field', (_name, path, value, expected) => {
    const err = problemOf(edit(path, value));
    expect(err).toBeInstanceOf(WsiHpcError);
    expect(err.code).toBe('PLAN_INVALID');
    expect(err.message).toContain(FILE);
    expect(err.message).toContain(expected);
    expect(err.hint).toContain('wsi-hpc plan');
  });

  test('a slide whose window count was removed cannot be referenced by a segment', () => {
    const err = problemOf(edit('slides.1.grid.windows', undefined));
    expect(err.message).toContain('shards.list[1].segments[1].slideId: "b" is not the id of a planned slide');
  });
});
