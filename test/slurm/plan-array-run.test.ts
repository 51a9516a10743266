// `submit SLIDES --out RUN` on the local SLURM cluster: the plan runs as an array over slides (no slide is
// opened by the submitting command), an assemble job writes plan.json and submits pack -> infer -> merge.
// The result equals a local plan + run (same plan hash, same scores); a broken slide fails alone and is
// reported; `--slides-from` with a CSV subset plans exactly those slides and carries a metadata column.
import { execFileSync } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PlanFile } from '../../src/plan/index.js';
import { holdClusterDuringSuite, requireCluster, waitRunFinished } from '../fixtures/cluster.js';
import { SYSTEM_PYTHON, cli, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

const env = requireCluster();
let tmp: { dir: string; cleanup: () => Promise<void> };
let slides: string;
let model: string;
const jobArgs = ['--cpus-per-task', '1', '--mem-gb', '1', '--time', '00:10:00'];
const planArgs = ['--patches-per-shard', '150'];

holdClusterDuringSuite(env);
beforeAll(async () => {
  tmp = await makeTempDir('plan-array');
  slides = join(tmp.dir, 'slides dir');
  await makeCohort(slides, 3, 2200, 1700, 29);
  await writeFile(join(slides, 'broken.tif'), 'not a slide at all\n');
  model = await writeTinyModel(tmp.dir);
}, 180_000);
afterAll(() => tmp?.cleanup());

// scores.csv rows by slide id, as Python's csv module reads them.
function scores(run: string): Record<string, Record<string, string>> {
  const py = 'import csv, json, sys\nprint(json.dumps({r["slide_id"]: r for r in csv.DictReader(open(sys.argv[1], newline=""))}))';
  return JSON.parse(execFileSync(SYSTEM_PYTHON, ['-c', py, join(run, 'scores.csv')], { encoding: 'utf8' }));
}

const readPlanFile = async (run: string): Promise<PlanFile> => JSON.parse(await readFile(join(run, 'plan.json'), 'utf8'));

describe.runIf(env)('plan as SLURM array tasks', () => {
  test('submit SLIDES --out RUN: plan array, assemble, chain; equal to a local plan + run; the broken slide fails alone', async () => {
    const local = join(tmp.dir, 'local');
    const p = await cli(['plan', slides, '--out', local, ...planArgs, '-q']);
    expect(p.exitCode).toBe(1); // the broken slide
    expect((await cli(['run', local, '--model', model, '-q'])).exitCode).toBe(0);

    const run = join(tmp.dir, 'cluster run');
    const s = await cli(
      ['submit', slides, '--out', run, '--model', model, ...planArgs, '--plan-slides-per-task', '2', ...jobArgs, '--json'],
      {
        env: env ?? {},
      },
    );
    expect(s.exitCode, String(s.stderr)).toBe(0);
    const submitted = parseJson<{ tasks: number; slides: number; submissions: Array<{ kind: string; jobId: string }> }>(s);
    expect(submitted).toMatchObject({ tasks: 2, slides: 4 });
    expect(submitted.submissions.map((x) => x.kind)).toEqual(['plan', 'assemble']);

    const status = await waitRunFinished(env ?? {}, run, 600);
    expect(status.plan?.tasks.map((t) => `${t.stage}:${t.phase}`)).toEqual(['plan:done', 'plan:done', 'assemble:done']);
    for (const st of status.stages) expect(st.counts.done, `${st.stage}: ${JSON.stringify(st.tasks)}`).toBe(st.total);
    const [a, b] = [await readPlanFile(local), await readPlanFile(run)];
    expect(b.planHash).toBe(a.planHash);
    const broken = b.slides.find((x) => x.name === 'broken.tif');
    expect(broken?.status).toBe('failed');
    expect(broken?.error?.code).toBe(a.slides.find((x) => x.name === 'broken.tif')?.error?.code);
    expect(scores(run)).toEqual(scores(local));
    const rows = scores(run);
    expect(Object.values(rows).filter((r) => r.status === 'merged')).toHaveLength(3);
    expect(rows[broken?.id as string]?.status).not.toBe('merged');
    // Reported: the assemble job's log names the failed slide count, status lists the plan stage.
    const logs = await readdir(join(run, 'logs', 'plan'));
    const assembleLog = logs.find((f) => f.startsWith('assemble-')) as string;
    expect(await readFile(join(run, 'logs', 'plan', assembleLog), 'utf8')).toMatch(/3 planned, 1 failed/);
    const text = await cli(['status', run], { env: env ?? {} });
    expect(text.exitCode).toBe(0);
    expect(String(text.stdout)).toMatch(/^plan\s+2\s+2\s/m);
    expect(String(text.stdout)).toMatch(/^assemble\s+1\s+1\s/m);
  }, 700_000);

  test('--slides-from a CSV subset: exactly those slides are planned; a metadata column reaches scores.csv', async () => {
    const names = (await readdir(slides)).filter((f) => /^slide-.*\.(tif|svs)$/.test(f)).sort();
    expect(names).toHaveLength(3);
    const list = join(tmp.dir, 'subset.csv');
    await writeFile(list, `slide,diagnosis\n"${join(slides, names[0])}","tumour, stage ""II"""\n${join(slides, names[2])},normal\n`);
    const run = join(tmp.dir, 'subset');
    const s = await cli(['submit', '--slides-from', list, '--out', run, '--model', model, ...planArgs, ...jobArgs, '-q'], {
      env: env ?? {},
    });
    expect(s.exitCode, String(s.stderr)).toBe(0);
    const status = await waitRunFinished(env ?? {}, run, 600);
    expect(status.plan?.isAssembled).toBe(true);
    for (const st of status.stages) expect(st.counts.done, st.stage).toBe(st.total);
    const plan = await readPlanFile(run);
    expect(plan.slides.map((x) => x.name).sort()).toEqual([names[0], names[2]]);
    expect(plan.slideList?.columns).toEqual(['diagnosis']);
    const rows = Object.values(scores(run));
    expect(rows.map((r) => [r.name, r.diagnosis]).sort()).toEqual([
      [names[0], 'tumour, stage "II"'],
      [names[2], 'normal'],
    ]);
  }, 700_000);

  test('plan SLIDES --out RUN --executor slurm plans only: plan.json as a local plan, nothing else submitted', async () => {
    const run = join(tmp.dir, 'plan only');
    const p = await cli(
      ['plan', slides, '--out', run, ...planArgs, '--executor', 'slurm', '--plan-slides-per-task', '3', ...jobArgs, '-q'],
      {
        env: env ?? {},
      },
    );
    expect(p.exitCode, String(p.stderr)).toBe(0);
    const status = await waitRunFinished(env ?? {}, run, 600);
    expect(status.plan?.tasks.map((t) => `${t.stage}:${t.phase}`)).toEqual(['plan:done', 'plan:done', 'assemble:done']);
    expect((await readPlanFile(run)).planHash).toBe((await readPlanFile(join(tmp.dir, 'local'))).planHash);
    expect(await readdir(join(run, 'slurm'))).not.toContain('jobs.json');
    for (const st of status.stages) expect(st.counts['not-submitted'], st.stage).toBe(st.total);
  }, 700_000);

  test('cancel RUN while the plan array waits: the plan jobs and the assemble job are cancelled, status ends with them failed', async () => {
    const run = join(tmp.dir, 'cancelled');
    // The setup snippet keeps the plan task busy long enough to cancel it and the assemble job waiting for it.
    const s = await cli(['plan', slides, '--out', run, ...planArgs, '--executor', 'slurm', ...jobArgs, '--setup', 'sleep 60', '-q'], {
      env: env ?? {},
    });
    expect(s.exitCode, String(s.stderr)).toBe(0);
    const c = await cli(['cancel', run, '--json'], { env: env ?? {} });
    expect(c.exitCode, String(c.stderr)).toBe(0);
    expect(parseJson<{ cancelled: string[] }>(c).cancelled.length).toBe(2);
    const status = await waitRunFinished(env ?? {}, run, 300);
    expect(status.plan?.tasks.every((t) => t.phase === 'failed')).toBe(true);
    expect(status.plan?.isAssembled).toBe(false);
  }, 400_000);
});
