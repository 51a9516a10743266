// plan.json is checked when read: ids that could leave the run folder, indices out of range, counts that
// are not non-negative integers and recorded paths outside the run folder are PLAN_INVALID naming the field.
import { describe, expect, test } from 'vitest';
import { isInsideRun, parsePlan, slideIdFor, validatePlan } from '../../src/plan/index.js';
import { isSafeId, relativeToRun, runPaths } from '../../src/run/paths.js';

/** A small consistent plan: two planned slides, one failed, two shards in two tasks. */
function validPlan(): Record<string, unknown> {
  const slide = (id: string, count: number) => ({
    id,
    path: `/data/${id}.svs`,
    name: `${id}.svs`,
    sizeBytes: 1000,
    mtimeMs: 1700000000000,
    status: 'planned',
    grid: { file: `grids/${id}.grid`, sha256: 'ab', count, level: 0, patchSizePx: 224, readSizePx: 224, stridePx: 224 },
    outputs: { mask: `masks/${id}.png`, qc: `qc/${id}.png`, tissue: `tissue/${id}.geojson`, thumbnail: `thumbnails/${id}.png` },
  });
  return {
    schemaVersion: 1,
    tool: { name: 'wsi-hpc', version: '0.1.0' },
    params: {},
    paramsHash: 'p',
    planHash: 'h',
    slides: [
      slide('a-0adc11c7', 30),
      slide('b.c_d-24f38ec5', 10),
      { id: 'broken-11111111', path: '/data/broken.svs', name: 'broken.svs', sizeBytes: 5, mtimeMs: 1, status: 'failed' },
    ],
    totals: { slides: 3, planned: 2, failed: 1, patches: 40, shards: 2, bytes: 0 },
    shards: {
      targetPatches: 20,
      maxOverMean: 1,
      list: [
        { index: 0, id: 'shard-00000', patches: 20, expectedBytes: 0, segments: [{ slideId: 'a-0adc11c7', start: 0, end: 20, offset: 0 }] },
        {
          index: 1,
          id: 'shard-00001',
          patches: 20,
          expectedBytes: 0,
          segments: [
            { slideId: 'a-0adc11c7', start: 20, end: 30, offset: 0 },
            { slideId: 'b.c_d-24f38ec5', start: 0, end: 10, offset: 10 },
          ],
        },
      ],
    },
    tasks: {
      pack: [
        { task: 0, shards: [0] },
        { task: 1, shards: [1] },
      ],
    },
  };
}

const FILE = '/runs/r1/plan.json';

/** `obj` with the value at a dotted path (`slides.0.grid.file`) replaced; undefined drops the key from the JSON. */
function setPath(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const keys = path.split('.');
  let at = obj as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
  at[keys[keys.length - 1]] = value;
  return obj;
}

describe('validatePlan', () => {
  test('a plan as `wsi-hpc plan` writes it passes, through parsePlan too', () => {
    expect(() => validatePlan(validPlan(), FILE)).not.toThrow();
    const listed = setPath(setPath(validPlan(), 'slideList', { file: '/l.csv', columns: ['dx'] }), 'slides.0.metadata', { dx: 'a, "b"' });
    expect(() => validatePlan(listed, FILE)).not.toThrow();
    expect(parsePlan(JSON.stringify(validPlan()), FILE).shards.list).toHaveLength(2);
  });

  test.each([
    ['a slide id climbing out of the run folder', 'slides.0.id', '../../x', 'slides[0].id: "../../x" is not a safe id'],
    ['a slide id with a slash', 'slides.2.id', 'a/b', 'slides[2].id: "a/b" is not a safe id'],
    ['a slide id that is `..`', 'slides.1.id', '..', 'slides[1].id: ".." is not a safe id'],
    ['an absolute slide id', 'slides.0.id', '/etc/passwd', 'slides[0].id: "/etc/passwd" is not a safe id'],
    ['a slide id that is not a string', 'slides.0.id', 7, 'slides[0].id: 7 is not a safe id'],
    ['two slides with one id', 'slides.1.id', 'a-0adc11c7', 'slides[1].id: "a-0adc11c7" is the id of an earlier slide'],
    ['a relative slide path', 'slides.0.path', 'slides/a.svs', 'slides[0].path: "slides/a.svs" is not an absolute slide path'],
    ['an unknown slide status', 'slides.0.status', 'done', 'slides[0].status: "done" is neither "planned" nor "failed"'],
    [
      'an absolute grid file',
      'slides.0.grid.file',
      '/etc/passwd',
      'slides[0].grid.file: "/etc/passwd" is not a path inside the run folder',
    ],
    [
      'a grid file climbing out',
      'slides.1.grid.file',
      'grids/../../x.grid',
      'slides[1].grid.file: "grids/../../x.grid" is not a path inside',
    ],
    ['an output path climbing out', 'slides.0.outputs.mask', '../x.png', 'slides[0].outputs.mask: "../x.png" is not a path inside'],
    ['a negative grid count', 'slides.0.grid.count', -1, 'slides[0].grid.count: -1 is not a non-negative integer'],
    ['a fractional patch size', 'slides.0.grid.patchSizePx', 22.5, 'slides[0].grid.patchSizePx: 22.5 is not a positive integer'],
    ['a shard id climbing out', 'shards.list.0.id', '../../x', 'shards.list[0].id: "../../x" is not a safe id'],
    ['a shard index out of place', 'shards.list.1.index', 7, "shards.list[1].index: 7 is not the shard's position 1"],
    ['a fractional patch count', 'shards.list.0.patches', 1.5, 'shards.list[0].patches: 1.5 is not a non-negative integer'],
    ['a segment of an unknown slide', 'shards.list.0.segments.0.slideId', 'zz-1', 'slideId: "zz-1" is not the id of a planned slide'],
    ['a segment of a failed slide', 'shards.list.0.segments.0.slideId', 'broken-11111111', 'is not the id of a planned slide'],
    ['a segment past the grid', 'shards.list.1.segments.1.end', 1e9, "segments[1].end: 1000000000 is past the slide's 10 grid patches"],
    ['a negative segment start', 'shards.list.0.segments.0.start', -5, 'segments[0].start: -5 is not a non-negative integer'],
    ['a wrong segment offset', 'shards.list.1.segments.1.offset', 3, 'segments[1].offset: 3 is not 10'],
    [
      'patches that disagree with the segments',
      'shards.list.0.patches',
      25,
      'shards.list[0].patches: 25 is not 20, the sum of its segments',
    ],
    ['a task naming a shard that does not exist', 'tasks.pack.0.shards', [99], 'tasks.pack[0].shards[0]: 99 is not a shard index (0 to 1)'],
    ['a task naming a negative shard', 'tasks.pack.1.shards', [-1], 'tasks.pack[1].shards[0]: -1 is not a shard index'],
    ['a shard in two tasks', 'tasks.pack.1.shards', [1, 0], 'tasks.pack[1].shards[1]: 0 is already packed by task 0'],
    ['a task out of place', 'tasks.pack.1.task', 5, "tasks.pack[1].task: 5 is not the task's position 1"],
    ['no task list', 'tasks', undefined, 'tasks.pack: nothing is not a list'],
    ['a negative total', 'totals.patches', -40, 'totals.patches: -40 is not a non-negative integer'],
    ['no shard list', 'shards', null, 'shards.list: nothing is not a list'],
    ['slide metadata that is not an object', 'slides.0.metadata', 'x', 'slides[0].metadata: "x" is not an object of text values'],
    ['a metadata value that is not text', 'slides.1.metadata', { stage: { $gt: 1 } }, 'slides[1].metadata.stage: {"$gt":1} is not text'],
    ['a slide list without columns', 'slideList', { file: '/x.csv' }, 'slideList: {"file":"/x.csv"} is not {file, columns: [text]}'],
  ])('refuses %s', (_, path, value, problem) => {
    const plan = setPath(validPlan(), path, value);
    let err: unknown = null;
    try {
      parsePlan(JSON.stringify(plan), FILE);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'PLAN_INVALID', file: FILE, hint: expect.stringContaining('--force') });
    expect((err as Error).message).toContain(`${FILE}: the plan is damaged or was edited by hand:\n  - `);
    expect((err as Error).message).toContain(problem);
  });

  test('lists every problem at once, up to twelve, then says how many more', () => {
    const plan = validPlan();
    const slides = plan.slides as Array<Record<string, unknown>>;
    for (let i = 0; i < 20; i++) slides.push({ ...slides[2], id: `../${i}` });
    expect(() => validatePlan(plan, FILE)).toThrowError(/slides\[3\]\.id: "\.\.\/0"[\s\S]*slides\[14\]\.id[\s\S]*… and 8 more$/);
  });
});

describe('isInsideRun', () => {
  test.each([
    ['grids/a.grid', true],
    ['qc/./a.png', true],
    ['a/../b.png', true],
    ['../x', false],
    ['grids/../../x', false],
    ['/etc/passwd', false],
    ['..', false],
    ['.', false],
    ['', false],
    ['a\\..\\..\\x', false],
    ['a\0b', false],
    [42, false],
  ])('%j -> %s', (rel, inside) => {
    expect(isInsideRun(rel)).toBe(inside);
  });
});

describe('runPaths refuses unsafe ids (defence in depth)', () => {
  const paths = runPaths('/runs/r1');
  test.each([
    ['heatmap', () => paths.heatmap('../../x', 'npy'), 'slide'],
    ['qc', () => paths.qc('a/b'), 'slide'],
    ['grid', () => paths.grid('..'), 'slide'],
    ['shard', () => paths.shard('../shard-00000'), 'shard'],
    ['predictions', () => paths.predictions('/tmp/x'), 'shard'],
    ['marker unit', () => paths.marker('infer', '../../../x'), 'unit'],
    ['marker stage', () => paths.marker('../pack', 'shard-00000'), 'stage'],
    ['log folder', () => paths.logDir('../x'), 'stage'],
    ['sbatch chunk', () => paths.sbatchScript('pack', -1, 0), 'chunk'],
  ])('%s', (_, build, kind) => {
    expect(build).toThrowError(new RegExp(`^Refusing ${kind} `));
    try {
      build();
    } catch (e) {
      expect(e).toMatchObject({ code: 'UNSAFE_PATH' });
    }
  });

  test('safe ids give the usual paths', () => {
    expect(paths.heatmap('slide-001-0adc11c7', 'png')).toBe('/runs/r1/heatmaps/slide-001-0adc11c7.png');
    expect(paths.marker('infer', 'task-00003')).toBe('/runs/r1/markers/infer/task-00003.json');
    expect(paths.sbatchScript('infer', 2, 1)).toBe('/runs/r1/slurm/infer-c2-retry1.sbatch');
  });
});

describe('relativeToRun', () => {
  test.each(['/runs/r1', '/runs/r1/', 'runs/r1', 'runs/r1/', './runs/r1'])('a run folder given as %s records grids/x.grid', (root) => {
    const paths = runPaths(root);
    expect(relativeToRun(paths, paths.grid('x'))).toBe('grids/x.grid');
  });

  test('a file outside the run folder is refused, not recorded as it is', () => {
    expect(() => relativeToRun(runPaths('/runs/r1'), '/runs/other/grids/x.grid')).toThrowError(
      '/runs/other/grids/x.grid is not inside the run folder /runs/r1',
    );
  });
});

describe('every id slideIdFor produces is safe', () => {
  test.each([
    '/data/_leading-underscore.svs',
    '/data/Upper Case (copy).svs',
    '/data/..svs',
    '/data/---.tif',
    '/data/.hidden.ndpi',
    '/data/ünïcödé 腫瘍.svs',
    `/data/${'long-name-'.repeat(20)}.tiff`,
    "/data/a b'$(rm -rf x).svs",
  ])('%s', (path) => {
    expect(isSafeId(slideIdFor(path))).toBe(true);
  });
});
