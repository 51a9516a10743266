// A hand-edited plan.json (ids climbing out of the run folder, absolute paths, out-of-range indices) is
// refused by plan, pack, infer, merge and report: exit 1, PLAN_INVALID naming plan.json, the field and
// the value, and nothing written anywhere (the folders around the run are snapshotted before and after).
import { cp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

type PlanJson = {
  slides: Array<{ id: string; grid: { file: string; count: number }; outputs: Record<string, string> }>;
  shards: { list: Array<{ id: string; segments: Array<{ slideId: string; end: number }> }> };
  tasks: { pack: Array<{ shards: number[] }> };
};

let tmp: { dir: string; cleanup: () => Promise<void> };
let slides: string;
let base: string;
let model: string;

beforeAll(async () => {
  tmp = await makeTempDir('plan-tampering');
  slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 2, 3000, 2500, 5);
  base = join(tmp.dir, 'base');
  expect((await cli(['plan', slides, '--out', base, '--patches-per-shard', '40', '-q'])).exitCode).toBe(0);
  expect((await cli(['pack', base, '-q'])).exitCode).toBe(0);
  model = await writeTinyModel(tmp.dir);
  expect((await cli(['infer', base, '--model', model, '-q'])).exitCode).toBe(0);
});
afterAll(() => tmp?.cleanup());

const renameSlide = (p: PlanJson, to: string): void => {
  const from = p.slides[0].id;
  p.slides[0].id = to;
  for (const s of p.shards.list) for (const seg of s.segments) if (seg.slideId === from) seg.slideId = to;
};

const CASES: Array<[string, (p: PlanJson) => void, string]> = [
  ['a slide id of ../../x', (p) => renameSlide(p, '../../x'), 'slides[0].id: "../../x" is not a safe id'],
  ['a shard id of ../../x', (p) => (p.shards.list[0].id = '../../x'), 'shards.list[0].id: "../../x" is not a safe id'],
  [
    'an absolute grid path',
    (p) => (p.slides[1].grid.file = '/etc/passwd'),
    'slides[1].grid.file: "/etc/passwd" is not a path inside the run folder',
  ],
  [
    'an output path out of the run',
    (p) => (p.slides[0].outputs.thumbnail = '../../x.png'),
    'slides[0].outputs.thumbnail: "../../x.png" is not a path inside',
  ],
  ['a task naming shard 99', (p) => (p.tasks.pack[0].shards = [99]), 'tasks.pack[0].shards[0]: 99 is not a shard index'],
  ['a segment past its grid', (p) => (p.shards.list[0].segments[0].end = 1_000_000), "segments[0].end: 1000000 is past the slide's"],
];

const COMMANDS: Array<[string, (run: string) => string[]]> = [
  ['plan', (run) => ['plan', slides, '--out', run, '--patches-per-shard', '40']],
  ['pack', (run) => ['pack', run]],
  ['infer', (run) => ['infer', run, '--model', model]],
  ['merge', (run) => ['merge', run]],
  ['report', (run) => ['report', run]],
];

/** Every file under `dir` with its size and mtime, and every folder (a transient lock file may touch a folder's mtime). */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const rel of await readdir(dir, { recursive: true })) {
    const st = await stat(join(dir, rel));
    out[rel] = st.isDirectory() ? 'folder' : `${st.size} ${st.mtimeMs}`;
  }
  return out;
}

let cases = 0;
/** A copy of the inferred run at CASE/outer/parent/run with its plan.json edited; returns both paths. */
async function tamperedRun(edit: (p: PlanJson) => void): Promise<{ caseDir: string; run: string }> {
  const caseDir = join(tmp.dir, `case-${cases++}`);
  const run = join(caseDir, 'outer', 'parent', 'run');
  await cp(base, run, { recursive: true });
  const plan = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8')) as PlanJson;
  edit(plan);
  await writeFile(join(run, 'plan.json'), JSON.stringify(plan, null, 1));
  return { caseDir, run };
}

describe.each(COMMANDS)('%s refuses a hand-edited plan.json', (_, args) => {
  test.each(CASES)('%s: exit 1, PLAN_INVALID naming the field, nothing written', async (_label, edit, problem) => {
    const { caseDir, run } = await tamperedRun(edit);
    const before = await snapshot(caseDir);
    const r = await cli([...args(run), '--json']);
    expect(r.exitCode, String(r.stderr)).toBe(1);
    const { error } = parseJson(r);
    expect(error).toMatchObject({ code: 'PLAN_INVALID', file: join(run, 'plan.json'), hint: expect.stringContaining('--force') });
    expect(error.message).toContain(`${join(run, 'plan.json')}: the plan is damaged or was edited by hand:`);
    expect(error.message).toContain(problem);
    expect(await snapshot(caseDir)).toEqual(before);
  });
});

test('the text form names plan.json, the field and the fix, without a stack', async () => {
  const { run } = await tamperedRun((p) => renameSlide(p, '../../x'));
  const r = await cli(['merge', run]);
  expect(r.exitCode).toBe(1);
  const stderr = String(r.stderr);
  expect(stderr).toContain(
    `error: ${join(run, 'plan.json')}: the plan is damaged or was edited by hand:\n  - slides[0].id: "../../x" is not a safe id`,
  );
  expect(stderr).toContain('hint: Restore plan.json from a copy, or plan again: `wsi-hpc plan SLIDES --out RUN --force`');
  expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
});

test('plan --force replaces a tampered plan.json with a valid one', async () => {
  const { run } = await tamperedRun((p) => renameSlide(p, '../../x'));
  const r = await cli(['plan', slides, '--out', run, '--patches-per-shard', '40', '--force', '-q']);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  expect((await cli(['pack', run, '-q'])).exitCode).toBe(0);
});

test('a run folder given relatively with a trailing slash records paths inside it, and pack finds them', async () => {
  const r = await cli(['plan', slides, '--out', 'rel/run/', '--patches-per-shard', '40', '-q'], { cwd: tmp.dir });
  expect(r.exitCode, String(r.stderr)).toBe(0);
  const plan = JSON.parse(await readFile(join(tmp.dir, 'rel', 'run', 'plan.json'), 'utf8')) as PlanJson;
  expect(plan.slides[0].grid.file).toBe(`grids/${plan.slides[0].id}.grid`);
  expect(plan.slides[0].outputs.mask).toBe(`masks/${plan.slides[0].id}.png`);
  const pack = await cli(['pack', 'rel/run/', '-q'], { cwd: tmp.dir });
  expect(pack.exitCode, String(pack.stderr)).toBe(0);
});
