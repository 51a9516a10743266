// Planning as array tasks, without a scheduler: the request (no slide opened), each task's records, and
// the assembled plan.json equal to a local `plan` of the same slides (same plan hash, same entries); a
// broken slide fails alone; a task that never ran leaves its slides failed with PLAN_TASK_FAILED, and
// running it later then assembling again completes the plan; records of an unchanged slide are reused.
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runPlan } from '../../src/stages/plan/index.js';
import { assemblePlan, readPlanRequest, runPlanTask, writePlanRequest } from '../../src/stages/plan/plan-tasks.js';
import type { PlanFile } from '../../src/plan/index.js';
import { addBrokenSlides, makeCohort, makeTempDir } from '../fixtures/index.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let slides: string;
let local: PlanFile;
const options = (out: string) => ({ inputs: [slides], out, shards: { patchesPerShard: 30 } });

beforeAll(async () => {
  tmp = await makeTempDir('plan-tasks');
  slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 3, 2200, 1700, 23);
  const donor = (await readdir(slides)).find((f) => f.endsWith('.tif')) as string;
  await addBrokenSlides(slides, join(slides, donor));
  local = (await runPlan(options(join(tmp.dir, 'local')))).plan;
}, 180_000);
afterAll(() => tmp?.cleanup());

const strip = (p: PlanFile) => p.slides.map(({ mtimeMs: _m, ...s }) => s);

describe('plan as array tasks', () => {
  test('request, 3 tasks of 2 slides, assemble: plan.json equals the local plan; the broken slides fail alone', async () => {
    const run = join(tmp.dir, 'tasks');
    const request = await writePlanRequest(options(run), { slidesPerTask: 2 });
    expect(request.slides.length).toBe(5);
    expect(request.tasks).toBe(3);
    // The request step opened no slide: nothing but the request is in the run folder.
    expect(await readdir(run)).toEqual(['plan-tasks']);
    for (let t = 0; t < 3; t++) expect((await runPlanTask(run, { task: t })).slides).toBe(t < 2 ? 2 : 1);
    const a = await assemblePlan(run);
    expect(a.missing).toEqual([]);
    expect(a.plan.planHash).toBe(local.planHash);
    expect(a.plan.shards).toEqual(local.shards);
    expect(a.plan.tasks).toEqual(local.tasks);
    expect(strip(a.plan)).toEqual(strip(local));
    const failed = a.plan.slides.filter((s) => s.status === 'failed').map((s) => s.name);
    expect(failed.sort()).toEqual(['broken-truncated.svs', 'notes.tif']);
    expect(JSON.parse(await readFile(join(run, 'plan.json'), 'utf8')).planHash).toBe(local.planHash);
  }, 180_000);

  test('a task that never ran: its slides are failed entries naming the task; run it, assemble again, complete', async () => {
    const run = join(tmp.dir, 'missing');
    const first = await writePlanRequest(options(run), { slidesPerTask: 2 });
    // The same command again is the same request (its time aside): what tasks recorded stays valid.
    const again = await writePlanRequest(options(run), { slidesPerTask: 2 });
    expect(again.requestHash).toBe(first.requestHash);
    expect((await writePlanRequest(options(run), { slidesPerTask: 3 })).requestHash).not.toBe(first.requestHash);
    await writePlanRequest(options(run), { slidesPerTask: 2 });
    await runPlanTask(run, { task: 0 });
    await runPlanTask(run, { task: 2 });
    const partial = await assemblePlan(run);
    expect(partial.missing.length).toBe(2);
    const gone = partial.plan.slides.filter((s) => s.error?.code === 'PLAN_TASK_FAILED');
    expect(gone.length).toBe(2);
    expect(gone[0].error?.message).toMatch(/plan task 1 did not record this slide/);
    await runPlanTask(run, { task: 1 });
    const full = await assemblePlan(run);
    expect(full.missing).toEqual([]);
    expect(full.plan.planHash).toBe(local.planHash);
  }, 180_000);

  test('a rerun of a task keeps its records; a new request reuses the grids of the earlier plan as a local rerun does', async () => {
    const run = join(tmp.dir, 'tasks');
    const before = await readFile(join(run, 'plan-tasks', 'slides', '0.json'), 'utf8');
    expect((await runPlanTask(run, { task: 0 })).reused).toBe(0);
    expect(await readFile(join(run, 'plan-tasks', 'slides', '0.json'), 'utf8')).toBe(before);
    // Records gone, a new request with the same parameters: every planned slide is reused from plan.json.
    await rm(join(run, 'plan-tasks'), { recursive: true });
    await writePlanRequest(options(run), { slidesPerTask: 5 });
    const r = await runPlanTask(run, { task: 0 });
    expect(r).toMatchObject({ slides: 5, planned: 3, failed: 2, reused: 3, stopped: 0 });
    expect((await assemblePlan(run)).plan.planHash).toBe(local.planHash);
  }, 180_000);

  test('an edited request is refused, naming the file', async () => {
    const run = join(tmp.dir, 'tasks');
    const file = join(run, 'plan-tasks', 'request.json');
    const r = JSON.parse(await readFile(file, 'utf8'));
    r.slides.push('/etc/passwd');
    await import('node:fs/promises').then((fs) => fs.writeFile(file, JSON.stringify(r)));
    await expect(readPlanRequest(run)).rejects.toThrow(/request.json: the plan request is damaged or was edited/);
    await expect(runPlanTask(run, { task: 0 })).rejects.toMatchObject({ code: 'PLAN_INVALID' });
  });
});
